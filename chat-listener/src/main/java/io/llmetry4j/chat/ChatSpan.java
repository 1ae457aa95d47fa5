package io.llmetry4j.chat;

import static io.llmetry4j.core.SemconvAttributes.ERROR_TYPE;
import static io.llmetry4j.core.SemconvAttributes.GEN_AI_OPERATION_NAME;
import static io.llmetry4j.core.SemconvAttributes.GEN_AI_PROVIDER_NAME;
import static io.llmetry4j.core.SemconvAttributes.GEN_AI_REQUEST_MODEL;
import static io.llmetry4j.core.SemconvAttributes.GEN_AI_RESPONSE_MODEL;
import static io.llmetry4j.core.SemconvAttributes.GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK;
import static io.llmetry4j.core.SemconvAttributes.SERVER_ADDRESS;
import static io.llmetry4j.core.SemconvAttributes.SERVER_PORT;

import io.llmetry4j.core.SemconvAttributes;
import io.llmetry4j.core.internal.GenAiClientMetrics;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
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
  private final Attributes metricAttributes;
  private final GenAiClientMetrics metrics;
  private final AtomicBoolean ended = new AtomicBoolean();
  private long lastChunkNanos;
  private boolean firstChunkSeen;

  ChatSpan(
      Span span,
      long startNanos,
      String provider,
      @Nullable String requestModel,
      @Nullable String serverAddress,
      @Nullable Integer serverPort,
      GenAiClientMetrics metrics) {
    this.span = span;
    this.startNanos = startNanos;
    this.metrics = metrics;
    AttributesBuilder attributes =
        Attributes.builder()
            .put(GEN_AI_OPERATION_NAME, SemconvAttributes.OperationName.CHAT)
            .put(GEN_AI_PROVIDER_NAME, provider);
    if (requestModel != null) {
      attributes.put(GEN_AI_REQUEST_MODEL, requestModel);
    }
    if (serverAddress != null) {
      attributes.put(SERVER_ADDRESS, serverAddress);
      if (serverPort != null) {
        attributes.put(SERVER_PORT, serverPort.longValue());
      }
    }
    this.metricAttributes = attributes.build();
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
      Attributes attributes =
          responseModel == null
              ? metricAttributes
              : metricAttributes.toBuilder().put(GEN_AI_RESPONSE_MODEL, responseModel).build();
      metrics.recordDuration(seconds(endNanos - startNanos), attributes);
      metrics.recordTokens(inputTokens, outputTokens, attributes);
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
      span.setStatus(StatusCode.ERROR, String.valueOf(error.getMessage()));
      span.setAttribute(ERROR_TYPE, errorType);
      span.recordException(error);
      metrics.recordDuration(
          seconds(endNanos - startNanos),
          metricAttributes.toBuilder().put(ERROR_TYPE, errorType).build());
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
      metrics.recordDuration(seconds(System.nanoTime() - startNanos), metricAttributes);
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
      metrics.recordTimeToFirstChunk(seconds, metricAttributes);
    } else {
      metrics.recordTimePerOutputChunk(seconds(nowNanos - lastChunkNanos), metricAttributes);
    }
    lastChunkNanos = nowNanos;
  }

  private static double seconds(long nanos) {
    return nanos / NANOS_PER_SECOND;
  }
}
