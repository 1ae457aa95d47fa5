package io.llmetry4j.bootstrap;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.annotation.Nullable;

/**
 * Lost spans are logged with their number on every supported OpenTelemetry SDK. Since 1.59 the OTLP
 * exporters log {@code Failed to export N spans.}, and since 1.61 the batch processor logs {@code
 * BatchSpanProcessor dropped N span(s)}; before that, the SDK logs a failed export without a count
 * and a full queue not at all. On those SDKs llmetry4j counts what its OTLP span exporter lost and
 * what never reached it, and logs the same lines: aggregated, at most one a second, the remainder
 * at the next loss or at shutdown. On newer SDKs nothing is wrapped.
 */
final class LossReporting {

  private static final Logger logger = Logger.getLogger(LossReporting.class.getName());

  /** At most one aggregated line per interval, as the SDK's own throttled logging. */
  private static final long LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

  static final boolean SDK_COUNTS_FAILED_EXPORTS = sdkAtLeast(sdkVersion(), 1, 59);
  static final boolean SDK_LOGS_QUEUE_DROPS = sdkAtLeast(sdkVersion(), 1, 61);

  private LossReporting() {}

  @Nullable
  private static String sdkVersion() {
    return Resource.getDefault().getAttribute(AttributeKey.stringKey("telemetry.sdk.version"));
  }

  /** Whether {@code version} ("1.49.0", "1.61.0-SNAPSHOT") is at least major.minor; else true. */
  static boolean sdkAtLeast(@Nullable String version, int major, int minor) {
    if (version == null) {
      return true;
    }
    String[] parts = version.split("[.-]");
    try {
      int actualMajor = Integer.parseInt(parts[0]);
      int actualMinor = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
      return actualMajor != major ? actualMajor > major : actualMinor >= minor;
    } catch (NumberFormatException e) {
      return true; // an unknown SDK: assume it reports its losses itself
    }
  }

  /** Counts {@code exporter}'s spans if it is an OTLP exporter and the SDK does not. */
  static SpanExporter exporter(SpanExporter exporter) {
    if (SDK_COUNTS_FAILED_EXPORTS && SDK_LOGS_QUEUE_DROPS) {
      return exporter;
    }
    if (exporter instanceof OtlpGrpcSpanExporter || exporter instanceof OtlpHttpSpanExporter) {
      return new CountingExporter(exporter, !SDK_COUNTS_FAILED_EXPORTS);
    }
    return exporter;
  }

  /**
   * Accounts for the spans a batch processor drops before they reach a {@link CountingExporter}, if
   * the SDK does not log them.
   */
  static SpanProcessor processor(
      SpanProcessor processor, @Nullable SpanExporter exporter, ConfigProperties env) {
    if (SDK_LOGS_QUEUE_DROPS
        || !(processor instanceof BatchSpanProcessor)
        || !(exporter instanceof CountingExporter)) {
      return processor;
    }
    int maxQueueSize = env.getInt("otel.bsp.max.queue.size", 2048);
    long pendingBound = (long) maxQueueSize + env.getInt("otel.bsp.max.export.batch.size", 512);
    return new DropAccounting(processor, (CountingExporter) exporter, pendingBound, maxQueueSize);
  }

  /** The spans handed to an OTLP exporter, and those of its failed exports, logged. */
  static final class CountingExporter implements SpanExporter {
    private final SpanExporter delegate;
    private final boolean reportFailures;
    final AtomicLong handed = new AtomicLong();
    private final AtomicLong unreported = new AtomicLong();
    private final AtomicLong lastLog = new AtomicLong(System.nanoTime() - LOG_INTERVAL_NANOS);
    private final AtomicBoolean shutdown = new AtomicBoolean();

    CountingExporter(SpanExporter delegate, boolean reportFailures) {
      this.delegate = delegate;
      this.reportFailures = reportFailures;
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      int count = spans.size();
      handed.addAndGet(count);
      CompletableResultCode result = delegate.export(spans);
      if (reportFailures) {
        result.whenComplete(
            () -> {
              if (!result.isSuccess()) {
                lost(count);
              }
            });
      }
      return result;
    }

    private void lost(int count) {
      unreported.addAndGet(count);
      long last = lastLog.get();
      long now = System.nanoTime();
      if (shutdown.get()
          || (now - last >= LOG_INTERVAL_NANOS && lastLog.compareAndSet(last, now))) {
        logUnreported();
      }
    }

    private void logUnreported() {
      long count = unreported.getAndSet(0);
      if (count > 0) {
        logger.log(
            Level.WARNING,
            "Failed to export {0} spans. (llmetry4j: the spans of the failed OTLP exports that"
                + " the OpenTelemetry SDK logged without a count)",
            Long.toString(count));
      }
    }

    @Override
    public CompletableResultCode flush() {
      return delegate.flush();
    }

    @Override
    public CompletableResultCode shutdown() {
      shutdown.set(true);
      logUnreported();
      return delegate.shutdown();
    }

    @Override
    public String toString() {
      return "LossReporting.CountingExporter{" + delegate + '}';
    }
  }

  /**
   * Spans the batch processor took but never handed to the exporter. While it runs, at most {@code
   * otel.bsp.max.queue.size} spans wait in its queue and {@code otel.bsp.max.export.batch.size} in
   * the batch being built, so any excess of ended over exported spans was dropped (queue full):
   * that lower bound is logged as it grows, at most once a second, and the exact remainder once the
   * processor has shut down.
   */
  static final class DropAccounting implements SpanProcessor {
    private final SpanProcessor delegate;
    private final CountingExporter exporter;
    private final long pendingBound;
    private final int maxQueueSize;
    private final AtomicLong ended = new AtomicLong();
    private final AtomicLong reported = new AtomicLong();
    private final AtomicLong lastLog = new AtomicLong(System.nanoTime() - LOG_INTERVAL_NANOS);

    DropAccounting(
        SpanProcessor delegate, CountingExporter exporter, long pendingBound, int maxQueueSize) {
      this.delegate = delegate;
      this.exporter = exporter;
      this.pendingBound = pendingBound;
      this.maxQueueSize = maxQueueSize;
    }

    @Override
    public void onStart(Context parentContext, ReadWriteSpan span) {
      delegate.onStart(parentContext, span);
    }

    @Override
    public boolean isStartRequired() {
      return delegate.isStartRequired();
    }

    @Override
    public void onEnd(ReadableSpan span) {
      delegate.onEnd(span);
      // Counted once queued or dropped, so that ended - exported never exceeds the truth. What the
      // batch processor takes by default: sampled spans.
      if (span.getSpanContext().isSampled()) {
        ended.incrementAndGet();
        long last = lastLog.get();
        long now = System.nanoTime();
        if (now - last >= LOG_INTERVAL_NANOS
            && ended.get() - exporter.handed.get() - reported.get() > pendingBound
            && lastLog.compareAndSet(last, now)) {
          long dropped = ended.get() - exporter.handed.get() - pendingBound - reported.get();
          if (dropped > 0) {
            reported.addAndGet(dropped);
            logDropped(dropped, "the queue is full (maxQueueSize=" + maxQueueSize + ")");
          }
        }
      }
    }

    @Override
    public boolean isEndRequired() {
      return true;
    }

    @Override
    public CompletableResultCode forceFlush() {
      return delegate.forceFlush();
    }

    @Override
    public CompletableResultCode shutdown() {
      CompletableResultCode result = delegate.shutdown();
      result.whenComplete(
          () -> {
            long dropped = ended.get() - exporter.handed.get() - reported.getAndSet(0);
            if (dropped > 0) {
              logDropped(
                  dropped,
                  "the queue was full (maxQueueSize="
                      + maxQueueSize
                      + ") or they were still queued at shutdown");
            }
          });
      return result;
    }

    private static void logDropped(long dropped, String why) {
      logger.log(
          Level.WARNING,
          "BatchSpanProcessor dropped {0} span(s) that never reached the exporter because {1}."
              + " (llmetry4j: counted for OpenTelemetry SDKs before 1.61, which do not log it)",
          new Object[] {Long.toString(dropped), why});
    }

    @Override
    public String toString() {
      return "LossReporting.DropAccounting{" + delegate + '}';
    }
  }
}
