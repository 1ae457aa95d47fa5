package io.llmetry4j.rag;

import io.llmetry4j.core.internal.Instrumentation;
import io.llmetry4j.core.internal.Operation;
import io.llmetry4j.core.internal.SemconvAttributes;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.metrics.Meter;
import java.util.List;
import javax.annotation.Nullable;

/**
 * The metrics of a retrieval: its duration and how many contents it returned, per data source.
 * Semconv 1.41.1's {@code gen_ai.client.operation.duration} requires a provider, which a retriever
 * over the application's own store does not have: these are llmetry4j's own histograms, named and
 * unit-ed as OpenTelemetry's general guidance says ({@code llmetry4j.retrieval.duration} in
 * seconds, with the GenAI duration buckets; {@code llmetry4j.retrieval.result_count} in contents).
 */
final class RetrievalMetrics<Q, C> implements Operation.Metrics<Q, List<C>> {

  private static final List<Long> COUNT_BUCKETS = List.of(0L, 1L, 2L, 5L, 10L, 20L, 50L, 100L);
  private static final List<Double> DURATION_BUCKETS =
      List.of(
          0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92);

  private final DoubleHistogram duration;
  private final LongHistogram resultCount;
  private final Attributes success;
  private final String dataSourceId;

  RetrievalMetrics(Instrumentation instrumentation, String dataSourceId) {
    Meter meter = instrumentation.meter();
    this.duration =
        meter
            .histogramBuilder("llmetry4j.retrieval.duration")
            .setDescription("Duration of a retrieval, per data source.")
            .setUnit("s")
            .setExplicitBucketBoundariesAdvice(DURATION_BUCKETS)
            .build();
    this.resultCount =
        meter
            .histogramBuilder("llmetry4j.retrieval.result_count")
            .setDescription("Contents a retrieval returned, per data source.")
            .setUnit("{content}")
            .ofLongs()
            .setExplicitBucketBoundariesAdvice(COUNT_BUCKETS)
            .build();
    this.dataSourceId = dataSourceId;
    this.success = Attributes.of(SemconvAttributes.GEN_AI_DATA_SOURCE_ID, dataSourceId);
  }

  @Override
  public void record(
      Q request, @Nullable List<C> contents, @Nullable String errorType, double seconds) {
    if (errorType != null) {
      duration.record(
          seconds,
          Attributes.of(
              SemconvAttributes.GEN_AI_DATA_SOURCE_ID,
              dataSourceId,
              SemconvAttributes.ERROR_TYPE,
              errorType));
      return;
    }
    duration.record(seconds, success);
    resultCount.record(contents == null ? 0 : contents.size(), success);
  }
}
