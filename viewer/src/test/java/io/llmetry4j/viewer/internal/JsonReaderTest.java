package io.llmetry4j.viewer.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JsonReaderTest {

  @Test
  void reads_objects_in_document_order_and_arrays_with_every_value_type() {
    Object parsed =
        JsonReader.parse(
            " {\"z\": [1, -2.5, \"s\", true, false, null, {}, []], \"a\": {\"b\": null}} \n");

    Map<String, Object> a = new HashMap<>();
    a.put("b", null);
    assertThat(parsed)
        .isEqualTo(
            Map.of(
                "z", Arrays.asList(1L, -2.5, "s", true, false, null, Map.of(), List.of()), "a", a));
    assertThat(new ArrayList<Object>(((Map<?, ?>) parsed).keySet())).containsExactly("z", "a");
  }

  @Test
  void reads_a_scalar_as_the_whole_document() {
    assertThat(JsonReader.parse("\"text\"")).isEqualTo("text");
    assertThat(JsonReader.parse("  42 ")).isEqualTo(42L);
    assertThat(JsonReader.parse("null")).isNull();
  }

  @Test
  void reads_every_escape() {
    assertThat(JsonReader.parse("\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u0041\\u00e9\\u4E2D\""))
        .isEqualTo("\" \\ / \b \f \n \r \t Aé中");
  }

  @Test
  void reads_a_surrogate_pair_escape_as_one_character() {
    assertThat(JsonReader.parse("\"\\ud83d\\uDE00 and raw \uD83D\uDE00\""))
        .isEqualTo("\uD83D\uDE00 and raw \uD83D\uDE00");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "\"\\ud83d\"", // high surrogate alone
        "\"\\ud83dx\"", // high surrogate before a character
        "\"\\ud83d\\n\"", // high surrogate before another escape
        "\"\\ud83d\\ud83d\"", // two high surrogates
        "\"\\ude00\"", // low surrogate alone
        "\"\\ude00\\ud83d\"" // a pair in the wrong order
      })
  void rejects_an_unpaired_surrogate_escape(String json) {
    assertThatThrownBy(() -> JsonReader.parse(json))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unpaired surrogate")
        .hasMessageContaining("at position 1");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "\"\\x\"",
        "\"\\u12\"",
        "\"\\u12g4\"",
        "\"\\u١٢٣٤\"", // digits, but not ASCII ones
        "\"\\",
        "\"abc",
        "\"tab\there\"",
        "\"new\nline\""
      })
  void rejects_a_malformed_string(String json) {
    assertThatThrownBy(() -> JsonReader.parse(json)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void reads_integers_that_fit_as_long_and_other_numbers_as_double() {
    assertThat(JsonReader.parse("0")).isEqualTo(0L);
    assertThat(JsonReader.parse("-0")).isEqualTo(0L);
    assertThat(JsonReader.parse("9223372036854775807")).isEqualTo(Long.MAX_VALUE);
    assertThat(JsonReader.parse("-9223372036854775808")).isEqualTo(Long.MIN_VALUE);
    assertThat(JsonReader.parse("9223372036854775808")).isEqualTo(9.223372036854775808E18);
    assertThat(JsonReader.parse("1.0")).isEqualTo(1.0);
    assertThat(JsonReader.parse("1e2")).isEqualTo(100.0);
    assertThat(JsonReader.parse("-1.5E-2")).isEqualTo(-0.015);
    assertThat(JsonReader.parse("2e+3")).isEqualTo(2000.0);
    assertThat(JsonReader.parse("1e-400")).isEqualTo(0.0);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "01",
        "-",
        "+1",
        ".5",
        "1.",
        "1.e2",
        "1e",
        "1e+",
        "0x10",
        "NaN",
        "Infinity",
        "-Infinity",
        "1e400",
        "--1",
        "1_000"
      })
  void rejects_what_json_does_not_call_a_number(String json) {
    assertThatThrownBy(() -> JsonReader.parse(json)).isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        " ",
        "{",
        "[",
        "[1,]",
        "[,1]",
        "{\"a\":1,}",
        "{\"a\" 1}",
        "{a:1}",
        "{'a':1}",
        "[1 2]",
        "{\"a\":1}}",
        "{} x",
        "1 2",
        "truex",
        "nul",
        "True",
        "[1]\u00a0",
        "\ufeff{}",
        "/* */{}"
      })
  void rejects_malformed_documents_and_trailing_garbage(String json) {
    assertThatThrownBy(() -> JsonReader.parse(json))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Malformed JSON: ");
  }

  @Test
  void names_the_position_of_the_error() {
    assertThatThrownBy(() -> JsonReader.parse("{\"a\": [1, 2,, 3]}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Malformed JSON: unexpected character, expected a value at position 12");
    assertThatThrownBy(() -> JsonReader.parse("[1, 2"))
        .hasMessage("Malformed JSON: expected ',' or ']' in an array at the end (position 5)");
    assertThatThrownBy(() -> JsonReader.parse("{} x"))
        .hasMessage("Malformed JSON: unexpected character after the JSON value at position 3");
  }

  @Test
  void rejects_a_duplicate_key() {
    assertThatThrownBy(() -> JsonReader.parse("{\"a\": 1, \"b\": 2, \"a\": 3}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Malformed JSON: duplicate key \"a\" at position 17");
  }

  @Test
  void reads_nesting_up_to_the_depth_limit_and_rejects_deeper() {
    int limit = JsonReader.MAX_DEPTH;
    assertThat(JsonReader.parse("[".repeat(limit) + "]".repeat(limit))).isInstanceOf(List.class);
    assertThat(JsonReader.parse("{\"a\":".repeat(limit) + "1" + "}".repeat(limit)))
        .isInstanceOf(Map.class);

    assertThatThrownBy(() -> JsonReader.parse("[".repeat(limit + 1) + "]".repeat(limit + 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nested deeper than 64 levels");
  }

  @Test
  void rejects_hostile_nesting_without_overflowing_the_stack() {
    String deep = "[".repeat(1_000_000);

    assertThatThrownBy(() -> JsonReader.parse(deep))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nested deeper");
  }

  @Test
  void fails_on_random_and_mutated_documents_with_illegal_argument_exception_only() {
    String valid =
        "{\"a\": [1, -2.5e3, \"s\\u00e9\\ud83d\\ude00\", true, false, null], \"b\": {\"c\": {}}}";
    char[] alphabet = "{}[]:,\"\\u0123456789abcdefeE+-. \ntruefalsnul\ud83d\ude00".toCharArray();
    Random random = new Random(20260101L);
    List<String> inputs = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      char[] chars = valid.toCharArray();
      for (int mutations = 1 + random.nextInt(3); mutations > 0; mutations--) {
        chars[random.nextInt(chars.length)] = alphabet[random.nextInt(alphabet.length)];
      }
      inputs.add(new String(chars, 0, random.nextInt(chars.length + 1)));
    }
    for (int i = 0; i < 2000; i++) {
      char[] chars = new char[random.nextInt(40)];
      for (int c = 0; c < chars.length; c++) {
        chars[c] = alphabet[random.nextInt(alphabet.length)];
      }
      inputs.add(new String(chars));
    }

    for (String input : inputs) {
      try {
        JsonReader.parse(input);
      } catch (IllegalArgumentException expected) {
        assertThat(expected).hasMessageStartingWith("Malformed JSON: ");
      } catch (RuntimeException | Error unexpected) {
        throw new AssertionError("Not an IllegalArgumentException for " + input, unexpected);
      }
    }
  }
}
