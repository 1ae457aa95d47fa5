package io.llmetry4j.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.llmetry4j.core.internal.SemconvAttributes;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Set;

/** Validates captured content attributes against the JSON schemas of semconv 1.41.1. */
final class ContentSchemas {

  private static final ObjectMapper mapper = new ObjectMapper();
  private static final Map<AttributeKey<String>, JsonSchema> SCHEMAS =
      Map.of(
          SemconvAttributes.GEN_AI_INPUT_MESSAGES, load("gen-ai-input-messages.json"),
          SemconvAttributes.GEN_AI_OUTPUT_MESSAGES, load("gen-ai-output-messages.json"),
          SemconvAttributes.GEN_AI_SYSTEM_INSTRUCTIONS, load("gen-ai-system-instructions.json"),
          SemconvAttributes.GEN_AI_TOOL_DEFINITIONS, load("gen-ai-tool-definitions.json"),
          SemconvAttributes.GEN_AI_RETRIEVAL_DOCUMENTS, load("gen-ai-retrieval-documents.json"));

  private ContentSchemas() {}

  /** Every content attribute present on the span is valid; returns how many were checked. */
  static int assertValid(SpanData span) {
    int checked = 0;
    for (Map.Entry<AttributeKey<String>, JsonSchema> entry : SCHEMAS.entrySet()) {
      String value = span.getAttributes().get(entry.getKey());
      if (value == null) {
        continue;
      }
      assertValid(entry.getValue(), entry.getKey().getKey(), value);
      checked++;
    }
    assertThat(checked).as("content attributes on %s", span.getName()).isPositive();
    return checked;
  }

  static void assertValid(AttributeKey<String> key, String json) {
    assertValid(SCHEMAS.get(key), key.getKey(), json);
  }

  private static void assertValid(JsonSchema schema, String name, String json) {
    JsonNode node;
    try {
      node = mapper.readTree(json);
    } catch (IOException e) {
      throw new AssertionError(name + " is not JSON: " + json, e);
    }
    Set<ValidationMessage> errors = schema.validate(node);
    assertThat(errors).as("%s = %s", name, json).isEmpty();
  }

  private static JsonSchema load(String file) {
    try (InputStream in =
        ContentSchemas.class.getResourceAsStream("/semconv-1.41.1/schemas/" + file)) {
      return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
          .getSchema(mapper.readTree(in));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
