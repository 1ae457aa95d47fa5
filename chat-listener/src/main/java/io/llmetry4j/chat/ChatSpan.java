package io.llmetry4j.chat;

import static io.llmetry4j.core.internal.SemconvAttributes.GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK;

import io.llmetry4j.core.internal.GenAiClientMetrics;
import io.llmetry4j.core.internal.GenAiMetricAttributes;
import io.llmetry4j.core.internal.TracedCall;
import io.opentelemetry.api.trace.Span;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.annotation.Nullable;

/**
 * The lifecycle of one chat span and its metrics: started by the listener's onRequest, ended
 * exactly once by whichever comes first of response, error or stream cancellation, on whatever
 * thread that happens. Never holds a Scope.
 */
final class ChatSpan {

  private static final double NANOS_PER_SECOND = 1_000_000_000.0;

  final Span span;
  private final long startNanos;
  private final GenAiMetricAttributes metricAttributes;
  private final GenAiClientMetrics metrics;
  private final AtomicBoolean ended = new AtomicBoolean();
  private long lastChunkNanos;
  private boolean firstChunkSeen;

  ChatSpan(
      Span span,
      long startNanos,
      GenAiMetricAttributes metricAttributes,
      GenAiClientMetrics metrics) {
    this.span = span;
    this.startNanos = startNanos;
    this.metricAttributes = metricAttributes;
    this.metrics = metrics;
  }

  /** Whether this call already ended: later callbacks of the same call are ignored. */
  boolean isEnded() {
    return ended.get();
  }

  void endWithResponse(
      @Nullable String responseModel, @Nullable Long inputTokens, @Nullable Long outputTokens) {
    if (!ended.compareAndSet(false, true)) {
      return;
    }
    long endNanos = System.nanoTime();
    try {
      metrics.recordSuccess(
          seconds(endNanos - startNanos),
          inputTokens,
          outputTokens,
          metricAttributes.success(responseModel));
    } finally {
      span.end();
    }
  }

  void endWithError(Throwable error, String errorType) {
    if (!ended.compareAndSet(false, true)) {
      return;
    }
    long endNanos = System.nanoTime();
    try {
      TracedCall.recordError(span, error, errorType);
      metrics.recordDuration(seconds(endNanos - startNanos), metricAttributes.error(errorType));
    } finally {
      span.end();
    }
  }

  /** The application cancelled the stream: LangChain4j then calls no listener, so end here. */
  void endCancelled() {
    if (!ended.compareAndSet(false, true)) {
      return;
    }
    try {
      span.addEvent("gen_ai.stream.cancelled");
      metrics.recordDuration(
          seconds(System.nanoTime() - startNanos), metricAttributes.success(null).duration);
    } finally {
      span.end();
    }
  }

  /** A streamed chunk arrived (called by {@link TracingStreamingChatModel}'s handler). */
  synchronized void onChunk(long nowNanos) {
    if (ended.get()) {
      return;
    }
    if (!firstChunkSeen) {
      firstChunkSeen = true;
      double seconds = seconds(nowNanos - startNanos);
      span.setAttribute(GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK, seconds);
      metrics.recordTimeToFirstChunk(seconds, metricAttributes.base());
    } else {
      metrics.recordTimePerOutputChunk(seconds(nowNanos - lastChunkNanos), metricAttributes.base());
    }
    lastChunkNanos = nowNanos;
  }

  private static double seconds(long nanos) {
    return nanos / NANOS_PER_SECOND;
  }
}
