package io.llmetry4j.core.internal;

/**
 * A minimal streaming JSON writer for the content attributes. Written by hand because content
 * capture is on the hot path (no reflection, no intermediate tree) and because llmetry4j must not
 * impose a JSON library on the application. Commas are placed automatically.
 *
 * <p>Not public API: shared by the llmetry4j modules, may change without notice.
 */
public final class JsonWriter {

  private static final char[] HEX = "0123456789abcdef".toCharArray();
  private static final int MAX_DEPTH = 32;

  private final StringBuilder out;
  // needsComma[depth]: whether the next value at this depth follows another one.
  private final boolean[] needsComma = new boolean[MAX_DEPTH];
  private int depth;
  private boolean afterName;

  public JsonWriter(int initialCapacity) {
    this.out = new StringBuilder(initialCapacity);
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

  public JsonWriter name(String name) {
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
    int start = 0;
    for (int i = 0; i < length; i++) {
      char c = value.charAt(i);
      if (c >= 0x20
          && c != '"'
          && c != '\\'
          && c != 0x2028
          && c != 0x2029
          && !Character.isSurrogate(c)) {
        continue;
      }
      if (Character.isHighSurrogate(c)
          && i + 1 < length
          && Character.isLowSurrogate(value.charAt(i + 1))) {
        i++; // a well-formed pair is copied as it is
        continue;
      }
      out.append(value, start, i);
      escape(c);
      start = i + 1;
    }
    out.append(value, start, length).append('"');
  }

  private void escape(char c) {
    switch (c) {
      case '"':
        out.append("\\\"");
        break;
      case '\\':
        out.append("\\\\");
        break;
      case '\n':
        out.append("\\n");
        break;
      case '\r':
        out.append("\\r");
        break;
      case '\t':
        out.append("\\t");
        break;
      default:
        if (Character.isSurrogate(c)) {
          // A lone surrogate cannot be encoded in UTF-8 on the wire: replace it.
          out.append("\\ufffd");
        } else {
          out.append("\\u")
              .append(HEX[(c >> 12) & 0xF])
              .append(HEX[(c >> 8) & 0xF])
              .append(HEX[(c >> 4) & 0xF])
              .append(HEX[c & 0xF]);
        }
    }
  }
}
