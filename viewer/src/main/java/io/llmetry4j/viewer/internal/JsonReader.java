package io.llmetry4j.viewer.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.annotation.Nullable;

/**
 * A strict JSON (RFC 8259) parser to a tree: objects as {@code LinkedHashMap<String, Object>} in
 * document order, arrays as {@code ArrayList<Object>}, strings, numbers ({@code Long} when the
 * literal has neither fraction nor exponent and fits, else {@code Double}), {@code Boolean}, and
 * {@code null}.
 *
 * <p>Hand-written because llmetry4j must not impose a JSON library on the application it runs in.
 * It reads what may come from the network, so it rejects rather than guesses: nesting deeper than
 * {@link #MAX_DEPTH}, duplicate object keys, unpaired surrogate escapes, unescaped control
 * characters, numbers outside the range of a {@code double}, and anything after the value but
 * whitespace all fail with an {@link IllegalArgumentException} that names the character position.
 *
 * <p>Not public API.
 */
final class JsonReader {

  /**
   * How deeply arrays and objects may nest. OTLP needs about fifteen levels for a span attribute
   * holding a key-value list; the limit keeps the parser's recursion far from the thread's stack.
   */
  static final int MAX_DEPTH = 64;

  private final String text;
  private int position;

  private JsonReader(String text) {
    this.text = text;
  }

  /** Parses {@code json}, which must hold exactly one JSON value (surrounded by whitespace). */
  @Nullable
  static Object parse(String json) {
    JsonReader reader = new JsonReader(json);
    reader.skipWhitespace();
    Object value = reader.readValue(0);
    reader.skipWhitespace();
    if (reader.position < json.length()) {
      throw reader.error("unexpected character after the JSON value");
    }
    return value;
  }

  @Nullable
  private Object readValue(int depth) {
    if (position >= text.length()) {
      throw error("unexpected end of input, expected a value");
    }
    char c = text.charAt(position);
    switch (c) {
      case '{':
        return readObject(depth + 1);
      case '[':
        return readArray(depth + 1);
      case '"':
        return readString();
      case 't':
        readLiteral("true");
        return Boolean.TRUE;
      case 'f':
        readLiteral("false");
        return Boolean.FALSE;
      case 'n':
        readLiteral("null");
        return null;
      default:
        if (c == '-' || (c >= '0' && c <= '9')) {
          return readNumber();
        }
        throw error("unexpected character, expected a value");
    }
  }

  private Map<String, Object> readObject(int depth) {
    checkDepth(depth);
    position++; // '{'
    Map<String, Object> object = new LinkedHashMap<>();
    skipWhitespace();
    if (peek() == '}') {
      position++;
      return object;
    }
    while (true) {
      skipWhitespace();
      if (peek() != '"') {
        throw error("expected a string as the object key");
      }
      int keyPosition = position;
      String key = readString();
      skipWhitespace();
      expect(':');
      skipWhitespace();
      Object value = readValue(depth);
      // RFC 8259 leaves duplicate names' meaning open; parsers differ in which one wins, so a
      // document that relies on either is refused rather than read one way here and another
      // way elsewhere.
      if (object.containsKey(key)) {
        String shownKey = key.length() > 40 ? key.substring(0, 40) + "..." : key;
        throw new IllegalArgumentException(
            "Malformed JSON: duplicate key \"" + shownKey + "\" at position " + keyPosition);
      }
      object.put(key, value);
      skipWhitespace();
      char c = peek();
      position++;
      if (c == '}') {
        return object;
      }
      if (c != ',') {
        position--;
        throw error("expected ',' or '}' in an object");
      }
    }
  }

  private List<Object> readArray(int depth) {
    checkDepth(depth);
    position++; // '['
    List<Object> array = new ArrayList<>();
    skipWhitespace();
    if (peek() == ']') {
      position++;
      return array;
    }
    while (true) {
      skipWhitespace();
      array.add(readValue(depth));
      skipWhitespace();
      char c = peek();
      position++;
      if (c == ']') {
        return array;
      }
      if (c != ',') {
        position--;
        throw error("expected ',' or ']' in an array");
      }
    }
  }

  private void checkDepth(int depth) {
    if (depth > MAX_DEPTH) {
      throw error("arrays and objects nested deeper than " + MAX_DEPTH + " levels");
    }
  }

  private String readString() {
    position++; // '"'
    StringBuilder builder = null;
    int start = position;
    while (true) {
      if (position >= text.length()) {
        throw error("unterminated string");
      }
      char c = text.charAt(position);
      if (c == '"') {
        String tail = text.substring(start, position);
        position++;
        return builder == null ? tail : builder.append(tail).toString();
      }
      if (c < 0x20) {
        throw error("unescaped control character in a string");
      }
      if (c != '\\') {
        position++;
        continue;
      }
      if (builder == null) {
        builder = new StringBuilder();
      }
      builder.append(text, start, position);
      readEscape(builder);
      start = position;
    }
  }

  private void readEscape(StringBuilder builder) {
    int escapePosition = position;
    position++; // '\'
    if (position >= text.length()) {
      throw error("unterminated string");
    }
    char c = text.charAt(position++);
    switch (c) {
      case '"':
      case '\\':
      case '/':
        builder.append(c);
        return;
      case 'b':
        builder.append('\b');
        return;
      case 'f':
        builder.append('\f');
        return;
      case 'n':
        builder.append('\n');
        return;
      case 'r':
        builder.append('\r');
        return;
      case 't':
        builder.append('\t');
        return;
      case 'u':
        break;
      default:
        position = escapePosition;
        throw error("invalid escape sequence");
    }
    char unit = readHexDigits(escapePosition);
    if (Character.isLowSurrogate(unit)) {
      position = escapePosition;
      throw error("unpaired surrogate escape");
    }
    if (Character.isHighSurrogate(unit)) {
      // A character outside the Basic Multilingual Plane is escaped as two UTF-16 units; alone,
      // either half is not text, and would turn into '?' wherever the string is encoded again.
      int lowPosition = position;
      if (!text.startsWith("\\u", position)) {
        position = escapePosition;
        throw error("unpaired surrogate escape");
      }
      position += 2;
      char low = readHexDigits(lowPosition);
      if (!Character.isLowSurrogate(low)) {
        position = escapePosition;
        throw error("unpaired surrogate escape");
      }
      builder.append(unit).append(low);
      return;
    }
    builder.append(unit);
  }

  /** Reads the four hex digits of the unicode escape that starts at {@code escapePosition}. */
  private char readHexDigits(int escapePosition) {
    if (position + 4 > text.length()) {
      position = escapePosition;
      throw error("truncated \\u escape");
    }
    int unit = 0;
    for (int i = 0; i < 4; i++) {
      int digit = hexDigit(text.charAt(position + i));
      if (digit < 0) {
        position = escapePosition;
        throw error("invalid \\u escape");
      }
      unit = unit * 16 + digit;
    }
    position += 4;
    return (char) unit;
  }

  /** The value of an ASCII hex digit, or -1 (Character.digit would also take other scripts'). */
  static int hexDigit(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  }

  private Object readNumber() {
    int start = position;
    boolean integral = true;
    if (peek() == '-') {
      position++;
    }
    if (peek() == '0') {
      position++;
    } else if (isDigit(peek())) {
      skipDigits();
    } else {
      throw error("invalid number");
    }
    if (peek() == '.') {
      integral = false;
      position++;
      if (!isDigit(peek())) {
        throw error("invalid number: expected a digit after '.'");
      }
      skipDigits();
    }
    if (peek() == 'e' || peek() == 'E') {
      integral = false;
      position++;
      if (peek() == '+' || peek() == '-') {
        position++;
      }
      if (!isDigit(peek())) {
        throw error("invalid number: expected a digit in the exponent");
      }
      skipDigits();
    }
    String literal = text.substring(start, position);
    if (integral) {
      try {
        return Long.parseLong(literal);
      } catch (NumberFormatException outsideLongRange) {
        // An integer beyond 64 bits keeps its magnitude as a double; OTLP writes its 64-bit
        // integers as strings precisely because JSON readers do this.
      }
    }
    double value = Double.parseDouble(literal);
    if (Double.isInfinite(value)) {
      position = start;
      throw error("number outside the range of a double");
    }
    return value;
  }

  private void skipDigits() {
    while (isDigit(peek())) {
      position++;
    }
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private void readLiteral(String literal) {
    if (!text.startsWith(literal, position)) {
      throw error("unexpected character, expected a value");
    }
    position += literal.length();
  }

  private void expect(char expected) {
    if (peek() != expected) {
      throw error("expected '" + expected + "'");
    }
    position++;
  }

  /** The character at the position, or {@code 0} at the end (which no caller accepts). */
  private char peek() {
    return position < text.length() ? text.charAt(position) : 0;
  }

  private void skipWhitespace() {
    while (position < text.length()) {
      char c = text.charAt(position);
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        return;
      }
      position++;
    }
  }

  private IllegalArgumentException error(String problem) {
    String where =
        position >= text.length()
            ? "at the end (position " + position + ")"
            : "at position " + position;
    return new IllegalArgumentException("Malformed JSON: " + problem + " " + where);
  }
}
