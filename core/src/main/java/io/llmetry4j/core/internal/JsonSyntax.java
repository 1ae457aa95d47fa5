package io.llmetry4j.core.internal;

/**
 * Whether a string is one well-formed JSON value (RFC 8259): what decides if a value the
 * conventions expect as JSON (tool-call arguments) is embedded as JSON or recorded as a string.
 * Iterative with a bounded depth, so that hostile input cannot overflow the stack.
 *
 * <p>Not public API: shared by the llmetry4j modules, may change without notice.
 */
public final class JsonSyntax {

  /** Deeper documents are reported as not JSON (and so recorded as strings). */
  static final int MAX_DEPTH = 64;

  private final String text;
  private int pos;

  private JsonSyntax(String text) {
    this.text = text;
  }

  /** Whether {@code text} is one JSON value, surrounded by whitespace at most. */
  public static boolean isValid(String text) {
    JsonSyntax parser = new JsonSyntax(text);
    return parser.document();
  }

  private boolean document() {
    // containers[d]: '[' or '{' of each open container; the grammar below walks value by value.
    char[] containers = new char[MAX_DEPTH];
    int depth = 0;
    skipWhitespace();
    while (true) {
      // A value is expected here.
      if (pos >= text.length()) {
        return false;
      }
      char c = text.charAt(pos);
      if (c == '{' || c == '[') {
        if (depth == MAX_DEPTH) {
          return false;
        }
        containers[depth++] = c;
        pos++;
        skipWhitespace();
        char close = c == '{' ? '}' : ']';
        if (pos < text.length() && text.charAt(pos) == close) {
          pos++;
          depth--;
        } else {
          if (c == '{' && !member()) {
            return false;
          }
          continue;
        }
      } else if (!scalar()) {
        return false;
      }
      // After a value: close containers or go on to the next element.
      while (true) {
        skipWhitespace();
        if (depth == 0) {
          return pos == text.length();
        }
        if (pos >= text.length()) {
          return false;
        }
        char next = text.charAt(pos++);
        char open = containers[depth - 1];
        if (next == ',') {
          skipWhitespace();
          if (open == '{' && !member()) {
            return false;
          }
          break;
        }
        if ((open == '{' && next == '}') || (open == '[' && next == ']')) {
          depth--;
          continue;
        }
        return false;
      }
    }
  }

  /** {@code "name" :} of an object member, leaving the position at its value. */
  private boolean member() {
    if (!string()) {
      return false;
    }
    skipWhitespace();
    if (pos >= text.length() || text.charAt(pos) != ':') {
      return false;
    }
    pos++;
    skipWhitespace();
    return true;
  }

  private boolean scalar() {
    char c = text.charAt(pos);
    if (c == '"') {
      return string();
    }
    if (c == 't') {
      return literal("true");
    }
    if (c == 'f') {
      return literal("false");
    }
    if (c == 'n') {
      return literal("null");
    }
    return number();
  }

  private boolean literal(String word) {
    if (text.startsWith(word, pos)) {
      pos += word.length();
      return true;
    }
    return false;
  }

  private boolean string() {
    if (pos >= text.length() || text.charAt(pos) != '"') {
      return false;
    }
    pos++;
    while (pos < text.length()) {
      char c = text.charAt(pos++);
      if (c == '"') {
        return true;
      }
      if (c < 0x20) {
        return false;
      }
      if (c == '\\') {
        if (pos >= text.length()) {
          return false;
        }
        char escaped = text.charAt(pos++);
        if (escaped == 'u') {
          for (int i = 0; i < 4; i++) {
            if (pos >= text.length() || Character.digit(text.charAt(pos++), 16) < 0) {
              return false;
            }
          }
        } else if ("\"\\/bfnrt".indexOf(escaped) < 0) {
          return false;
        }
      }
    }
    return false;
  }

  private boolean number() {
    int start = pos;
    if (pos < text.length() && text.charAt(pos) == '-') {
      pos++;
    }
    if (pos >= text.length()) {
      return false;
    }
    if (text.charAt(pos) == '0') {
      pos++;
    } else if (!digits()) {
      return false;
    }
    if (pos < text.length() && text.charAt(pos) == '.') {
      pos++;
      if (!digits()) {
        return false;
      }
    }
    if (pos < text.length() && (text.charAt(pos) == 'e' || text.charAt(pos) == 'E')) {
      pos++;
      if (pos < text.length() && (text.charAt(pos) == '+' || text.charAt(pos) == '-')) {
        pos++;
      }
      if (!digits()) {
        return false;
      }
    }
    return pos > start;
  }

  private boolean digits() {
    int start = pos;
    while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
      pos++;
    }
    return pos > start;
  }

  private void skipWhitespace() {
    while (pos < text.length() && isWhitespace(text.charAt(pos))) {
      pos++;
    }
  }

  private static boolean isWhitespace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
  }
}
