package io.llmetry4j.store;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.equalTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.listener.EmbeddingModelListener;
import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.core.internal.SemconvAttributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.junit5.OpenTelemetryExtension;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class EmbeddingModelTransparencyTest {

  @RegisterExtension static final OpenTelemetryExtension otel = OpenTelemetryExtension.create();

  private final RecordingEmbeddingModel delegate = new RecordingEmbeddingModel();

  private EmbeddingModel traced() {
    return TracingEmbeddingModel.wrap(LlmTelemetry.create(otel.getOpenTelemetry()), delegate);
  }

  @Test
  void every_method_reaches_the_delegate_and_results_come_back_unchanged() {
    EmbeddingModel model = traced();
    delegate.calls.clear(); // wrapping asked the model for its name once

    assertThat(model.embed("hello")).isSameAs(delegate.single);
    assertThat(model.embed(TextSegment.from("segment"))).isSameAs(delegate.single);
    assertThat(model.embedAll(List.of(TextSegment.from("a"), TextSegment.from("b"))))
        .isSameAs(delegate.many);
    assertThat(model.dimension()).isEqualTo(3);
    assertThat(model.modelName()).isEqualTo("recording-model");
    assertThat(model.addListener(new EmbeddingModelListener() {})).isSameAs(model);

    assertThat(delegate.calls)
        .containsExactly(
            "embed(String) hello",
            "embed(TextSegment) segment",
            "embedAll 2",
            "dimension",
            "modelName",
            "addListener");
    // Three embed calls, three spans; dimension() and modelName() make none.
    assertThat(otel.getSpans()).hasSize(3);
    assertThat(otel.getSpans().get(2))
        .hasName("embeddings recording-model")
        .hasKind(SpanKind.CLIENT)
        .hasAttributesSatisfyingExactly(
            equalTo(SemconvAttributes.GEN_AI_OPERATION_NAME, "embeddings"),
            equalTo(SemconvAttributes.GEN_AI_PROVIDER_NAME, "recording"),
            equalTo(SemconvAttributes.GEN_AI_REQUEST_MODEL, "recording-model"),
            equalTo(SemconvAttributes.GEN_AI_EMBEDDINGS_DIMENSION_COUNT, 3L),
            equalTo(SemconvAttributes.GEN_AI_USAGE_INPUT_TOKENS, 9L),
            equalTo(EmbeddingsOperation.BATCH_SIZE, 2L));
  }

  @Test
  void a_delegate_exception_passes_through_and_marks_the_span() {
    EmbeddingModel model = traced();
    IllegalArgumentException failure = new IllegalArgumentException("text too long");
    delegate.failure = failure;

    assertThat(catchThrowable(() -> model.embed("x"))).isSameAs(failure);
    assertThat(otel.getSpans().get(0))
        .hasStatus(
            io.opentelemetry.sdk.trace.data.StatusData.create(StatusCode.ERROR, "text too long"))
        .hasAttribute(SemconvAttributes.ERROR_TYPE, "java.lang.IllegalArgumentException");
  }
}
