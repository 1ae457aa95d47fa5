package io.llmetry4j.store;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.model.output.Response;
import dev.langchain4j.model.output.TokenUsage;
import io.llmetry4j.core.internal.GenAiMetricAttributes;
import io.llmetry4j.core.internal.GenAiOperationMetrics;
import io.llmetry4j.core.internal.Instrumentation;
import io.llmetry4j.core.internal.ModelUsage;
import io.llmetry4j.core.internal.NoArgMethod;
import io.llmetry4j.core.internal.Operation;
import io.llmetry4j.core.internal.SemconvAttributes;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import java.util.List;
import javax.annotation.Nullable;

/**
 * What an {@code embeddings {model}} span and its metrics record. The request of the operation is
 * the number of texts embedded by the call; the response is LangChain4j's {@link Response} of one
 * embedding or of a list of them.
 */
final class EmbeddingsOperation implements Operation.Extractor<EmbeddingsOperation.Call, Object> {

  /** Extension: how many texts one call embedded. */
  static final AttributeKey<Long> BATCH_SIZE =
      AttributeKey.longKey("llmetry4j.embeddings.batch_size");

  // EmbeddingResponse (LangChain4j 1.18+), read by name: the floor of the range lacks the type.
  private static final NoArgMethod EMBEDDINGS = new NoArgMethod("embeddings");
  private static final NoArgMethod TOKEN_USAGE = new NoArgMethod("tokenUsage");

  /** One call: how many texts it embeds, and what it was given (read for compat content only). */
  static final class Call {
    final int count;
    @Nullable final Object input;

    Call(int count, @Nullable Object input) {
      this.count = count;
      this.input = input;
    }
  }

  private final Instrumentation instrumentation;
  private final String provider;
  @Nullable private final String modelName;

  private EmbeddingsOperation(
      Instrumentation instrumentation, String provider, @Nullable String modelName) {
    this.instrumentation = instrumentation;
    this.provider = provider;
    this.modelName = modelName;
  }

  static Operation<Call, Object> create(
      Instrumentation instrumentation, String provider, @Nullable String modelName) {
    GenAiMetricAttributes metricAttributes =
        new GenAiMetricAttributes(
            SemconvAttributes.OperationName.EMBEDDINGS, provider, modelName, null, null);
    String spanName = modelName == null ? "embeddings" : "embeddings " + modelName;
    // In-process models (ONNX in the JVM) call no remote service.
    SpanKind kind = EmbeddingModels.isInProcess(provider) ? SpanKind.INTERNAL : SpanKind.CLIENT;
    return Operation.<Call, Object>builder(instrumentation, kind, request -> spanName)
        .addExtractor(new EmbeddingsOperation(instrumentation, provider, modelName))
        .addOpenLlmetryExtractor(new OpenLlmetryExtractors.Embeddings(instrumentation, provider))
        .metrics(
            GenAiOperationMetrics.<Call, Object>builder(
                    instrumentation.metrics(), request -> metricAttributes)
                .inputTokens(EmbeddingsOperation::inputTokens)
                .build())
        .usage(
            (request, response) -> {
              Long input = inputTokens(response);
              return input == null ? null : ModelUsage.input(provider, modelName, input);
            })
        .build();
  }

  @Override
  public void onStart(SpanBuilder span, Call call) {
    span.setAttribute(
            SemconvAttributes.GEN_AI_OPERATION_NAME, SemconvAttributes.OperationName.EMBEDDINGS)
        .setAttribute(SemconvAttributes.GEN_AI_PROVIDER_NAME, provider);
    if (modelName != null) {
      span.setAttribute(SemconvAttributes.GEN_AI_REQUEST_MODEL, modelName);
    }
    span.setAttribute(BATCH_SIZE, (long) call.count);
  }

  @Override
  public void onEnd(Span span, Call call, @Nullable Object response, @Nullable Throwable error) {
    if (response == null) {
      return;
    }
    Embedding sample =
        sample(
            response instanceof Response
                ? ((Response<?>) response).content()
                : EMBEDDINGS.read(response));
    if (sample != null) {
      span.setAttribute(
          SemconvAttributes.GEN_AI_EMBEDDINGS_DIMENSION_COUNT, (long) sample.dimension());
    }
    Long input = inputTokens(response);
    if (input != null) {
      span.setAttribute(SemconvAttributes.GEN_AI_USAGE_INPUT_TOKENS, input);
    }
  }

  /** One embedding of the response, for its dimension. */
  @Nullable
  private static Embedding sample(@Nullable Object content) {
    if (content instanceof Embedding) {
      return (Embedding) content;
    }
    if (content instanceof List && !((List<?>) content).isEmpty()) {
      Object first = ((List<?>) content).get(0);
      return first instanceof Embedding ? (Embedding) first : null;
    }
    return null;
  }

  @Nullable
  static Long inputTokens(@Nullable Object response) {
    Object tokenUsage =
        response instanceof Response
            ? ((Response<?>) response).tokenUsage()
            : TOKEN_USAGE.read(response);
    TokenUsage usage = tokenUsage instanceof TokenUsage ? (TokenUsage) tokenUsage : null;
    return usage == null || usage.inputTokenCount() == null
        ? null
        : usage.inputTokenCount().longValue();
  }
}
