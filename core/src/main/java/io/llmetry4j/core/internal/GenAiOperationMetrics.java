package io.llmetry4j.core.internal;

import static java.util.Objects.requireNonNull;

import java.util.function.Function;
import javax.annotation.Nullable;

/**
 * The {@code gen_ai.client.operation.duration} and {@code gen_ai.client.token.usage} metrics of one
 * GenAI operation (chat, embeddings), recorded by {@link Operation} when the span ends: what to
 * read from a request and a response is given here, how to record it is {@link
 * GenAiClientMetrics}'.
 *
 * <p>Not public API: shared by the llmetry4j modules, may change without notice.
 */
public final class GenAiOperationMetrics<REQ, RES> implements Operation.Metrics<REQ, RES> {

  private static final Function<Object, Object> NONE = response -> null;

  private final GenAiClientMetrics metrics;
  private final Function<? super REQ, GenAiMetricAttributes> attributes;
  private final Function<? super RES, String> responseModel;
  private final Function<? super RES, Long> inputTokens;
  private final Function<? super RES, Long> outputTokens;

  private GenAiOperationMetrics(Builder<REQ, RES> builder) {
    this.metrics = builder.metrics;
    this.attributes = builder.attributes;
    this.responseModel = builder.responseModel;
    this.inputTokens = builder.inputTokens;
    this.outputTokens = builder.outputTokens;
  }

  /**
   * Metrics recorded to {@code metrics} with the (cached) attribute sets {@code attributes} gives
   * for a request.
   */
  public static <REQ, RES> Builder<REQ, RES> builder(
      GenAiClientMetrics metrics, Function<? super REQ, GenAiMetricAttributes> attributes) {
    return new Builder<>(metrics, attributes);
  }

  @Override
  public void record(
      REQ request, @Nullable RES response, @Nullable String errorType, double durationSeconds) {
    GenAiMetricAttributes sets = attributes.apply(request);
    if (errorType != null) {
      metrics.recordDuration(durationSeconds, sets.error(errorType));
      return;
    }
    if (response == null) {
      metrics.recordDuration(durationSeconds, sets.success(null).duration);
      return;
    }
    metrics.recordSuccess(
        durationSeconds,
        inputTokens.apply(response),
        outputTokens.apply(response),
        sets.success(responseModel.apply(response)));
  }

  /** Builder of {@link GenAiOperationMetrics}; what it is not told is not recorded. */
  @SuppressWarnings("unchecked")
  public static final class Builder<REQ, RES> {
    private final GenAiClientMetrics metrics;
    private final Function<? super REQ, GenAiMetricAttributes> attributes;
    private Function<? super RES, String> responseModel = (Function<RES, String>) (Object) NONE;
    private Function<? super RES, Long> inputTokens = (Function<RES, Long>) (Object) NONE;
    private Function<? super RES, Long> outputTokens = (Function<RES, Long>) (Object) NONE;

    private Builder(
        GenAiClientMetrics metrics, Function<? super REQ, GenAiMetricAttributes> attributes) {
      this.metrics = requireNonNull(metrics, "metrics");
      this.attributes = requireNonNull(attributes, "attributes");
    }

    public Builder<REQ, RES> responseModel(Function<? super RES, String> responseModel) {
      this.responseModel = requireNonNull(responseModel, "responseModel");
      return this;
    }

    public Builder<REQ, RES> inputTokens(Function<? super RES, Long> inputTokens) {
      this.inputTokens = requireNonNull(inputTokens, "inputTokens");
      return this;
    }

    public Builder<REQ, RES> outputTokens(Function<? super RES, Long> outputTokens) {
      this.outputTokens = requireNonNull(outputTokens, "outputTokens");
      return this;
    }

    public GenAiOperationMetrics<REQ, RES> build() {
      return new GenAiOperationMetrics<>(this);
    }
  }
}
