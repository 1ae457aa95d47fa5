package io.llmetry4j.chat;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.ChatResponseMetadata;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.core.internal.SemconvAttributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.testing.junit5.OpenTelemetryExtension;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The publisher chat of langchain4j-core 1.20+ ({@code Flow.Publisher<ChatModelStreamingEvent>
 * chat(ChatRequest)}) through the decorator: one chat span, a child of the context where {@code
 * chat} was called (even when subscribed elsewhere), with the streaming data, ended by completion
 * or by the subscriber's cancel. Skipped where the running LangChain4j lacks it (CI runs it with
 * -Plc4j-latest,lc4j-core-latest).
 */
class PublisherChatTest {

  @RegisterExtension static final OpenTelemetryExtension otel = OpenTelemetryExtension.create();

  /**
   * A streaming model stand-in (named as such) whose publisher form emits three partial responses
   * and the complete response, on demand. {@code doChat(ChatRequest)} is declared with the raw
   * {@code Flow.Publisher} that 1.20+ declares (erased), so that this compiles on the floor.
   */
  public static final class EventModel implements StreamingChatModel {
    private final List<ChatModelListener> listeners;

    EventModel(List<ChatModelListener> listeners) {
      this.listeners = listeners;
    }

    @Override
    public List<ChatModelListener> listeners() {
      return listeners;
    }

    @Override
    public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
      throw new UnsupportedOperationException("publisher form only");
    }

    @SuppressWarnings({"rawtypes", "unchecked"})
    public Flow.Publisher doChat(ChatRequest request) {
      List<Object> events = new ArrayList<>();
      try {
        Class<?> partial = Class.forName("dev.langchain4j.model.chat.response.PartialResponse");
        Class<?> complete = Class.forName("dev.langchain4j.model.chat.response.CompleteResponse");
        for (String text : List.of("Hel", "lo", "!")) {
          events.add(partial.getConstructor(String.class).newInstance(text));
        }
        ChatResponse response =
            ChatResponse.builder()
                .aiMessage(AiMessage.from("Hello!"))
                .metadata(ChatResponseMetadata.builder().modelName("stand-in").build())
                .build();
        events.add(complete.getConstructor(ChatResponse.class).newInstance(response));
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(e);
      }
      return subscriber -> subscriber.onSubscribe(new ListSubscription(events, subscriber));
    }
  }

  /** Emits the list on demand, then completes; stops at cancel. */
  static final class ListSubscription implements Flow.Subscription {
    private final List<Object> items;

    @SuppressWarnings("rawtypes")
    private final Flow.Subscriber subscriber;

    private int next;
    private boolean done;

    @SuppressWarnings("rawtypes")
    ListSubscription(List<Object> items, Flow.Subscriber subscriber) {
      this.items = items;
      this.subscriber = subscriber;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void request(long n) {
      for (long i = 0; i < n && !done && next < items.size(); i++) {
        subscriber.onNext(items.get(next++));
      }
      if (!done && next == items.size()) {
        done = true;
        subscriber.onComplete();
      }
    }

    @Override
    public void cancel() {
      done = true;
    }
  }

  /** Requests {@code first} items, then the rest, or cancels after the first item. */
  static final class Collecting implements Flow.Subscriber<Object> {
    final List<Object> items = new CopyOnWriteArrayList<>();
    final CompletableFuture<Void> done = new CompletableFuture<>();
    private final boolean cancelAfterFirst;
    private Flow.Subscription subscription;

    Collecting(boolean cancelAfterFirst) {
      this.cancelAfterFirst = cancelAfterFirst;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      this.subscription = subscription;
      subscription.request(cancelAfterFirst ? 1 : Long.MAX_VALUE);
    }

    @Override
    public void onNext(Object item) {
      items.add(item);
      if (cancelAfterFirst) {
        subscription.cancel();
        done.complete(null);
      }
    }

    @Override
    public void onError(Throwable throwable) {
      done.completeExceptionally(throwable);
    }

    @Override
    public void onComplete() {
      done.complete(null);
    }
  }

  private static java.lang.reflect.Method publisherChat() {
    try {
      java.lang.reflect.Method method =
          StreamingChatModel.class.getMethod("chat", ChatRequest.class);
      return method.getReturnType() == Flow.Publisher.class ? method : null;
    } catch (NoSuchMethodException e) {
      return null;
    }
  }

  private StreamingChatModel traced() {
    return TracingStreamingChatModel.wrap(
        new EventModel(
            List.of(
                TracingChatModelListener.create(LlmTelemetry.create(otel.getOpenTelemetry())))));
  }

  private static ChatRequest request() {
    return ChatRequest.builder()
        .messages(List.of(UserMessage.from("Hi")))
        .modelName("stand-in")
        .build();
  }

  @Test
  @SuppressWarnings("unchecked")
  void a_publisher_chat_is_one_streaming_span_under_the_call_that_created_it() throws Exception {
    java.lang.reflect.Method chat = publisherChat();
    assumeTrue(chat != null, "langchain4j-core before 1.20: no publisher chat");
    Span parent = otel.getOpenTelemetry().getTracer("test").spanBuilder("request").startSpan();
    Flow.Publisher<Object> publisher;
    try (Scope ignored = parent.makeCurrent()) {
      publisher = (Flow.Publisher<Object>) chat.invoke(traced(), request());
    }
    parent.end();
    Collecting subscriber = new Collecting(false);

    // Subscribed on another thread, with no context: the span still belongs to the request.
    Thread thread = new Thread(() -> publisher.subscribe(subscriber));
    thread.start();
    subscriber.done.get(5, TimeUnit.SECONDS);
    thread.join();

    assertThat(subscriber.items).hasSize(4);
    SpanData span = span("chat stand-in");
    assertThat(span).hasParentSpanId(parent.getSpanContext().getSpanId());
    assertThat(span.getAttributes().get(SemconvAttributes.GEN_AI_REQUEST_STREAM)).isTrue();
    assertThat(span.getAttributes().get(SemconvAttributes.GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK))
        .isNotNull();
    assertThat(span.getAttributes().get(SemconvAttributes.GEN_AI_RESPONSE_MODEL))
        .isEqualTo("stand-in");
  }

  @Test
  @SuppressWarnings("unchecked")
  void a_cancelled_subscription_ends_the_span() throws Exception {
    java.lang.reflect.Method chat = publisherChat();
    assumeTrue(chat != null, "langchain4j-core before 1.20: no publisher chat");
    Flow.Publisher<Object> publisher = (Flow.Publisher<Object>) chat.invoke(traced(), request());
    Collecting subscriber = new Collecting(true);

    publisher.subscribe(subscriber);
    subscriber.done.get(5, TimeUnit.SECONDS);

    assertThat(subscriber.items).hasSize(1);
    SpanData span = span("chat stand-in");
    assertThat(span.getEvents())
        .extracting(e -> e.getName())
        .contains("llmetry4j.stream.cancelled");
  }

  private static SpanData span(String name) {
    return otel.getSpans().stream()
        .filter(s -> s.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no span " + name + " in " + otel.getSpans()));
  }
}
