package io.llmetry4j.rag;

import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.service.TokenStream;
import io.llmetry4j.core.internal.Forwarding;
import io.llmetry4j.core.internal.Operation;
import io.llmetry4j.rag.TracingAiService.AgentCall;
import io.opentelemetry.context.Scope;
import java.lang.reflect.Method;
import java.util.function.Consumer;
import javax.annotation.Nullable;

/**
 * The {@link TokenStream} of a traced AI Service call: configuration passes through (every method,
 * those of later LangChain4j versions included; a method that returns the stream itself returns
 * this wrapper); {@code start()} runs with the agent span current (so the first model call is its
 * child); the agent span ends when the stream completes or fails. Follow-up work on HTTP client
 * threads joins the trace through {@code TracingStreamingChatModel}, which runs callbacks in the
 * caller's context.
 */
final class TracingTokenStream {

  private final Operation<AgentCall, Object> operation;
  private final Operation.Call<AgentCall> call;
  private volatile boolean completionHandled;

  private TracingTokenStream(
      Operation<AgentCall, Object> operation, Operation.Call<AgentCall> call) {
    this.operation = operation;
    this.call = call;
  }

  static TokenStream wrap(
      TokenStream stream, Operation<AgentCall, Object> operation, Operation.Call<AgentCall> call) {
    TracingTokenStream tracing = new TracingTokenStream(operation, call);
    return Forwarding.wrap(TokenStream.class, stream, tracing::route);
  }

  @SuppressWarnings("unchecked")
  private Forwarding.Handler<TokenStream> route(Method method) {
    if (Forwarding.is(method, "onCompleteResponse", Consumer.class.getName())) {
      return (stream, self, invocation, args) -> {
        completionHandled = true;
        Consumer<ChatResponse> handler = (Consumer<ChatResponse>) args[0];
        Consumer<ChatResponse> ending =
            response -> {
              operation.end(call, response, null);
              if (handler != null) {
                handler.accept(response);
              }
            };
        return self(stream, self, invocation.invoke(stream, new Object[] {ending}));
      };
    }
    if (Forwarding.is(method, "onError", Consumer.class.getName())) {
      return (stream, self, invocation, args) -> {
        Consumer<Throwable> handler = (Consumer<Throwable>) args[0];
        Consumer<Throwable> ending =
            error -> {
              operation.end(call, null, error);
              if (handler != null) {
                handler.accept(error);
              }
            };
        return self(stream, self, invocation.invoke(stream, new Object[] {ending}));
      };
    }
    if (Forwarding.is(method, "ignoreErrors")) {
      // Ignoring errors still ends the span: the stream gets an error handler that only records.
      // (LangChain4j accepts either an error handler or ignoreErrors, not both.)
      return (stream, self, invocation, args) ->
          self(stream, self, stream.onError(error -> operation.end(call, null, error)));
    }
    if (Forwarding.is(method, "start")) {
      return (stream, self, invocation, args) -> {
        if (!completionHandled) {
          stream.onCompleteResponse(response -> operation.end(call, response, null));
        }
        try (Scope ignored = call.makeCurrent()) {
          return invocation.invoke(stream, args);
        } catch (Throwable e) {
          operation.end(call, null, e);
          throw e;
        }
      };
    }
    if (method.getReturnType() == TokenStream.class) {
      return (stream, self, invocation, args) ->
          self(stream, self, invocation.invoke(stream, args));
    }
    return null;
  }

  /** The wrapper where the stream returned itself, so that chained configuration stays traced. */
  @Nullable
  private static Object self(TokenStream stream, Object self, @Nullable Object returned) {
    return returned == stream ? self : returned;
  }
}
