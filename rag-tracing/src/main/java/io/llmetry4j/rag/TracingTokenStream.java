package io.llmetry4j.rag;

import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.PartialThinking;
import dev.langchain4j.model.chat.response.PartialThinkingContext;
import dev.langchain4j.model.chat.response.PartialToolCall;
import dev.langchain4j.model.chat.response.PartialToolCallContext;
import dev.langchain4j.rag.content.Content;
import dev.langchain4j.service.TokenStream;
import dev.langchain4j.service.tool.BeforeToolExecution;
import dev.langchain4j.service.tool.ToolExecution;
import io.llmetry4j.core.internal.Operation;
import io.llmetry4j.rag.TracingAiService.AgentCall;
import io.opentelemetry.context.Scope;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The {@link TokenStream} of a traced AI Service call: configuration passes through; {@link
 * #start()} runs with the agent span current (so the first model call is its child); the agent span
 * ends when the stream completes or fails. Follow-up work on HTTP client threads joins the trace
 * through {@code TracingStreamingChatModel}, which runs callbacks in the caller's context.
 */
final class TracingTokenStream implements TokenStream {

  private final TokenStream delegate;
  private final Operation<AgentCall, Object> operation;
  private final Operation.Call<AgentCall> call;
  private boolean completionHandled;

  TracingTokenStream(
      TokenStream delegate,
      Operation<AgentCall, Object> operation,
      Operation.Call<AgentCall> call) {
    this.delegate = delegate;
    this.operation = operation;
    this.call = call;
  }

  @Override
  public TokenStream onPartialResponse(Consumer<String> handler) {
    delegate.onPartialResponse(handler);
    return this;
  }

  @Override
  public TokenStream onPartialResponseWithContext(
      BiConsumer<PartialResponse, PartialResponseContext> handler) {
    delegate.onPartialResponseWithContext(handler);
    return this;
  }

  @Override
  public TokenStream onPartialThinking(Consumer<PartialThinking> handler) {
    delegate.onPartialThinking(handler);
    return this;
  }

  @Override
  public TokenStream onPartialThinkingWithContext(
      BiConsumer<PartialThinking, PartialThinkingContext> handler) {
    delegate.onPartialThinkingWithContext(handler);
    return this;
  }

  @Override
  public TokenStream onPartialToolCall(Consumer<PartialToolCall> handler) {
    delegate.onPartialToolCall(handler);
    return this;
  }

  @Override
  public TokenStream onPartialToolCallWithContext(
      BiConsumer<PartialToolCall, PartialToolCallContext> handler) {
    delegate.onPartialToolCallWithContext(handler);
    return this;
  }

  @Override
  public TokenStream onRetrieved(Consumer<List<Content>> handler) {
    delegate.onRetrieved(handler);
    return this;
  }

  @Override
  public TokenStream onIntermediateResponse(Consumer<ChatResponse> handler) {
    delegate.onIntermediateResponse(handler);
    return this;
  }

  @Override
  public TokenStream beforeToolExecution(Consumer<BeforeToolExecution> handler) {
    delegate.beforeToolExecution(handler);
    return this;
  }

  @Override
  public TokenStream onToolExecuted(Consumer<ToolExecution> handler) {
    delegate.onToolExecuted(handler);
    return this;
  }

  @Override
  public TokenStream onCompleteResponse(Consumer<ChatResponse> handler) {
    completionHandled = true;
    delegate.onCompleteResponse(
        response -> {
          operation.end(call, response, null);
          handler.accept(response);
        });
    return this;
  }

  @Override
  public TokenStream onError(Consumer<Throwable> handler) {
    delegate.onError(
        error -> {
          operation.end(call, null, error);
          handler.accept(error);
        });
    return this;
  }

  /**
   * Ignoring errors still ends the span: the delegate gets an error handler that only records.
   * (LangChain4j accepts either an error handler or ignoreErrors, not both.)
   */
  @Override
  public TokenStream ignoreErrors() {
    delegate.onError(error -> operation.end(call, null, error));
    return this;
  }

  @Override
  public void start() {
    if (!completionHandled) {
      delegate.onCompleteResponse(response -> operation.end(call, response, null));
    }
    try (Scope ignored = call.makeCurrent()) {
      delegate.start();
    } catch (Throwable e) {
      operation.end(call, null, e);
      throw e;
    }
  }
}
