package io.llmetry4j.chat;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmetry4j.core.internal.SemconvAttributes;
import org.junit.jupiter.api.Test;

/** The schema check used by the other tests rejects what the schemas forbid. */
class ContentSchemasTest {

  @Test
  void a_message_without_parts_is_rejected() {
    assertThatThrownBy(
            () ->
                ContentSchemas.assertValid(
                    SemconvAttributes.GEN_AI_INPUT_MESSAGES, "[{\"role\":\"user\"}]"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("parts");
  }

  @Test
  void an_output_message_without_finish_reason_is_rejected() {
    assertThatThrownBy(
            () ->
                ContentSchemas.assertValid(
                    SemconvAttributes.GEN_AI_OUTPUT_MESSAGES,
                    "[{\"role\":\"assistant\",\"parts\":[]}]"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("finish_reason");
  }

  @Test
  void a_retrieval_document_without_score_is_rejected() {
    assertThatThrownBy(
            () ->
                ContentSchemas.assertValid(
                    SemconvAttributes.GEN_AI_RETRIEVAL_DOCUMENTS, "[{\"id\":\"a\"}]"))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("score");
  }
}
