package io.llmetry4j.core.internal;

/**
 * A minimal streaming JSON writer for the content attributes. Written by hand because content
 * capture is on the hot path (no reflection, no intermediate tree) and because llmetry4j must not
 * impose a JSON library on the application. Commas are placed automatically.
 *
 * <p>The output is a {@link StringBuilder}: for the common Latin-1 text it holds one byte per char,
 * so a text-sized value is appended as one array copy and the result is built without converting
 * it. Each string is scanned once for the first character that needs escaping; text without one
 * (nearly all of it) is appended whole.
 *
 * <p>Not public API: shared by the llmetry4j modules, may change without notice.
 */
public final class JsonWriter {

  private static final char[] HEX = "0123456789abcdef".toCharArray();
  private static final int MAX_DEPTH = 32;
  // Whether each ASCII char must be escaped: control characters, the quote and the backslash.
  private static final boolean[] ASCII_ESCAPED = new boolean[0x80];

  static {
    for (int c = 0; c < 0x20; c++) {
      ASCII_ESCAPED[c] = true;
    }
    ASCII_ESCAPED['"'] = true;
    ASCII_ESCAPED['\\'] = true;
  }

  private final StringBuilder out;
  // needsComma[depth]: whether the next value at this depth follows another one.
  private final boolean[] needsComma = new boolean[MAX_DEPTH];
  private int depth;
  private boolean afterName;

  public JsonWriter(int initialCapacity) {
    this.out = new StringBuilder(Math.max(16, initialCapacity));
  }

  public JsonWriter beginArray() {
    beforeValue();
    out.append('[');
    push();
    return this;
  }

  public JsonWriter endArray() {
    depth--;
    out.append(']');
    return this;
  }

  public JsonWriter beginObject() {
    beforeValue();
    out.append('{');
    push();
    return this;
  }

  public JsonWriter endObject() {
    depth--;
    out.append('}');
    return this;
  }

  /**
   * A member name. Names are the keys of the conventions' schemas ({@code role}, {@code parts},
   * ...), never content: they are written as they are, without the scan for escapes.
   */
  public JsonWriter name(String name) {
    if (needsComma[depth]) {
      out.append(',');
    }
    needsComma[depth] = true;
    out.append('"').append(name).append("\":");
    afterName = true;
    return this;
  }

  /** A member name from data (not one of the schemas' keys): escaped as a value is. */
  public JsonWriter escapedName(String name) {
    if (needsComma[depth]) {
      out.append(',');
    }
    needsComma[depth] = true;
    appendString(name);
    out.append(':');
    afterName = true;
    return this;
  }

  public JsonWriter value(String value) {
    beforeValue();
    if (value == null) {
      out.append("null");
    } else {
      appendString(value);
    }
    return this;
  }

  public JsonWriter value(double value) {
    beforeValue();
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      out.append("null");
    } else {
      out.append(value);
    }
    return this;
  }

  public JsonWriter value(long value) {
    beforeValue();
    out.append(value);
    return this;
  }

  /** A value that is already JSON: the caller checked it with {@link JsonSyntax}. */
  public JsonWriter rawValue(String json) {
    beforeValue();
    out.append(json);
    return this;
  }

  /** Characters written so far. */
  public int length() {
    return out.length();
  }

  /** {@code value} as a JSON string literal. */
  public static String quote(String value) {
    JsonWriter json = new JsonWriter(value.length() + 2);
    json.appendString(value);
    return json.toString();
  }

  /** {@code "name":"value"}, the common case. */
  public JsonWriter field(String name, String value) {
    return name(name).value(value);
  }

  @Override
  public String toString() {
    return out.toString();
  }

  private void push() {
    if (depth + 1 >= MAX_DEPTH) {
      throw new IllegalStateException("JSON nested deeper than " + MAX_DEPTH);
    }
    needsComma[++depth] = false;
  }

  private void beforeValue() {
    if (afterName) {
      afterName = false;
      return;
    }
    if (needsComma[depth]) {
      out.append(',');
    }
    needsComma[depth] = true;
  }

  private void appendString(String value) {
    out.append('"');
    int length = value.length();
    int first = firstToEscape(value, 0, length);
    if (first == length) {
      out.append(value);
    } else {
      appendEscaped(value, first, length);
    }
    out.append('"');
  }

  /** The index of the first char of {@code value[from, to)} to escape, or {@code to}. */
  private static int firstToEscape(String value, int from, int to) {
    for (int i = from; i < to; i++) {
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
          i++; // a well-formed pair is kept as it is
        } else {
          return i;
        }
      }
    }
    return to;
  }

  /** Appends {@code value[0, length)}, whose first char to escape is at {@code first}. */
  private void appendEscaped(String value, int first, int length) {
    int plainFrom = 0;
    int i = first;
    while (i < length) {
      out.append(value, plainFrom, i);
      appendEscape(value.charAt(i));
      plainFrom = i + 1;
      i = firstToEscape(value, plainFrom, length);
    }
    out.append(value, plainFrom, length);
  }

  private void appendEscape(char c) {
    switch (c) {
      case '"':
        out.append("\\\"");
        return;
      case '\\':
        out.append("\\\\");
        return;
      case '\n':
        out.append("\\n");
        return;
      case '\r':
        out.append("\\r");
        return;
      case '\t':
        out.append("\\t");
        return;
      default:
        // Control chars and the JavaScript line separators as \\uXXXX; a lone surrogate cannot be
        // encoded in UTF-8, so it becomes the replacement character.
        char escaped = Character.isSurrogate(c) ? '\ufffd' : c;
        out.append("\\u")
            .append(HEX[(escaped >> 12) & 0xF])
            .append(HEX[(escaped >> 8) & 0xF])
            .append(HEX[(escaped >> 4) & 0xF])
            .append(HEX[escaped & 0xF]);
    }
  }
}
