package io.llmetry4j.core.internal;

import java.util.Arrays;

/**
 * A minimal streaming JSON writer for the content attributes. Written by hand because content
 * capture is on the hot path (no reflection, no intermediate tree) and because llmetry4j must not
 * impose a JSON library on the application. Commas are placed automatically.
 *
 * <p>The JSON is written into a {@code char[]} and made a string once, by {@link #toString()} (one
 * byte per character when it is all Latin-1): a value is copied in bulk, run by run between the
 * characters it escapes, so Chinese or emoji text costs what Latin text does, without a builder
 * turning its bytes into UTF-16 halfway. Each value is scanned once for characters to escape with
 * one table lookup per character, which measured 2× faster than comparisons for Chinese text and
 * 1.4× for emoji (docs/performance.md).
 *
 * <p>Not public API: shared by the llmetry4j modules, may change without notice.
 */
public final class JsonWriter {

  private static final int MAX_DEPTH = 32;

  // What each UTF-16 unit needs: nothing, an escape, or (a high surrogate) a low one after it. A
  // low surrogate not after a high one is escaped. 64 KB, once per JVM.
  private static final byte PLAIN = 0;
  private static final byte ESCAPED = 1;
  private static final byte HIGH_SURROGATE = 2;
  private static final byte[] UNITS = new byte[0x10000];

  /** The escape of each character that needs one below 0x80, else null. */
  private static final String[] ASCII_ESCAPES = new String[0x80];

  static {
    for (int c = 0; c < 0x20; c++) {
      ASCII_ESCAPES[c] = unicodeEscape((char) c);
    }
    ASCII_ESCAPES['"'] = "\\\"";
    ASCII_ESCAPES['\\'] = "\\\\";
    ASCII_ESCAPES['\n'] = "\\n";
    ASCII_ESCAPES['\r'] = "\\r";
    ASCII_ESCAPES['\t'] = "\\t";
    for (int c = 0; c < 0x80; c++) {
      if (ASCII_ESCAPES[c] != null) {
        UNITS[c] = ESCAPED;
      }
    }
    // The JavaScript line separators: valid JSON, not valid in JavaScript source.
    UNITS[0x2028] = ESCAPED;
    UNITS[0x2029] = ESCAPED;
    for (int c = Character.MIN_HIGH_SURROGATE; c <= Character.MAX_HIGH_SURROGATE; c++) {
      UNITS[c] = HIGH_SURROGATE;
    }
    for (int c = Character.MIN_LOW_SURROGATE; c <= Character.MAX_LOW_SURROGATE; c++) {
      UNITS[c] = ESCAPED;
    }
  }

  private static final String LINE_SEPARATOR = unicodeEscape((char) 0x2028);
  private static final String PARAGRAPH_SEPARATOR = unicodeEscape((char) 0x2029);
  // A lone surrogate cannot be encoded in UTF-8: the replacement character stands for it.
  private static final String LONE_SURROGATE = unicodeEscape((char) 0xfffd);

  private char[] out;
  private int length;
  // needsComma[depth]: whether the next value at this depth follows another one.
  private final boolean[] needsComma = new boolean[MAX_DEPTH];
  private int depth;
  private boolean afterName;

  public JsonWriter() {
    this(128);
  }

  /** A writer with room for {@code capacity} characters before it grows. */
  public JsonWriter(int capacity) {
    this.out = new char[Math.max(16, capacity)];
  }

  public JsonWriter beginArray() {
    beforeValue();
    append('[');
    push();
    return this;
  }

  public JsonWriter endArray() {
    depth--;
    append(']');
    return this;
  }

  public JsonWriter beginObject() {
    beforeValue();
    append('{');
    push();
    return this;
  }

  public JsonWriter endObject() {
    depth--;
    append('}');
    return this;
  }

  /**
   * A member name. Names are the keys of the conventions' schemas ({@code role}, {@code parts},
   * ...), never content: they are written as they are, without the scan for escapes.
   */
  public JsonWriter name(String name) {
    beforeName();
    append('"');
    append(name);
    append('"');
    append(':');
    return this;
  }

  /** A member name from data (not one of the schemas' keys): escaped as a value is. */
  public JsonWriter escapedName(String name) {
    beforeName();
    appendString(name);
    append(':');
    return this;
  }

  public JsonWriter value(String value) {
    beforeValue();
    if (value == null) {
      append("null");
    } else {
      appendString(value);
    }
    return this;
  }

  public JsonWriter value(double value) {
    beforeValue();
    append(Double.isNaN(value) || Double.isInfinite(value) ? "null" : Double.toString(value));
    return this;
  }

  public JsonWriter value(long value) {
    beforeValue();
    append(Long.toString(value));
    return this;
  }

  /** A value that is already JSON: the caller checked it with {@link JsonSyntax}. */
  public JsonWriter rawValue(String json) {
    beforeValue();
    append(json);
    return this;
  }

  /** Characters written so far. */
  public int length() {
    return length;
  }

  /** {@code value} as a JSON string literal. */
  public static String quote(String value) {
    JsonWriter json = new JsonWriter(value.length() + 2);
    json.appendString(value);
    return json.toString();
  }

  /**
   * Whether {@code value} is written between quotes as it is: nothing to escape, every surrogate in
   * a pair. A caller that knows it can concatenate the value into its JSON (one copy, in the
   * string's own encoding) rather than write it.
   */
  public static boolean isPlain(String value) {
    int end = value.length();
    char[] chunk = CHUNK.get();
    for (int start = 0; start < end; ) {
      int count = Math.min(end - start, CHUNK_CHARS);
      int at = firstToEscape(chunk, 0, count, copyChunk(value, start, count, chunk));
      if (at < count) {
        return false;
      }
      start += at;
    }
    return true;
  }

  /** {@code "name":"value"}, the common case. */
  public JsonWriter field(String name, String value) {
    return name(name).value(value);
  }

  @Override
  public String toString() {
    return new String(out, 0, length);
  }

  /** Empties this writer for another JSON text; returns its capacity in characters. */
  public int reset() {
    length = 0;
    depth = 0;
    afterName = false;
    needsComma[0] = false;
    return out.length;
  }

  private void ensure(int more) {
    if (length + more > out.length) {
      out = Arrays.copyOf(out, Math.max(out.length * 2, length + more));
    }
  }

  private void append(char c) {
    ensure(1);
    out[length++] = c;
  }

  private void append(String text) {
    append(text, 0, text.length());
  }

  private void append(String text, int from, int to) {
    int count = to - from;
    ensure(count);
    text.getChars(from, to, out, length);
    length += count;
  }

  private void push() {
    if (depth + 1 >= MAX_DEPTH) {
      throw new IllegalStateException("JSON nested deeper than " + MAX_DEPTH);
    }
    needsComma[++depth] = false;
  }

  private void beforeName() {
    if (needsComma[depth]) {
      append(',');
    }
    needsComma[depth] = true;
    afterName = true;
  }

  private void beforeValue() {
    if (afterName) {
      afterName = false;
      return;
    }
    if (needsComma[depth]) {
      append(',');
    }
    needsComma[depth] = true;
  }

  /**
   * {@code value} quoted: copied a chunk at a time into this thread's {@link #CHUNK}, scanned
   * there, and moved run by run between the characters it escapes.
   */
  private void appendString(String value) {
    int end = value.length();
    ensure(end + 2);
    out[length++] = '"';
    char[] chunk = CHUNK.get();
    for (int start = 0; start < end; ) {
      int count = Math.min(end - start, CHUNK_CHARS);
      int copied = copyChunk(value, start, count, chunk);
      int run = 0;
      int at = firstToEscape(chunk, 0, count, copied);
      while (at < count) {
        append(chunk, run, at);
        append(escape(chunk[at]));
        run = at + 1;
        at = firstToEscape(chunk, run, count, copied);
      }
      append(chunk, run, at);
      start += at;
    }
    append('"');
  }

  /**
   * Copies {@code count} characters of {@code value} from {@code start} into {@code chunk}, and the
   * next one if there is one (the low half of a pair the chunk ends in); returns how many.
   */
  private static int copyChunk(String value, int start, int count, char[] chunk) {
    int copied = Math.min(value.length() - start, count + 1);
    value.getChars(start, start + copied, chunk, 0);
    return copied;
  }

  /**
   * The index of the first char of {@code chunk[from, count)} to escape; else where the chunk's
   * scanned text ends: {@code count}, or {@code count + 1} when it ends in a pair whose low half is
   * the next chunk's first char ({@code copied} chars are in the chunk).
   */
  private static int firstToEscape(char[] chunk, int from, int count, int copied) {
    int at = firstNotPlain(chunk, from, count);
    while (at < count
        && UNITS[chunk[at]] == HIGH_SURROGATE
        && at + 1 < copied
        && Character.isLowSurrogate(chunk[at + 1])) {
      // A well-formed pair is kept as it is.
      int next = at + 2;
      at = next >= count ? next : firstNotPlain(chunk, next, count);
    }
    return at;
  }

  /**
   * The index of the first char of {@code chunk[from, count)} that is not plain, else {@code
   * count}. A loop that only counts (pairs are stepped over by the caller), which the JIT unrolls.
   */
  private static int firstNotPlain(char[] chunk, int from, int count) {
    for (int i = from; i < count; i++) {
      if (UNITS[chunk[i]] != PLAIN) {
        return i;
      }
    }
    return count;
  }

  private void append(char[] chars, int from, int to) {
    int count = to - from;
    ensure(count);
    System.arraycopy(chars, from, out, length, count);
    length += count;
  }

  /**
   * Text is scanned in a copy: a loop over a {@code char[]} has no per-character check of the
   * string's encoding or bounds, which a loop of {@code String.charAt} keeps where it meets both
   * one-byte and two-byte strings, as an application's content does (docs/performance.md: in the
   * listener, scanning emoji text through charAt cost three times Latin text).
   */
  private static final int CHUNK_CHARS = 512;

  private static final ThreadLocal<char[]> CHUNK =
      ThreadLocal.withInitial(() -> new char[CHUNK_CHARS + 1]);

  /** The escape sequence of a character the scan stopped at. */
  private static String escape(char c) {
    if (c < 0x80) {
      return ASCII_ESCAPES[c];
    } else if (c == 0x2028) {
      return LINE_SEPARATOR;
    } else if (c == 0x2029) {
      return PARAGRAPH_SEPARATOR;
    }
    return LONE_SURROGATE;
  }

  private static String unicodeEscape(char c) {
    return String.format("\\u%04x", (int) c);
  }
}
