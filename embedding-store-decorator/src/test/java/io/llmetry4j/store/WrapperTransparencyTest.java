package io.llmetry4j.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.store.embedding.EmbeddingStore;
import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.core.testing.InterfaceTransparency;
import io.opentelemetry.sdk.testing.junit5.OpenTelemetryExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every method of {@code EmbeddingModel} and {@code EmbeddingStore} as the LangChain4j on the test
 * classpath defines them (CI runs 1.11.0, 1.19.0 and core 1.23.0) reaches the wrapped component
 * unchanged.
 */
class WrapperTransparencyTest {

  @RegisterExtension static final OpenTelemetryExtension otel = OpenTelemetryExtension.create();

  @Test
  void every_embedding_model_method_of_the_running_langchain4j_reaches_the_wrapped_model() {
    LlmTelemetry telemetry = LlmTelemetry.create(otel.getOpenTelemetry());

    int checked =
        InterfaceTransparency.check(
            EmbeddingModel.class, model -> TracingEmbeddingModel.wrap(telemetry, model, "m"));

    assertThat(checked).isEqualTo(EmbeddingModel.class.getMethods().length);
  }

  @Test
  @SuppressWarnings({"unchecked", "rawtypes"})
  void every_embedding_store_method_of_the_running_langchain4j_reaches_the_wrapped_store() {
    LlmTelemetry telemetry = LlmTelemetry.create(otel.getOpenTelemetry());

    int checked =
        InterfaceTransparency.check(
            EmbeddingStore.class,
            store -> TracingEmbeddingStore.wrap(telemetry, (EmbeddingStore) store));

    assertThat(checked).isGreaterThanOrEqualTo(14);
  }
}
