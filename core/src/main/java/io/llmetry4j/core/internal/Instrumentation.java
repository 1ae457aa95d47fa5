package io.llmetry4j.core.internal;

import io.llmetry4j.core.LlmTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import java.util.function.Function;
import javax.annotation.Nullable;

/**
 * What llmetry4j's instrumentations take from an {@link LlmTelemetry}: its tracer, meter, GenAI
 * metrics and content policy. Kept out of {@code LlmTelemetry}'s public surface, which says only
 * what an application sets.
 *
 * <p>Not public API: shared by the llmetry4j modules, may change without notice.
 */
public final class Instrumentation {

  @Nullable private static volatile Function<LlmTelemetry, Instrumentation> access;

  private final Tracer tracer;
  private final Meter meter;
  private final ContentPolicy contentPolicy;
  private final boolean openLlmetryCompat;
  private final GenAiClientMetrics metrics;

  public Instrumentation(
      Tracer tracer, Meter meter, ContentPolicy contentPolicy, boolean openLlmetryCompat) {
    this.tracer = tracer;
    this.meter = meter;
    this.contentPolicy = contentPolicy;
    this.openLlmetryCompat = openLlmetryCompat;
    this.metrics = new GenAiClientMetrics(meter);
  }

  /** The instrumentation side of {@code telemetry}. */
  public static Instrumentation of(LlmTelemetry telemetry) {
    // An instance exists, so LlmTelemetry's class initialiser has registered the access.
    return access.apply(telemetry);
  }

  /** Called once, by {@link LlmTelemetry}'s class initialiser; later calls are ignored. */
  public static synchronized void registerAccess(Function<LlmTelemetry, Instrumentation> access) {
    if (Instrumentation.access == null) {
      Instrumentation.access = access;
    }
  }

  public Tracer tracer() {
    return tracer;
  }

  public Meter meter() {
    return meter;
  }

  /** The {@code gen_ai.client.*} histograms, built once per telemetry. */
  public GenAiClientMetrics metrics() {
    return metrics;
  }

  /** Whether content may be recorded: instrumentations check it before building any. */
  public boolean captureContent() {
    return contentPolicy.capture();
  }

  public int maxContentLength() {
    return contentPolicy.maxLength();
  }

  /** The value as it may be recorded (redacted, truncated), or null: see {@link ContentPolicy}. */
  @Nullable
  public String content(@Nullable String value) {
    return contentPolicy.apply(value);
  }

  /**
   * Sets {@code key} on {@code span} to {@code value} as the content policy lets it be recorded:
   * nothing when capture is off, the value is null or the redactor drops it.
   */
  public void recordContent(Span span, AttributeKey<String> key, @Nullable String value) {
    if (value == null || !contentPolicy.capture()) {
      return;
    }
    String recorded = contentPolicy.apply(value);
    if (recorded != null) {
      span.setAttribute(key, recorded);
    }
  }

  public boolean openLlmetryCompat() {
    return openLlmetryCompat;
  }
}
