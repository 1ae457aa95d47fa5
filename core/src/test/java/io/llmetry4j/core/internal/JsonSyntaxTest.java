package io.llmetry4j.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The JSON check that decides whether tool-call arguments are embedded as JSON. */
class JsonSyntaxTest {

  private static final ObjectMapper mapper = new ObjectMapper();

  @Test
  void accepts_what_a_json_parser_accepts() throws Exception {
    for (String json :
        List.of(
            "{}",
            "[]",
            " {\"location\": \"San Francisco\", \"days\": [1, 2.5e3, -0.1], \"ok\": true} ",
            "{\"a\":{\"b\":[null,false,\"\\u00e9\\n\\\"\"]}}",
            "\"just a string\"",
            "42")) {
      mapper.readTree(json); // the reference parser agrees
      assertThat(JsonSyntax.isValid(json)).as(json).isTrue();
    }
  }

  @Test
  void rejects_broken_or_truncated_json() {
    for (String text :
        List.of(
            "",
            "{",
            "{\"location\": \"San Fr",
            "{\"a\":1,}",
            "[1 2]",
            "{'a':1}",
            "{\"a\":01}",
            "{\"a\":1}{",
            "{\"a\":\"\\x\"}",
            "{\"a\":1}...[truncated, 200 chars]",
            "nul")) {
      assertThat(JsonSyntax.isValid(text)).as(text).isFalse();
    }
  }

  @Test
  void deep_nesting_is_not_json_and_never_overflows_the_stack() {
    String deep = "[".repeat(100_000) + "]".repeat(100_000);
    assertThat(JsonSyntax.isValid(deep)).isFalse();
    String ok = "[".repeat(JsonSyntax.MAX_DEPTH) + "]".repeat(JsonSyntax.MAX_DEPTH);
    assertThat(JsonSyntax.isValid(ok)).isTrue();
  }
}
