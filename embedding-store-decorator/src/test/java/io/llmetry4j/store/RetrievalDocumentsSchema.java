package io.llmetry4j.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Validates against {@code gen-ai-retrieval-documents.json} of semconv 1.41.1. */
final class RetrievalDocumentsSchema {
  private static final ObjectMapper mapper = new ObjectMapper();
  private static final JsonSchema SCHEMA = load();

  private RetrievalDocumentsSchema() {}

  static void assertValid(String json) {
    try {
      assertThat(SCHEMA.validate(mapper.readTree(json))).as(json).isEmpty();
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + json, e);
    }
  }

  private static JsonSchema load() {
    try (InputStream in =
        RetrievalDocumentsSchema.class.getResourceAsStream(
            "/semconv-1.41.1/schemas/gen-ai-retrieval-documents.json")) {
      return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
          .getSchema(mapper.readTree(in));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
