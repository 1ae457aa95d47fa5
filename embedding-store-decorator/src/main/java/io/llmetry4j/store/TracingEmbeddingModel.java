package io.llmetry4j.store;

import static java.util.Objects.requireNonNull;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.listener.EmbeddingModelListener;
import dev.langchain4j.model.output.Response;
import dev.langchain4j.model.output.TokenUsage;
import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.core.internal.GenAiClientMetrics;
import io.llmetry4j.core.internal.GenAiMetricAttributes;
import io.llmetry4j.core.internal.Instrumentation;
import io.llmetry4j.core.internal.SemconvAttributes;
import io.llmetry4j.core.internal.TracedCall;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import java.util.List;
import java.util.function.Supplier;
import javax.annotation.Nullable;

/**
 * An {@link EmbeddingModel} that records an {@code embeddings {model}} span and the {@code
 * gen_ai.client.operation.duration} / {@code gen_ai.client.token.usage} metrics for every embed
 * call, then forwards it unchanged. {@code dimension()} and {@code modelName()} pass through
 * without spans (a model may compute its dimension by embedding a probe text: that call is not the
 * application's).
 *
 * <pre>{@code
 * EmbeddingModel embeddings = TracingEmbeddingModel.wrap(telemetry, new AllMiniLmL6V2EmbeddingModel());
 * }</pre>
 */
public final class TracingEmbeddingModel implements EmbeddingModel {

  /** Extension: how many texts one call embedded. */
  static final AttributeKey<Long> BATCH_SIZE =
      AttributeKey.longKey("llmetry4j.embeddings.batch_size");

  private final EmbeddingModel delegate;
  private final LlmTelemetry telemetry;
  private final String provider;
  @Nullable private final String modelName;
  private final String spanName;
  private final SpanKind kind;
  private final GenAiClientMetrics metrics;
  private final GenAiMetricAttributes metricAttributes;
  private final TracedCall traced = new TracedCall();

  private TracingEmbeddingModel(
      LlmTelemetry telemetry, EmbeddingModel delegate, @Nullable String modelNameOverride) {
    this.delegate = requireNonNull(delegate, "delegate");
    this.telemetry = requireNonNull(telemetry, "telemetry");
    this.provider = EmbeddingModels.providerName(delegate.getClass());
    this.modelName =
        modelNameOverride != null ? modelNameOverride : EmbeddingModels.modelName(delegate);
    this.spanName = modelName == null ? "embeddings" : "embeddings " + modelName;
    this.kind = EmbeddingModels.isInProcess(provider) ? SpanKind.INTERNAL : SpanKind.CLIENT;
    this.metrics = new GenAiClientMetrics(Instrumentation.of(telemetry).meter());
    this.metricAttributes =
        new GenAiMetricAttributes(
            SemconvAttributes.OperationName.EMBEDDINGS, provider, modelName, null, null);
  }

  public static TracingEmbeddingModel wrap(LlmTelemetry telemetry, EmbeddingModel delegate) {
    return new TracingEmbeddingModel(telemetry, delegate, null);
  }

  /** With an explicit {@code gen_ai.request.model}, for models that do not report their name. */
  public static TracingEmbeddingModel wrap(
      LlmTelemetry telemetry, EmbeddingModel delegate, String modelName) {
    return new TracingEmbeddingModel(telemetry, delegate, requireNonNull(modelName, "modelName"));
  }

  @Override
  public Response<Embedding> embed(String text) {
    return traced(1, () -> delegate.embed(text), TracingEmbeddingModel::single);
  }

  @Override
  public Response<Embedding> embed(TextSegment textSegment) {
    return traced(1, () -> delegate.embed(textSegment), TracingEmbeddingModel::single);
  }

  @Override
  public Response<List<Embedding>> embedAll(List<TextSegment> textSegments) {
    return traced(
        textSegments == null ? 0 : textSegments.size(),
        () -> delegate.embedAll(textSegments),
        TracingEmbeddingModel::first);
  }

  @Override
  public int dimension() {
    return delegate.dimension();
  }

  @Override
  public String modelName() {
    return delegate.modelName();
  }

  @Override
  public EmbeddingModel addListener(EmbeddingModelListener listener) {
    EmbeddingModel listening = delegate.addListener(listener);
    return listening == delegate
        ? this
        : new TracingEmbeddingModel(telemetry, listening, modelName);
  }

  @Override
  public EmbeddingModel addListeners(List<EmbeddingModelListener> listeners) {
    EmbeddingModel listening = delegate.addListeners(listeners);
    return listening == delegate
        ? this
        : new TracingEmbeddingModel(telemetry, listening, modelName);
  }

  private <T> Response<T> traced(
      int inputs,
      Supplier<Response<T>> body,
      java.util.function.Function<Response<T>, Embedding> sample) {
    Span span = start(inputs);
    long startNanos = System.nanoTime();
    Response<T> response;
    try {
      response =
          traced.call(span, body, (s, r) -> onResponse(s, r == null ? null : sample.apply(r), r));
    } catch (RuntimeException | Error e) {
      recordDuration(startNanos, null, e);
      throw e;
    }
    recordDuration(startNanos, response, null);
    return response;
  }

  private Span start(int inputs) {
    try {
      Span span =
          Instrumentation.of(telemetry)
              .tracer()
              .spanBuilder(spanName)
              .setSpanKind(kind)
              .setAttribute(
                  SemconvAttributes.GEN_AI_OPERATION_NAME,
                  SemconvAttributes.OperationName.EMBEDDINGS)
              .setAttribute(SemconvAttributes.GEN_AI_PROVIDER_NAME, provider)
              .startSpan();
      if (modelName != null) {
        span.setAttribute(SemconvAttributes.GEN_AI_REQUEST_MODEL, modelName);
      }
      span.setAttribute(BATCH_SIZE, (long) inputs);
      return span;
    } catch (RuntimeException | LinkageError e) {
      traced.instrumentationFailed(e);
      return Span.getInvalid();
    }
  }

  private static void onResponse(Span span, @Nullable Embedding sample, Response<?> response) {
    if (sample != null) {
      span.setAttribute(
          SemconvAttributes.GEN_AI_EMBEDDINGS_DIMENSION_COUNT, (long) sample.dimension());
    }
    Long input = inputTokens(response);
    if (input != null) {
      span.setAttribute(SemconvAttributes.GEN_AI_USAGE_INPUT_TOKENS, input);
    }
  }

  private void recordDuration(
      long startNanos, @Nullable Response<?> response, @Nullable Throwable error) {
    try {
      double seconds = (System.nanoTime() - startNanos) / 1_000_000_000.0;
      if (error != null) {
        metrics.recordDuration(seconds, metricAttributes.error(error.getClass().getName()));
      } else {
        metrics.recordSuccess(seconds, inputTokens(response), null, metricAttributes.success(null));
      }
    } catch (RuntimeException | LinkageError e) {
      traced.instrumentationFailed(e);
    }
  }

  @Nullable
  private static Long inputTokens(@Nullable Response<?> response) {
    TokenUsage usage = response == null ? null : response.tokenUsage();
    return usage == null || usage.inputTokenCount() == null
        ? null
        : usage.inputTokenCount().longValue();
  }

  @Nullable
  private static Embedding single(Response<Embedding> response) {
    return response.content();
  }

  @Nullable
  private static Embedding first(Response<List<Embedding>> response) {
    List<Embedding> embeddings = response.content();
    return embeddings == null || embeddings.isEmpty() ? null : embeddings.get(0);
  }
}
