package io.llmetry4j.benchmarks;

import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The SDK as an application runs it, minus the network: a batch span processor feeding an exporter
 * that drops everything, and a meter provider that aggregates (read in memory).
 */
final class BenchmarkTelemetry {

  /**
   * Held so the setting stays: {@code java.util.logging} keeps loggers weakly. The SDK (1.5x and
   * later) logs a WARNING from the batch worker each time its queue was full, which it always is
   * here (a benchmark makes spans faster than any worker drains them). Printing those lines on the
   * worker, while the measured thread shares two cores with it, made runs bimodal; an application
   * at that rate drops spans the same way, without a console to write to.
   */
  private static final Logger BATCH_PROCESSOR_LOGGER =
      Logger.getLogger(BatchSpanProcessor.class.getName());

  private BenchmarkTelemetry() {}

  /** The batch span processor of every benchmark, feeding {@link DroppingExporter}. */
  static BatchSpanProcessor batchProcessor() {
    BATCH_PROCESSOR_LOGGER.setLevel(Level.OFF);
    return BatchSpanProcessor.builder(new DroppingExporter()).build();
  }

  static OpenTelemetrySdk sdk() {
    return OpenTelemetrySdk.builder()
        .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(batchProcessor()).build())
        .setMeterProvider(
            SdkMeterProvider.builder().registerMetricReader(InMemoryMetricReader.create()).build())
        .build();
  }

  /** Exports nowhere: measures instrumentation, not I/O. */
  static final class DroppingExporter implements SpanExporter {
    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }
}
