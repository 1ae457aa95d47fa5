package io.llmetry4j.core.internal;

/**
 * A minimal streaming JSON writer for the content attributes. Written by hand because content
 * capture is on the hot path (no reflection, no intermediate tree) and because llmetry4j must not
 * impose a JSON library on the application. Commas are placed automatically.
 *
 * <p>Strings are copied into a char buffer in bulk, scanned in place, and expanded in place only
 * when they hold characters to escape: text-sized values cost little more than a copy.
 *
 * <p>Not public API: shared by the llmetry4j modules, may change without notice.
 */
public final class JsonWriter {

  private static final char[] HEX = "0123456789abcdef".toCharArray();
  private static final int MAX_DEPTH = 32;
  // Extra chars each ASCII char needs when escaped: 0 (plain), 1 (\n, \", \\ ...), 5 (\\u00XX).
  private static final byte[] ASCII_EXTRA = new byte[0x80];

  static {
    for (int c = 0; c < 0x20; c++) {
      ASCII_EXTRA[c] = 5;
    }
    ASCII_EXTRA['\n'] = 1;
    ASCII_EXTRA['\r'] = 1;
    ASCII_EXTRA['\t'] = 1;
    ASCII_EXTRA['"'] = 1;
    ASCII_EXTRA['\\'] = 1;
  }

  private char[] buf;
  private int pos;
  // needsComma[depth]: whether the next value at this depth follows another one.
  private final boolean[] needsComma = new boolean[MAX_DEPTH];
  private int depth;
  private boolean afterName;

  public JsonWriter(int initialCapacity) {
    this.buf = new char[Math.max(16, initialCapacity)];
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

  public JsonWriter name(String name) {
    if (needsComma[depth]) {
      append(',');
    }
    needsComma[depth] = true;
    appendString(name);
    append(':');
    afterName = true;
    return this;
  }

  public JsonWriter value(String value) {
    beforeValue();
    if (value == null) {
      appendRaw("null");
    } else {
      appendString(value);
    }
    return this;
  }

  public JsonWriter value(double value) {
    beforeValue();
    appendRaw(Double.isNaN(value) || Double.isInfinite(value) ? "null" : Double.toString(value));
    return this;
  }

  public JsonWriter value(long value) {
    beforeValue();
    appendRaw(Long.toString(value));
    return this;
  }

  /** {@code "name":"value"}, the common case. */
  public JsonWriter field(String name, String value) {
    return name(name).value(value);
  }

  @Override
  public String toString() {
    return new String(buf, 0, pos);
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
      append(',');
    }
    needsComma[depth] = true;
  }

  private void append(char c) {
    ensure(1);
    buf[pos++] = c;
  }

  private void appendRaw(String text) {
    int length = text.length();
    ensure(length);
    text.getChars(0, length, buf, pos);
    pos += length;
  }

  private void appendString(String value) {
    int length = value.length();
    ensure(length + 2);
    buf[pos++] = '"';
    int start = pos;
    value.getChars(0, length, buf, start);
    pos = start + length;
    int extra = extraForEscapes(buf, start, pos);
    if (extra != 0) {
      ensure(extra + 1); // keeps buf[0, pos), the unescaped copy included
      escapeInPlace(start, length, extra);
      pos += extra;
    }
    buf[pos++] = '"';
  }

  /** How many chars escaping adds to {@code buf[from, to)}; 0 for the common, plain text. */
  private static int extraForEscapes(char[] chars, int from, int to) {
    int extra = 0;
    for (int i = from; i < to; i++) {
      char c = chars[i];
      if (c < 0x80) {
        extra += ASCII_EXTRA[c];
      } else if (c == 0x2028 || c == 0x2029) {
        extra += 5;
      } else if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c) && i + 1 < to && Character.isLowSurrogate(chars[i + 1])) {
          i++; // a well-formed pair is kept as it is
        } else {
          extra += 5; // a lone surrogate becomes \ufffd
        }
      }
    }
    return extra;
  }

  /**
   * Rewrites {@code buf[start, start+length)} escaped, from the right, growing by {@code extra}.
   */
  private void escapeInPlace(int start, int length, int extra) {
    int read = start + length - 1;
    int write = start + length + extra - 1;
    while (read >= start) {
      char c = buf[read];
      boolean pairLow =
          Character.isLowSurrogate(c) && read > start && Character.isHighSurrogate(buf[read - 1]);
      if (pairLow) {
        buf[write--] = c;
        buf[write--] = buf[read - 1];
        read -= 2;
        continue;
      }
      read--;
      String escape = escapeOf(c);
      if (escape == null) {
        buf[write--] = c;
      } else {
        for (int k = escape.length() - 1; k >= 0; k--) {
          buf[write--] = escape.charAt(k);
        }
      }
    }
  }

  private static String escapeOf(char c) {
    switch (c) {
      case '"':
        return "\\\"";
      case '\\':
        return "\\\\";
      case '\n':
        return "\\n";
      case '\r':
        return "\\r";
      case '\t':
        return "\\t";
      default:
        if (c < 0x20 || c == 0x2028 || c == 0x2029) {
          return "\\u"
              + HEX[(c >> 12) & 0xF]
              + HEX[(c >> 8) & 0xF]
              + HEX[(c >> 4) & 0xF]
              + HEX[c & 0xF];
        }
        // Only lone surrogates reach here as surrogates: they cannot be encoded in UTF-8.
        return Character.isSurrogate(c) ? "\\ufffd" : null;
    }
  }

  private void ensure(int more) {
    int needed = pos + more;
    if (needed > buf.length) {
      char[] grown = new char[Math.max(needed, buf.length * 2)];
      System.arraycopy(buf, 0, grown, 0, pos);
      buf = grown;
    }
  }
}
