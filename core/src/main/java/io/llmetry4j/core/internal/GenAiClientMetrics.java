package io.llmetry4j.core.internal;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.metrics.Meter;
import java.util.List;
import javax.annotation.Nullable;

/**
 * The {@code gen_ai.client.*} histograms of semconv 1.41.1 ({@code model/gen-ai/metrics.yaml}),
 * with the advised bucket boundaries.
 *
 * <p>Not public API: shared by the llmetry4j modules, may change without notice.
 */
public final class GenAiClientMetrics {

  static final List<Double> DURATION_BUCKETS =
      List.of(
          0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92);
  static final List<Long> TOKEN_BUCKETS =
      List.of(
          1L, 4L, 16L, 64L, 256L, 1024L, 4096L, 16384L, 65536L, 262144L, 1048576L, 4194304L,
          16777216L, 67108864L);

  private final DoubleHistogram operationDuration;
  private final LongHistogram tokenUsage;
  private final DoubleHistogram timeToFirstChunk;
  private final DoubleHistogram timePerOutputChunk;

  public GenAiClientMetrics(Meter meter) {
    operationDuration =
        meter
            .histogramBuilder("gen_ai.client.operation.duration")
            .setDescription("GenAI operation duration.")
            .setUnit("s")
            .setExplicitBucketBoundariesAdvice(DURATION_BUCKETS)
            .build();
    tokenUsage =
        meter
            .histogramBuilder("gen_ai.client.token.usage")
            .setDescription("Number of input and output tokens used.")
            .setUnit("{token}")
            .ofLongs()
            .setExplicitBucketBoundariesAdvice(TOKEN_BUCKETS)
            .build();
    timeToFirstChunk =
        meter
            .histogramBuilder("gen_ai.client.operation.time_to_first_chunk")
            .setDescription("Time to receive the first chunk in a streaming operation.")
            .setUnit("s")
            .setExplicitBucketBoundariesAdvice(DURATION_BUCKETS)
            .build();
    timePerOutputChunk =
        meter
            .histogramBuilder("gen_ai.client.operation.time_per_output_chunk")
            .setDescription("Time per output chunk, for each chunk after the first.")
            .setUnit("s")
            .setExplicitBucketBoundariesAdvice(DURATION_BUCKETS)
            .build();
  }

  public void recordDuration(double seconds, Attributes attributes) {
    operationDuration.record(seconds, attributes);
  }

  /** Duration and token counts of a successful call; a null count records nothing. */
  public void recordSuccess(
      double seconds,
      @Nullable Long inputTokens,
      @Nullable Long outputTokens,
      GenAiMetricAttributes.Success attributes) {
    operationDuration.record(seconds, attributes.duration);
    if (inputTokens != null) {
      tokenUsage.record(inputTokens, attributes.inputTokens);
    }
    if (outputTokens != null) {
      tokenUsage.record(outputTokens, attributes.outputTokens);
    }
  }

  public void recordTimeToFirstChunk(double seconds, Attributes attributes) {
    timeToFirstChunk.record(seconds, attributes);
  }

  public void recordTimePerOutputChunk(double seconds, Attributes attributes) {
    timePerOutputChunk.record(seconds, attributes);
  }
}
