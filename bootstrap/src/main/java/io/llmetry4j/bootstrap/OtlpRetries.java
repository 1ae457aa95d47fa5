package io.llmetry4j.bootstrap;

import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.metrics.OtlpGrpcMetricExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.common.export.RetryPolicy;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.trace.export.SpanExporter;

/**
 * Gives the autoconfigured OTLP exporters the SDK's default retry policy. Without it they were seen
 * to fail a retryable export (UNAVAILABLE, 429/502/503/504, a reset connection) at once, so that a
 * short outage lost spans. {@code otel.java.exporter.otlp.retry.disabled=true} keeps them as they
 * are.
 */
final class OtlpRetries {

  static final String RETRY_DISABLED_PROPERTY = "otel.java.exporter.otlp.retry.disabled";

  private OtlpRetries() {}

  static SpanExporter withRetries(SpanExporter exporter, ConfigProperties env) {
    if (env.getBoolean(RETRY_DISABLED_PROPERTY, false)) {
      return exporter;
    }
    SpanExporter retrying;
    if (exporter instanceof OtlpGrpcSpanExporter) {
      retrying =
          ((OtlpGrpcSpanExporter) exporter)
              .toBuilder().setRetryPolicy(RetryPolicy.getDefault()).build();
    } else if (exporter instanceof OtlpHttpSpanExporter) {
      retrying =
          ((OtlpHttpSpanExporter) exporter)
              .toBuilder().setRetryPolicy(RetryPolicy.getDefault()).build();
    } else {
      return exporter;
    }
    exporter.shutdown(); // never used: its replacement sends
    return retrying;
  }

  static MetricExporter withRetries(MetricExporter exporter, ConfigProperties env) {
    if (env.getBoolean(RETRY_DISABLED_PROPERTY, false)) {
      return exporter;
    }
    MetricExporter retrying;
    if (exporter instanceof OtlpGrpcMetricExporter) {
      retrying =
          ((OtlpGrpcMetricExporter) exporter)
              .toBuilder().setRetryPolicy(RetryPolicy.getDefault()).build();
    } else if (exporter instanceof OtlpHttpMetricExporter) {
      retrying =
          ((OtlpHttpMetricExporter) exporter)
              .toBuilder().setRetryPolicy(RetryPolicy.getDefault()).build();
    } else {
      return exporter;
    }
    exporter.shutdown();
    return retrying;
  }
}
