package io.llmetry4j.benchmarks;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SegmentedStringWriter;
import io.llmetry4j.core.internal.JsonWriter;
import java.io.IOException;
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
 * One chat message's JSON in the conventions' schema ({@code {"role":"user","parts":[{"type":
 * "text","content":"…"}]}}), ~410 characters of text never written before, side by side (#25):
 * llmetry4j's {@link JsonWriter}, Jackson's streaming generator (the jackson-core LangChain4j
 * depends on) as {@code ObjectMapper.writeValueAsString} drives it, and the floor of a copy (the
 * same text between the same two constant pieces, no scan). Per character: divide by {@link
 * #characters}, printed at setup.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(3)
public class MessageJsonBenchmark {

  // Distinct texts in rotation: 4,096 (1.7 MB of Latin text) stay in the CPU's cache, 32,768 do
  // not.
  @Param({"4096"})
  public int texts;

  private static final String PREFIX =
      "{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":\"";
  private static final String SUFFIX = "\"}]}";

  @Param({"latin", "chinese", "emoji", "mixed"})
  public String script;

  private final JsonFactory jackson = new JsonFactory();
  private String[] pool;
  private int next;

  @Setup(Level.Trial)
  public void setUp() {
    pool = new String[texts];
    long characters = 0;
    for (int i = 0; i < texts; i++) {
      pool[i] = BenchmarkTexts.message(script, i);
      characters += pool[i].length();
    }
    System.out.println("# " + script + ": " + characters / texts + " characters of text a message");
  }

  private String nextText() {
    String text = pool[next];
    next = (next + 1) & (texts - 1);
    return text;
  }

  @Benchmark
  public String jsonWriter() {
    String text = nextText();
    return new JsonWriter(text.length() + 64)
        .beginObject()
        .field("role", "user")
        .name("parts")
        .beginArray()
        .beginObject()
        .field("type", "text")
        .field("content", text)
        .endObject()
        .endArray()
        .endObject()
        .toString();
  }

  @Benchmark
  public String jackson() throws IOException {
    String text = nextText();
    SegmentedStringWriter out = new SegmentedStringWriter(jackson._getBufferRecycler());
    try (JsonGenerator json = jackson.createGenerator(out)) {
      json.writeStartObject();
      json.writeStringField("role", "user");
      json.writeArrayFieldStart("parts");
      json.writeStartObject();
      json.writeStringField("type", "text");
      json.writeStringField("content", text);
      json.writeEndObject();
      json.writeEndArray();
      json.writeEndObject();
    }
    return out.getAndClear();
  }

  // The scan for characters to escape alone, two ways: comparisons per character (what JsonWriter
  // did), and one lookup per UTF-16 unit in a 64 KB table (what it does).
  private static final boolean[] ASCII_ESCAPED = new boolean[0x80];

  static {
    for (int c = 0; c < 0x20; c++) {
      ASCII_ESCAPED[c] = true;
    }
    ASCII_ESCAPED['"'] = true;
    ASCII_ESCAPED['\\'] = true;
  }

  @Benchmark
  public int scanCharAt() {
    String value = nextText();
    int to = value.length();
    for (int i = 0; i < to; i++) {
      char c = value.charAt(i);
      if (c < 0x80) {
        if (ASCII_ESCAPED[c]) {
          return i;
        }
      } else if (c == 0x2028 || c == 0x2029) {
        return i;
      } else if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c)
            && i + 1 < to
            && Character.isLowSurrogate(value.charAt(i + 1))) {
          i++;
        } else {
          return i;
        }
      }
    }
    return to;
  }

  // One flag per UTF-16 unit: 1 to escape, 2 for a surrogate (checked as a pair).
  private static final byte[] FLAGS = new byte[0x10000];

  static {
    for (int c = 0; c < 0x20; c++) {
      FLAGS[c] = 1;
    }
    FLAGS['"'] = 1;
    FLAGS['\\'] = 1;
    FLAGS[0x2028] = 1;
    FLAGS[0x2029] = 1;
    for (int c = 0xD800; c < 0xE000; c++) {
      FLAGS[c] = 2;
    }
  }

  @Benchmark
  public int scanTable() {
    String value = nextText();
    int to = value.length();
    for (int i = 0; i < to; i++) {
      int flag = FLAGS[value.charAt(i)];
      if (flag != 0) {
        if (flag == 2
            && Character.isHighSurrogate(value.charAt(i))
            && i + 1 < to
            && Character.isLowSurrogate(value.charAt(i + 1))) {
          i++;
        } else {
          return i;
        }
      }
    }
    return to;
  }

  /** What a value-keyed cache pays first for a text never seen: its hash code. */
  @Benchmark
  public int hashCodeOfNewString() {
    // Shares the text's bytes, not its hash code.
    return new String(nextText()).hashCode();
  }

  /** The floor: the text copied between the constant pieces, without a scan. */
  @Benchmark
  public String copy() {
    String text = nextText();
    return new StringBuilder(text.length() + 64)
        .append(PREFIX)
        .append(text)
        .append(SUFFIX)
        .toString();
  }
}
