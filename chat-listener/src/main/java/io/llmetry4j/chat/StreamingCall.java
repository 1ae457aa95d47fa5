package io.llmetry4j.chat;

import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import javax.annotation.Nullable;

/**
 * Connects {@link TracingStreamingChatModel} with the listener of the same call: the decorator puts
 * one in the context around {@code chat(...)}; the listener's onRequest, called synchronously in
 * there, attaches its span; chunk callbacks on HTTP threads then reach the span through it.
 */
final class StreamingCall {

  private static final ContextKey<StreamingCall> KEY = ContextKey.named("llmetry4j-streaming-call");

  @Nullable private volatile ChatSpan chatSpan;

  @Nullable
  static StreamingCall from(Context context) {
    return context.get(KEY);
  }

  Context storeIn(Context context) {
    return context.with(KEY, this);
  }

  void attach(ChatSpan chatSpan) {
    this.chatSpan = chatSpan;
  }

  void onChunk() {
    ChatSpan span = chatSpan;
    if (span != null) {
      span.onChunk(System.nanoTime());
    }
  }

  /** {@code chat(...)} threw on the caller's thread: the span, if started, ends with it. */
  void onSynchronousFailure(Throwable error) {
    ChatSpan span = chatSpan;
    if (span != null) {
      span.endWithError(error);
    }
  }

  void onCancel() {
    ChatSpan span = chatSpan;
    if (span != null) {
      span.endCancelled();
    }
  }
}
