package io.llmetry4j.benchmarks;

import io.llmetry4j.core.internal.JsonWriter;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Whether a text of ~410 characters can go between JSON quotes as it is (#25): the scan every
 * first-time message pays, side by side with the alternatives looked at for it, on the JDK that
 * runs the jar. The alternatives are exact (each agrees with {@link JsonWriter#isPlain} on every
 * text and on the hostile ones checked at set-up) but live only here: none was faster on Java 17 or
 * 25 (docs/performance.md). Rerun it on a newer JDK before revisiting the scan.
 *
 * <ul>
 *   <li>{@code copy}: the floor, the text copied into a {@code char[]} and not looked at.
 *   <li>{@code jsonWriterIsPlain}: what the listener runs, a table lookup per character of the
 *       copy.
 *   <li>{@code branchFreeFlags}: a flag per character computed without branches or table (a loop
 *       the JIT could vectorise), then the first flag found by {@link Arrays#mismatch}.
 *   <li>{@code latin1BytesEightAtATime}: the text's ISO-8859-1 bytes, eight tested at a time in a
 *       {@code long}; a text that is not all Latin-1 is told by its length or by a {@code '?'} the
 *       encoder put for a character, and falls back to the table.
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 4, time = 2)
@Fork(2)
public class EscapeScanBenchmark {

  @Param({"latin", "chinese", "emoji", "mixed"})
  public String script;

  // Texts just made, as a request's are: 64 in rotation stay in the CPU's cache.
  private static final int TEXTS = 64;
  private static final int CHUNK = 512;

  private final String[] pool = new String[TEXTS];
  private int next;
  private final char[] chars = new char[CHUNK + 2];
  private final char[] flags = new char[CHUNK + 2];
  private static final char[] NO_FLAGS = new char[CHUNK + 2];

  @Setup(Level.Trial)
  public void setUp() {
    for (int i = 0; i < TEXTS; i++) {
      pool[i] = BenchmarkTexts.message(script, i);
      check(pool[i]);
    }
    for (String hostile :
        new String[] {
          "a\"b",
          "a\\b",
          "tab\there",
          "\u0000",
          "x\u2028",
          "x\u2029",
          "lone \ud83d",
          "\ude00 lone",
          "pair \ud83d\ude00 ok",
          "é and ÿ",
          "Ŀ and ?",
          "? \ud83d\ude00 ?",
          "ğ?\u001f",
        }) {
      check(hostile);
      check(hostile.repeat(200));
    }
    // A pair, and a lone half, across the edge of two chunks.
    check("x".repeat(CHUNK - 1) + "\ud83d\ude00 y");
    check("x".repeat(CHUNK - 1) + "\ud83d y");
    check("x".repeat(CHUNK) + "\ude00 y");
  }

  private void check(String text) {
    boolean plain = JsonWriter.isPlain(text);
    if (branchFreeFlags(text) != plain || latin1BytesEightAtATime(text) != plain) {
      throw new IllegalStateException("an alternative scan disagrees on a text of " + script);
    }
  }

  private String nextText() {
    String text = pool[next];
    next = (next + 1) & (TEXTS - 1);
    return text;
  }

  @Benchmark
  public char copy() {
    String text = nextText();
    int end = text.length();
    for (int start = 0; start < end; start += CHUNK) {
      text.getChars(start, Math.min(end, start + CHUNK), chars, 0);
    }
    return chars[0];
  }

  @Benchmark
  public boolean jsonWriterIsPlain() {
    return JsonWriter.isPlain(nextText());
  }

  @Benchmark
  public boolean branchFreeFlags() {
    return branchFreeFlags(nextText());
  }

  @Benchmark
  public boolean latin1BytesEightAtATime() {
    return latin1BytesEightAtATime(nextText());
  }

  /** Bit 15 set when {@code value}, a 16-bit unit, is zero. */
  private static int isZero(int value) {
    return (value - 1) & ~value;
  }

  private boolean branchFreeFlags(String text) {
    int end = text.length();
    char before = 0;
    for (int start = 0; start < end; start += CHUNK) {
      int count = Math.min(end - start, CHUNK);
      // chars[0] is the unit before the window, chars[count + 1] the one after (0 when none).
      chars[0] = before;
      text.getChars(start, start + count, chars, 1);
      chars[count + 1] = start + count < end ? text.charAt(start + count) : 0;
      for (int i = 1; i <= count; i++) {
        int c = chars[i];
        int control = (c - 0x20) & ~c;
        int quote = isZero(c ^ '"');
        int backslash = isZero(c ^ '\\');
        int separator = isZero((c & 0xFFFE) ^ 0x2028);
        int loneHigh = isZero((c & 0xFC00) ^ 0xD800) & ~isZero((chars[i + 1] & 0xFC00) ^ 0xDC00);
        int loneLow = isZero((c & 0xFC00) ^ 0xDC00) & ~isZero((chars[i - 1] & 0xFC00) ^ 0xD800);
        flags[i] = (char) ((control | quote | backslash | separator | loneHigh | loneLow) & 0x8000);
      }
      if (Arrays.mismatch(flags, 1, count + 1, NO_FLAGS, 1, count + 1) >= 0) {
        return false;
      }
      before = chars[count];
    }
    return true;
  }

  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGH_BITS = 0x8080808080808080L;

  private static boolean latin1BytesEightAtATime(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
    int length = bytes.length;
    if (length != text.length()) {
      return JsonWriter.isPlain(text); // a surrogate pair became one '?'
    }
    int i = 0;
    for (; i + 8 <= length; i += 8) {
      long word = (long) LONGS.get(bytes, i);
      // A byte's high bit set where it is below 0x20, '"', '\\' or '?' (bytes of 0x80 and up are
      // plain Latin-1 letters); exact for "is there one", which is all this asks.
      long found =
          ((word - 0x20 * ONES)
                  | ((word ^ ('"' * ONES)) - ONES)
                  | ((word ^ ('\\' * ONES)) - ONES)
                  | ((word ^ ('?' * ONES)) - ONES))
              & ~word
              & HIGH_BITS;
      if (found != 0) {
        for (int k = i; k < i + 8; k++) {
          if (!plainLatin1(text, bytes[k], k)) {
            return bytes[k] == '?' ? JsonWriter.isPlain(text) : false;
          }
        }
      }
    }
    for (; i < length; i++) {
      if (!plainLatin1(text, bytes[i], i)) {
        return bytes[i] == '?' ? JsonWriter.isPlain(text) : false;
      }
    }
    return true;
  }

  /** Whether byte {@code at} stands for a plain character; a '?' must be a '?' in the text. */
  private static boolean plainLatin1(String text, byte b, int at) {
    int c = b & 0xFF;
    if (c == '?') {
      return text.charAt(at) == '?';
    }
    return c >= 0x20 && c != '"' && c != '\\';
  }
}
