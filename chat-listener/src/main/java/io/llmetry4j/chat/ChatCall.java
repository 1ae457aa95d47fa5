package io.llmetry4j.chat;

import io.llmetry4j.core.internal.Instrumentation;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import io.opentelemetry.context.Scope;
import javax.annotation.Nullable;

/**
 * One chat call owned by a llmetry4j wrapper ({@link TracingChatModel}, {@link
 * TracingStreamingChatModel}), connecting it with the listener of the same call: the wrapper puts
 * one in the context around {@code chat(...)}; the listener's onRequest, called synchronously in
 * there, attaches its span; chunk callbacks on HTTP threads then reach the span through it.
 *
 * <p>It also makes the chat span current around the provider's HTTP request, which LangChain4j
 * sends after onRequest, inside {@code chat(...)}: the listener API has no hook that runs between
 * the two and ends on every outcome (an {@code Error} reaches no listener), so the listener opens
 * the scope ({@link #attach}) and the wrapper, which owns the call, always closes it ({@link
 * #closeScope}) before its own — on the thread that opened both, whatever {@code chat(...)} did.
 */
final class ChatCall {

  private static final ContextKey<ChatCall> KEY = ContextKey.named("llmetry4j-chat-call");

  final boolean streaming;
  private final Thread owner = Thread.currentThread();
  @Nullable private volatile ChatSpan chatSpan;
  // Opened and closed on the owner thread only.
  @Nullable private Scope spanScope;

  ChatCall(boolean streaming) {
    this.streaming = streaming;
  }

  /**
   * Puts this call in {@code callerContext} and makes that current, around the model's call. The
   * returned scope closes the span's scope (opened by the listener, see {@link #attach}), then this
   * call's: close it in a {@code finally}, on this thread. A throwable of the model's call goes to
   * {@link #onSynchronousFailure} first.
   */
  Scope enter(Context callerContext) {
    Scope callScope = storeIn(callerContext).makeCurrent();
    return () -> {
      closeScope();
      callScope.close();
    };
  }

  @Nullable
  static ChatCall from(Context context) {
    return context.get(KEY);
  }

  Context storeIn(Context context) {
    return context.with(KEY, this);
  }

  /**
   * The listener started {@code span} for this call: chunks and cancellation reach it from now on,
   * and, on the wrapper's thread, it is current until the wrapper's {@code chat(...)} returns. Only
   * the first span counts (the same call seen by two listener instances).
   */
  void attach(ChatSpan span, Context spanContext, Instrumentation instrumentation) {
    if (chatSpan != null) {
      return;
    }
    chatSpan = span;
    if (Thread.currentThread() == owner) {
      spanScope = instrumentation.makeCurrent(spanContext);
    }
  }

  /** Closes what {@link #attach} opened; called by the wrapper on its thread, on every outcome. */
  void closeScope() {
    Scope scope = spanScope;
    if (scope != null && Thread.currentThread() == owner) {
      spanScope = null;
      scope.close();
    }
  }

  void onChunk() {
    ChatSpan span = chatSpan;
    if (span != null) {
      span.onChunk(System.nanoTime());
    }
  }

  /**
   * {@code chat(...)} threw on the caller's thread: the span, if started and not yet ended by the
   * listener's onError (LangChain4j calls none for an {@code Error}), ends with it.
   */
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
