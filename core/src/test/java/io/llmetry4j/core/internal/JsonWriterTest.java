package io.llmetry4j.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JsonWriterTest {

  private static String string(String value) {
    return new JsonWriter(16).value(value).toString();
  }

  @Test
  void plain_text_is_copied_unchanged() {
    assertThat(string("Tell me a joke, naïve café 日本"))
        .isEqualTo("\"Tell me a joke, naïve café 日本\"");
  }

  @Test
  void quotes_backslashes_and_control_characters_are_escaped() {
    assertThat(string("say \"hi\"\\ \n\r\t\u0001 end"))
        .isEqualTo("\"say \\\"hi\\\"\\\\ \\n\\r\\t\\u0001 end\"");
  }

  @Test
  void line_separators_are_escaped_for_javascript_readers() {
    assertThat(string("a\u2028b\u2029c")).isEqualTo("\"a\\u2028b\\u2029c\"");
  }

  @Test
  void surrogate_pairs_are_kept_and_lone_surrogates_replaced() {
    assertThat(string("ok \uD83D\uDE00")).isEqualTo("\"ok \uD83D\uDE00\"");
    assertThat(string("bad \uD83D end \uDE00")).isEqualTo("\"bad \\ufffd end \\ufffd\"");
  }

  @Test
  void escapes_at_the_edges_and_side_by_side_keep_the_text_between_them() {
    assertThat(string("\"a\n\n\\b\"")).isEqualTo("\"\\\"a\\n\\n\\\\b\\\"\"");
    assertThat(string("\n")).isEqualTo("\"\\n\"");
    assertThat(string("")).isEqualTo("\"\"");
  }

  @Test
  void text_beyond_latin1_with_escapes_is_kept_whole() {
    assertThat(string("日本\n語 \uD83D\uDE00\t\"x\""))
        .isEqualTo("\"日本\\n語 \uD83D\uDE00\\t\\\"x\\\"\"");
  }

  @Test
  void a_high_surrogate_that_ends_the_text_is_replaced() {
    assertThat(string("x\uD83D")).isEqualTo("\"x\\ufffd\"");
    assertThat(string("\uDE00\uD83D\uDE00")).isEqualTo("\"\\ufffd\uD83D\uDE00\"");
  }

  /** The escaping, one UTF-16 unit at a time: the oracle for text of any length. */
  private static String escapedOneByOne(String value) {
    StringBuilder json = new StringBuilder("\"");
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < value.length()
          && Character.isLowSurrogate(value.charAt(i + 1))) {
        json.append(c).append(value.charAt(++i));
      } else if (Character.isSurrogate(c)) {
        json.append("\\ufffd");
      } else if (c == '"' || c == '\\') {
        json.append('\\').append(c);
      } else if (c == '\n') {
        json.append("\\n");
      } else if (c == '\r') {
        json.append("\\r");
      } else if (c == '\t') {
        json.append("\\t");
      } else if (c < 0x20 || c == 0x2028 || c == 0x2029) {
        json.append(String.format("\\u%04x", (int) c));
      } else {
        json.append(c);
      }
    }
    return json.append('"').toString();
  }

  @Test
  void text_longer_than_a_scan_chunk_is_escaped_alike_at_every_boundary() {
    // Pairs, lone halves and escapes placed across the scanned chunks' edges (every 512 chars).
    String[] inserts = {"\uD83D\uDE00", "\uD83D", "\uDE00", "\"", "\n", "\u2028", "日", "x"};
    for (int length : new int[] {510, 511, 512, 513, 1023, 1024, 1025, 2000}) {
      for (String insert : inserts) {
        for (int at = Math.max(0, length - 4); at <= length; at++) {
          String text = "a".repeat(at) + insert + "b".repeat(length - at);
          String written = string(text);
          assertThat(written)
              .as("%s at %d of %d", insert, at, length)
              .isEqualTo(escapedOneByOne(text));
          assertThat(JsonWriter.isPlain(text)).isEqualTo(written.equals("\"" + text + "\""));
        }
      }
    }
  }

  @Test
  void a_reset_writer_writes_the_next_text_from_scratch() {
    JsonWriter json = new JsonWriter(16);
    json.beginArray().value("first").value("line\n").endArray();
    assertThat(json.toString()).isEqualTo("[\"first\",\"line\\n\"]");

    assertThat(json.reset()).isGreaterThanOrEqualTo(16);

    assertThat(json.beginObject().field("a", "b").endObject().toString())
        .isEqualTo("{\"a\":\"b\"}");
    assertThat(json.length()).isEqualTo(9);
  }

  @Test
  void non_finite_numbers_are_written_as_null() {
    assertThat(new JsonWriter(16).beginArray().value(Double.NaN).value(2L).endArray().toString())
        .isEqualTo("[null,2]");
  }

  @Test
  void escapes_survive_buffer_growth() {
    String json =
        new JsonWriter(16)
            .beginArray()
            .value("a\"b")
            .value("line\n".repeat(1000))
            .endArray()
            .toString();

    assertThat(json).isEqualTo("[\"a\\\"b\",\"" + "line\\n".repeat(1000) + "\"]");
  }

  @Test
  void commas_are_placed_between_members_and_elements() {
    String json =
        new JsonWriter(64)
            .beginArray()
            .beginObject()
            .field("role", "user")
            .name("parts")
            .beginArray()
            .beginObject()
            .field("type", "text")
            .endObject()
            .endArray()
            .name("n")
            .value(3)
            .endObject()
            .value(1.5)
            .endArray()
            .toString();

    assertThat(json).isEqualTo("[{\"role\":\"user\",\"parts\":[{\"type\":\"text\"}],\"n\":3},1.5]");
  }
}
