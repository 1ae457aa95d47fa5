package io.llmetry4j.chat;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.ChatResponseMetadata;
import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.core.internal.SemconvAttributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.testing.junit5.OpenTelemetryExtension;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.lang.reflect.Method;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code chatAsync} of langchain4j-core 1.20+ with the listener: LangChain4j calls onRequest on the
 * calling thread and onResponse / onError when the future completes, so the chat span is a child of
 * the caller's and ends with the future. Skipped where the running LangChain4j lacks it (CI runs it
 * with -Plc4j-latest,lc4j-core-latest).
 */
class AsyncChatTest {

  @RegisterExtension static final OpenTelemetryExtension otel = OpenTelemetryExtension.create();

  /**
   * A chat model stand-in (named as such) whose async form returns a future the test completes;
   * {@code doChatAsync} is declared with the erased type 1.20+ declares, so this compiles on the
   * floor.
   */
  public static final class FutureModel implements ChatModel {
    final CompletableFuture<ChatResponse> future = new CompletableFuture<>();
    private final List<ChatModelListener> listeners;

    FutureModel(List<ChatModelListener> listeners) {
      this.listeners = listeners;
    }

    @Override
    public List<ChatModelListener> listeners() {
      return listeners;
    }

    @Override
    public ChatResponse doChat(ChatRequest request) {
      throw new UnsupportedOperationException("async only");
    }

    @SuppressWarnings("rawtypes")
    public CompletableFuture doChatAsync(ChatRequest request) {
      return future;
    }
  }

  private static Method chatAsync() {
    try {
      return ChatModel.class.getMethod("chatAsync", ChatRequest.class);
    } catch (NoSuchMethodException e) {
      return null;
    }
  }

  private FutureModel model() {
    return new FutureModel(
        List.of(TracingChatModelListener.create(LlmTelemetry.create(otel.getOpenTelemetry()))));
  }

  private static ChatRequest request() {
    return ChatRequest.builder()
        .messages(List.of(UserMessage.from("Hi")))
        .modelName("stand-in")
        .build();
  }

  @Test
  void chat_async_is_a_child_of_the_caller_and_ends_with_the_future() throws Exception {
    Method chatAsync = chatAsync();
    assumeTrue(chatAsync != null, "langchain4j-core before 1.20: no chatAsync");
    FutureModel model = model();
    Span parent = otel.getOpenTelemetry().getTracer("test").spanBuilder("request").startSpan();
    CompletableFuture<?> returned;
    try (Scope ignored = parent.makeCurrent()) {
      returned = (CompletableFuture<?>) chatAsync.invoke(model, request());
    }
    parent.end();
    assertThat(otel.getSpans()).extracting(SpanData::getName).containsExactly("request");

    model.future.complete(
        ChatResponse.builder()
            .aiMessage(AiMessage.from("Hello"))
            .metadata(ChatResponseMetadata.builder().modelName("stand-in-1").build())
            .build());

    assertThat(returned.join()).isInstanceOf(ChatResponse.class);
    SpanData chat = span("chat stand-in");
    assertThat(chat)
        .hasParentSpanId(parent.getSpanContext().getSpanId())
        .hasAttribute(SemconvAttributes.GEN_AI_RESPONSE_MODEL, "stand-in-1");
  }

  @Test
  void a_failed_chat_async_ends_the_span_with_the_error() throws Exception {
    Method chatAsync = chatAsync();
    assumeTrue(chatAsync != null, "langchain4j-core before 1.20: no chatAsync");
    FutureModel model = model();

    CompletableFuture<?> returned = (CompletableFuture<?>) chatAsync.invoke(model, request());
    model.future.completeExceptionally(new IllegalStateException("model down"));

    assertThat(returned).isCompletedExceptionally();
    SpanData chat = span("chat stand-in");
    assertThat(chat.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(chat)
        .hasAttribute(SemconvAttributes.ERROR_TYPE, IllegalStateException.class.getName());
  }

  private static SpanData span(String name) {
    return otel.getSpans().stream()
        .filter(s -> s.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no span " + name + " in " + otel.getSpans()));
  }
}
