package io.llmetry4j.chat;

import static io.llmetry4j.core.internal.SemconvAttributes.GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK;

import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import io.llmetry4j.core.internal.GenAiClientMetrics;
import io.llmetry4j.core.internal.Operation;
import javax.annotation.Nullable;

/**
 * One chat call: the request of the chat {@link Operation} (what the extractors read) and, once
 * started, its span. Started by the listener's onRequest, ended exactly once by whichever comes
 * first of response, error or stream cancellation, on whatever thread that happens. Never holds a
 * Scope.
 */
final class ChatSpan {

  private static final double NANOS_PER_SECOND = 1_000_000_000.0;

  /** llmetry4j's own event (semconv 1.41.1 registers none for a cancelled stream). */
  static final String STREAM_CANCELLED_EVENT = "llmetry4j.stream.cancelled";

  /** {@code error.type} of a stream the application cancelled (span and duration metric). */
  static final String CANCELLED_ERROR_TYPE = "cancelled";

  final ChatRequest request;
  final String provider;
  final ModelEntries.Entry entry;
  final boolean streaming;

  /** {@code gen_ai.conversation.id} of the agent call this chat belongs to, if any. */
  @Nullable final String conversationId;

  private final Operation<ChatSpan, ChatResponse> operation;
  @Nullable private volatile Operation.Call<ChatSpan> call;

  /** Content for the inference event, when content goes to events (set on the start thread). */
  @Nullable volatile ChatExtractor.Content eventContent;

  /** Whether LangChain4j's OpenAI client makes the call (OpenLLMetry's gen_ai.openai.* keys). */
  volatile boolean openAiClient;

  /** Content characters the span's start recorded, out of its budget (set on the start thread). */
  volatile int contentCharsUsed;

  private long lastChunkNanos;
  private boolean firstChunkSeen;

  ChatSpan(
      ChatRequest request,
      String provider,
      ModelEntries.Entry entry,
      boolean streaming,
      @Nullable String conversationId,
      Operation<ChatSpan, ChatResponse> operation) {
    this.request = request;
    this.provider = provider;
    this.entry = entry;
    this.streaming = streaming;
    this.conversationId = conversationId;
    this.operation = operation;
  }

  void started(Operation.Call<ChatSpan> call) {
    this.call = call;
  }

  /** Whether this call already ended: later callbacks of the same call are ignored. */
  boolean isEnded() {
    Operation.Call<ChatSpan> started = call;
    return started == null || started.isEnded();
  }

  void endWithResponse(@Nullable ChatResponse response) {
    if (call != null) {
      operation.end(call, response, null);
    }
  }

  void endWithError(Throwable error) {
    if (call != null) {
      operation.end(call, null, error);
    }
  }

  /** The application cancelled the stream: LangChain4j then calls no listener, so end here. */
  void endCancelled() {
    Operation.Call<ChatSpan> started = call;
    if (started == null || started.isEnded()) {
      return;
    }
    try {
      started.span().addEvent(STREAM_CANCELLED_EVENT);
    } catch (Throwable e) {
      operation.instrumentationFailed(e);
    }
    operation.endCancelled(started, CANCELLED_ERROR_TYPE);
  }

  /** A streamed chunk arrived (called by {@link TracingStreamingChatModel}'s handler). */
  synchronized void onChunk(long nowNanos) {
    Operation.Call<ChatSpan> started = call;
    if (started == null || started.isEnded()) {
      return;
    }
    // Runs inside the application's chunk callback: nothing of ours may reach it.
    try {
      GenAiClientMetrics metrics = operation.instrumentation().metrics();
      if (!firstChunkSeen) {
        firstChunkSeen = true;
        double seconds = seconds(nowNanos - started.startNanos());
        started.span().setAttribute(GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK, seconds);
        metrics.recordTimeToFirstChunk(seconds, entry.metricAttributes.base());
      } else {
        metrics.recordTimePerOutputChunk(
            seconds(nowNanos - lastChunkNanos), entry.metricAttributes.base());
      }
    } catch (Throwable e) {
      operation.instrumentationFailed(e);
    } finally {
      lastChunkNanos = nowNanos;
    }
  }

  private static double seconds(long nanos) {
    return nanos / NANOS_PER_SECOND;
  }
}
