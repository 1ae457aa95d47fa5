package io.llmetry4j.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.ollama.OllamaStreamingChatModel;
import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.core.internal.SemconvAttributes;
import io.llmetry4j.core.testing.OllamaCassettes;
import io.llmetry4j.core.testing.ReplayHttpServer;
import io.opentelemetry.sdk.testing.junit5.OpenTelemetryExtension;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The streaming API of LangChain4j 1.13+ ({@code chat(request, ChatRequestOptions, handler)}) and
 * 1.17+ ({@code onUnmappedRawEvent}) through the decorator. Compiled against the floor (1.11), so
 * the newer types are reached by reflection; skipped where the running LangChain4j lacks them (CI
 * runs them with -Plc4j-latest).
 */
class StreamingOptionsTest {

  @RegisterExtension static final OpenTelemetryExtension otel = OpenTelemetryExtension.create();

  private static final String OPTIONS = "dev.langchain4j.model.chat.ChatRequestOptions";

  private final ReplayHttpServer ollama = OllamaCassettes.serveChat(ReplayHttpServer.start());

  @AfterEach
  void stop() {
    ollama.close();
  }

  private static Class<?> type(String name) {
    try {
      return Class.forName(name);
    } catch (ClassNotFoundException e) {
      return null;
    }
  }

  /**
   * The application's handler as a JDK proxy (named as such): it records every callback, those the
   * floor's interface lacks included.
   */
  private static final class RecordingHandler implements InvocationHandler {
    final List<String> callbacks = new CopyOnWriteArrayList<>();
    final List<Object> rawEvents = new CopyOnWriteArrayList<>();
    final CompletableFuture<ChatResponse> done = new CompletableFuture<>();
    final StreamingChatResponseHandler handler =
        (StreamingChatResponseHandler)
            Proxy.newProxyInstance(
                StreamingChatResponseHandler.class.getClassLoader(),
                new Class<?>[] {StreamingChatResponseHandler.class},
                this);

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      switch (method.getName()) {
        case "equals":
          return proxy == args[0];
        case "hashCode":
          return System.identityHashCode(proxy);
        case "toString":
          return "recording handler";
        case "onCompleteResponse":
          done.complete((ChatResponse) args[0]);
          break;
        case "onError":
          done.completeExceptionally((Throwable) args[0]);
          break;
        case "onUnmappedRawEvent":
          rawEvents.add(args[0]);
          break;
        default:
          break;
      }
      callbacks.add(method.getName());
      return null;
    }
  }

  @Test
  void streaming_with_request_options_records_the_stream_and_its_first_chunk() throws Exception {
    Class<?> options = type(OPTIONS);
    assumeTrue(options != null, "LangChain4j before 1.13: no ChatRequestOptions");
    StreamingChatModel model =
        TracingStreamingChatModel.wrap(
            OllamaStreamingChatModel.builder()
                .baseUrl(ollama.baseUrl())
                .modelName("llama3")
                .timeout(Duration.ofSeconds(5))
                .listeners(
                    List.of(
                        TracingChatModelListener.create(
                            LlmTelemetry.create(otel.getOpenTelemetry()))))
                .build());
    Object empty = options.getField("EMPTY").get(null);
    RecordingHandler recording = new RecordingHandler();

    StreamingChatModel.class
        .getMethod("chat", ChatRequest.class, options, StreamingChatResponseHandler.class)
        .invoke(model, OllamaChatListenerTest.chatRequest(), empty, recording.handler);
    ChatResponse response = recording.done.get(10, TimeUnit.SECONDS);

    assertThat(response.aiMessage().text()).startsWith("Why did the OpenTelemetry agent");
    assertThat(recording.callbacks).contains("onPartialResponse");
    assertThat(otel.getSpans()).hasSize(1);
    SpanData span = otel.getSpans().get(0);
    assertThat(span.getName()).isEqualTo("chat llama3");
    assertThat(span.getAttributes().get(SemconvAttributes.GEN_AI_REQUEST_STREAM)).isTrue();
    assertThat(span.getAttributes().get(SemconvAttributes.GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK))
        .isPositive();
  }

  /**
   * A streaming model stand-in (named as such) that sends an event no typed callback maps, as
   * providers do through {@code onUnmappedRawEvent}, then a partial and the complete response.
   */
  private static final class RawEventModel implements StreamingChatModel {
    final Object rawEvent = new Object();

    @Override
    public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
      try {
        StreamingChatResponseHandler.class
            .getMethod("onUnmappedRawEvent", Object.class)
            .invoke(handler, rawEvent);
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException(e);
      }
      handler.onPartialResponse("Hi");
      handler.onCompleteResponse(ChatResponse.builder().aiMessage(AiMessage.from("Hi")).build());
    }
  }

  @Test
  void unmapped_raw_events_reach_the_applications_handler() throws Exception {
    assumeTrue(
        hasMethod(StreamingChatResponseHandler.class, "onUnmappedRawEvent"),
        "LangChain4j before 1.17: no unmapped raw events");
    RawEventModel bare = new RawEventModel();
    RecordingHandler recording = new RecordingHandler();

    TracingStreamingChatModel.wrap(bare)
        .chat(
            ChatRequest.builder()
                .messages(List.of(dev.langchain4j.data.message.UserMessage.from("Hi")))
                .build(),
            recording.handler);
    recording.done.get(5, TimeUnit.SECONDS);

    assertThat(recording.rawEvents).containsExactly(bare.rawEvent);
    assertThat(recording.callbacks)
        .containsExactly("onUnmappedRawEvent", "onPartialResponse", "onCompleteResponse");
  }

  private static boolean hasMethod(Class<?> type, String name) {
    for (Method method : type.getMethods()) {
      if (method.getName().equals(name)) {
        return true;
      }
    }
    return false;
  }
}
