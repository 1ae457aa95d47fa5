package io.llmetry4j.chat;

import static java.util.Objects.requireNonNull;

import dev.langchain4j.model.chat.ChatModel;
import io.llmetry4j.core.internal.Forwarding;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.lang.reflect.Method;
import javax.annotation.Nullable;

/**
 * A {@link ChatModel} decorator that makes the chat span of {@link TracingChatModelListener}
 * current while the model sends its HTTP request, so that the HTTP client's own span (the
 * OpenTelemetry Java agent's, Spring's {@code RestClient} observation, OkHttp's) is a child of the
 * {@code chat} span rather than its sibling; and that ends the span on every outcome, an {@code
 * Error} included (LangChain4j then calls no listener). Use it together with the listener
 * registered on the wrapped model:
 *
 * <pre>{@code
 * ChatModel model = TracingChatModel.wrap(
 *     OllamaChatModel.builder()
 *         .baseUrl(url).modelName("llama3")
 *         .listeners(List.of(TracingChatModelListener.create(telemetry)))
 *         .build());
 * }</pre>
 *
 * Without the listener the decorator passes everything through and records nothing.
 *
 * <p>The decorator implements {@code ChatModel} as the running LangChain4j defines it: every {@code
 * chat...} method ({@code chat(ChatRequest)}, the {@code String} and message forms, {@code
 * chatAsync} of 1.20+, and any that later versions add) runs on the wrapped model inside the call's
 * context; every other method is the wrapped model's own. Nothing stays current after a call
 * returns or throws.
 */
public final class TracingChatModel {

  private TracingChatModel() {}

  public static ChatModel wrap(ChatModel delegate) {
    return Forwarding.wrap(
        ChatModel.class, requireNonNull(delegate, "delegate"), TracingChatModel::route);
  }

  @Nullable
  private static Forwarding.Handler<ChatModel> route(Method method) {
    if (!method.getName().startsWith("chat")) {
      return null;
    }
    return (model, self, invocation, args) -> {
      ChatCall call = new ChatCall(false);
      Scope scope = call.enter(Context.current());
      try {
        return invocation.invoke(model, args);
      } catch (Throwable e) {
        // An exception was reported to the listener's onError, which ended the span; an Error
        // was not, and ends it here. The application gets the very same throwable.
        call.onSynchronousFailure(e);
        throw e;
      } finally {
        scope.close();
      }
    };
  }
}
