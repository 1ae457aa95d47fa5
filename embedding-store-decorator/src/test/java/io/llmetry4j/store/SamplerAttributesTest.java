package io.llmetry4j.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.core.internal.SemconvAttributes;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingResult;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * What a sampler sees: the sampling-relevant attributes of the embeddings span (semconv 1.41.1:
 * operation, provider, request model) are set before the span starts, with the real all-MiniLM.
 */
class SamplerAttributesTest {

  /** Records the attributes each sampling decision was given; samples everything. */
  static final class RecordingSampler implements Sampler {
    final List<Attributes> seen = new CopyOnWriteArrayList<>();

    @Override
    public SamplingResult shouldSample(
        Context parentContext,
        String traceId,
        String name,
        SpanKind spanKind,
        Attributes attributes,
        List<LinkData> parentLinks) {
      seen.add(attributes);
      return SamplingResult.recordAndSample();
    }

    @Override
    public String getDescription() {
      return "recording";
    }
  }

  @Test
  void the_sampler_sees_operation_provider_and_request_model() {
    RecordingSampler sampler = new RecordingSampler();
    try (OpenTelemetrySdk sdk =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .setSampler(sampler)
                    // An SDK without a processor makes no spans at all.
                    .addSpanProcessor(SimpleSpanProcessor.create(InMemorySpanExporter.create()))
                    .build())
            .build()) {
      EmbeddingModel model =
          TracingEmbeddingModel.wrap(LlmTelemetry.create(sdk), new AllMiniLmL6V2EmbeddingModel());

      model.embed("What is a span?");
      assertThat(sampler.seen).hasSize(1);
      Attributes seen = sampler.seen.get(0);
      assertThat(seen.get(SemconvAttributes.GEN_AI_OPERATION_NAME)).isEqualTo("embeddings");
      assertThat(seen.get(SemconvAttributes.GEN_AI_PROVIDER_NAME)).isEqualTo("langchain4j.onnx");
      assertThat(seen.get(SemconvAttributes.GEN_AI_REQUEST_MODEL)).isEqualTo("all-minilm-l6-v2");
    }
  }
}
