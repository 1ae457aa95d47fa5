package io.llmetry4j.chat;

import static org.assertj.core.api.Assertions.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.listener.ChatModelErrorContext;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.listener.ChatModelRequestContext;
import dev.langchain4j.model.chat.listener.ChatModelResponseContext;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.ChatResponseMetadata;
import dev.langchain4j.model.ollama.OllamaChatModel;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.core.internal.Operation;
import io.llmetry4j.core.internal.SemconvAttributes;
import io.llmetry4j.core.testing.CapturedOutput;
import io.llmetry4j.core.testing.OllamaCassettes;
import io.llmetry4j.core.testing.ReplayHttpServer;
import io.llmetry4j.core.testing.ReplayHttpServer.Response;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.junit5.OpenTelemetryExtension;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Odd responses and odd setups never break the call and never leave a span open. */
class ChatRobustnessTest {

  @RegisterExtension static final OpenTelemetryExtension otel = OpenTelemetryExtension.create();

  private final ReplayHttpServer ollama = OllamaCassettes.serveChat(ReplayHttpServer.start());

  @AfterEach
  void stop() {
    ollama.close();
  }

  private ChatModel model(ChatModelListener... listeners) {
    return OllamaChatModel.builder()
        .baseUrl(ollama.baseUrl())
        .modelName("llama3")
        .timeout(Duration.ofSeconds(5))
        .maxRetries(0)
        .listeners(List.of(listeners))
        .build();
  }

  private TracingChatModelListener capturing(java.util.function.Function<String, String> redactor) {
    return TracingChatModelListener.create(
        LlmTelemetry.builder(otel.getOpenTelemetry())
            .captureContent(true)
            .contentRedactor(redactor)
            .build());
  }

  @Test
  void a_response_without_usage_id_model_or_text_still_ends_the_span() {
    ollama.enqueue(
        "/api/chat",
        Response.json(
            200,
            "{\"model\":\"\",\"created_at\":\"2024-05-24T20:01:31Z\","
                + "\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done\":true}"));

    ChatResponse response = model(capturing(s -> s)).chat(OllamaChatListenerTest.chatRequest());

    assertThat(response.aiMessage().text()).isNullOrEmpty();
    SpanData span = otel.getSpans().get(0);
    assertThat(span.hasEnded()).isTrue();
    assertThat(span.getAttributes().get(SemconvAttributes.GEN_AI_USAGE_INPUT_TOKENS)).isNull();
    assertThat(span.getAttributes().get(SemconvAttributes.GEN_AI_RESPONSE_ID)).isNull();
    assertThat(span.getAttributes().get(SemconvAttributes.GEN_AI_OUTPUT_MESSAGES))
        .isEqualTo("[{\"role\":\"assistant\",\"parts\":[],\"finish_reason\":\"unknown\"}]");
    ContentSchemas.assertValid(span);
    assertThat(otel.getMetrics())
        .extracting(m -> m.getName())
        .contains("gen_ai.client.operation.duration")
        .doesNotContain("gen_ai.client.token.usage");
  }

  @Test
  void a_throwing_redactor_drops_content_but_the_call_and_span_are_intact() {
    ChatResponse response =
        model(
                capturing(
                    s -> {
                      throw new IllegalStateException("redactor bug");
                    }))
            .chat(OllamaChatListenerTest.chatRequest());

    assertThat(response.aiMessage().text()).startsWith("A joke");
    SpanData span = otel.getSpans().get(0);
    assertThat(span.getAttributes().get(SemconvAttributes.GEN_AI_USAGE_OUTPUT_TOKENS))
        .isEqualTo(66L);
    assertThat(span.getAttributes().get(SemconvAttributes.GEN_AI_INPUT_MESSAGES))
        .isEqualTo("[{\"role\":\"user\",\"parts\":[]}]");
    assertThat(span.getAttributes().get(SemconvAttributes.GEN_AI_OUTPUT_MESSAGES))
        .doesNotContain("joke");
    ContentSchemas.assertValid(span);
  }

  @Test
  void a_redactor_that_overflows_the_stack_breaks_neither_the_call_nor_the_span() {
    ChatResponse response =
        model(
                capturing(
                    s -> {
                      throw new StackOverflowError(); // a catastrophic regex on a long prompt
                    }))
            .chat(OllamaChatListenerTest.chatRequest());

    assertThat(response.aiMessage().text()).startsWith("A joke");
    SpanData span = otel.getSpans().get(0);
    assertThat(span.hasEnded()).isTrue();
    assertThat(span.getAttributes().get(SemconvAttributes.GEN_AI_USAGE_OUTPUT_TOKENS))
        .isEqualTo(66L);
    assertThat(span.getAttributes().get(SemconvAttributes.GEN_AI_OUTPUT_MESSAGES))
        .doesNotContain("joke");
  }

  @Test
  void a_streaming_model_whose_chat_throws_at_once_ends_its_span_with_that_error() {
    IllegalStateException failure = new IllegalStateException("no connection pool");
    // A stand-in streaming model (named as one): LangChain4j's own chat(...) runs the listener's
    // onRequest, then its doChat throws on the caller's thread.
    dev.langchain4j.model.chat.StreamingChatModel throwing =
        new dev.langchain4j.model.chat.StreamingChatModel() {
          @Override
          public void doChat(
              dev.langchain4j.model.chat.request.ChatRequest request,
              dev.langchain4j.model.chat.response.StreamingChatResponseHandler handler) {
            throw failure;
          }

          @Override
          public List<dev.langchain4j.model.chat.listener.ChatModelListener> listeners() {
            return List.of(
                TracingChatModelListener.create(LlmTelemetry.create(otel.getOpenTelemetry())));
          }
        };
    dev.langchain4j.model.chat.response.StreamingChatResponseHandler handler =
        new dev.langchain4j.model.chat.response.StreamingChatResponseHandler() {
          @Override
          public void onCompleteResponse(ChatResponse response) {}

          @Override
          public void onError(Throwable error) {}
        };

    Throwable bare =
        catchThrowable(() -> throwing.chat(OllamaChatListenerTest.chatRequest(), handler));
    otel.clearSpans();
    Throwable traced =
        catchThrowable(
            () ->
                TracingStreamingChatModel.wrap(throwing)
                    .chat(OllamaChatListenerTest.chatRequest(), handler));

    // What the application sees is what it sees without llmetry4j.
    if (bare == null) {
      assertThat(traced).isNull();
    } else {
      assertThat(bare).isSameAs(failure);
      assertThat(traced).isSameAs(failure);
    }
    assertThat(otel.getSpans()).hasSize(1);
    SpanData span = otel.getSpans().get(0);
    assertThat(span.hasEnded()).isTrue();
    assertThat(span.getAttributes().get(SemconvAttributes.ERROR_TYPE))
        .isEqualTo(IllegalStateException.class.getName());
  }

  @Test
  void the_same_listener_registered_twice_makes_one_span() {
    TracingChatModelListener listener =
        TracingChatModelListener.create(LlmTelemetry.create(otel.getOpenTelemetry()));

    model(listener, listener).chat(OllamaChatListenerTest.chatRequest());

    assertThat(otel.getSpans()).hasSize(1);
    assertThat(otel.getSpans().get(0).hasEnded()).isTrue();
  }

  @Test
  void two_listeners_make_two_complete_spans() {
    model(
            TracingChatModelListener.create(LlmTelemetry.create(otel.getOpenTelemetry())),
            TracingChatModelListener.create(LlmTelemetry.create(otel.getOpenTelemetry())))
        .chat(OllamaChatListenerTest.chatRequest());

    assertThat(otel.getSpans())
        .hasSize(2)
        .allSatisfy(
            s ->
                assertThat(s.getAttributes().get(SemconvAttributes.GEN_AI_USAGE_INPUT_TOKENS))
                    .isEqualTo(17L));
  }

  // The listener never throws. LangChain4j (ChatModelListenerUtils) catches every Exception a
  // listener throws and only logs it, so a call through a model cannot show that the listener's own
  // guards work: the tests below call onRequest/onResponse/onError directly, as LangChain4j does,
  // and fail if anything escapes the listener.

  private static final ChatRequest REQUEST =
      ChatRequest.builder()
          .messages(UserMessage.from("Tell me a joke about OpenTelemetry"))
          .modelName("llama3")
          .build();

  private static final ChatResponse RESPONSE =
      ChatResponse.builder()
          .aiMessage(AiMessage.from("A joke about OpenTelemetry!"))
          .metadata(
              ChatResponseMetadata.builder()
                  .id("resp-1")
                  .modelName("llama3")
                  .finishReason(FinishReason.STOP)
                  .tokenUsage(new TokenUsage(17, 66))
                  .build())
          .build();

  private final FaultyOpenTelemetry faulty = new FaultyOpenTelemetry(otel.getOpenTelemetry());

  private TracingChatModelListener faultyListener() {
    return TracingChatModelListener.create(LlmTelemetry.create(faulty.openTelemetry()));
  }

  private static ChatModelRequestContext requestContext(Map<Object, Object> attributes) {
    return new ChatModelRequestContext(REQUEST, ModelProvider.OLLAMA, attributes);
  }

  private static ChatModelResponseContext responseContext(Map<Object, Object> attributes) {
    return new ChatModelResponseContext(RESPONSE, REQUEST, ModelProvider.OLLAMA, attributes);
  }

  private static ChatModelErrorContext errorContext(Map<Object, Object> attributes) {
    return new ChatModelErrorContext(
        new IllegalStateException("model crashed"), REQUEST, ModelProvider.OLLAMA, attributes);
  }

  /** The warnings the listener logged about its own failures (logger of Operation). */
  private static List<String> instrumentationFailures(CapturedOutput output) {
    return output.logLines(line -> line.logger().equals(Operation.class.getName())).stream()
        .map(CapturedOutput.LogLine::text)
        .collect(Collectors.toList());
  }

  @Test
  void on_request_never_throws_when_the_tracer_fails_and_the_call_stays_untraced() {
    TracingChatModelListener listener = faultyListener();
    Map<Object, Object> firstCall = new ConcurrentHashMap<>();
    Map<Object, Object> secondCall = new ConcurrentHashMap<>();

    try (CapturedOutput output = CapturedOutput.start()) {
      faulty.fail("Tracer.spanBuilder", () -> new IllegalStateException("broken tracer"));
      assertThatCode(() -> listener.onRequest(requestContext(firstCall)))
          .doesNotThrowAnyException();
      // An OpenTelemetry API of another version on the classpath: an Error LangChain4j would not
      // catch (it catches Exception), so only the listener's guard keeps it from the application.
      faulty.fail(
          "Tracer.spanBuilder",
          () -> new NoClassDefFoundError("io/opentelemetry/api/trace/SpanBuilder"));
      assertThatCode(() -> listener.onRequest(requestContext(secondCall)))
          .doesNotThrowAnyException();
      faulty.heal();
      assertThatCode(() -> listener.onResponse(responseContext(firstCall)))
          .doesNotThrowAnyException();
      assertThatCode(() -> listener.onError(errorContext(secondCall))).doesNotThrowAnyException();

      // The first failure is logged, by class and place only; the second is not.
      assertThat(instrumentationFailures(output))
          .singleElement(as(InstanceOfAssertFactories.STRING))
          .contains("llmetry4j: instrumentation failed with java.lang.IllegalStateException at ")
          .doesNotContain("broken tracer");
    }
    assertThat(firstCall).isEmpty();
    assertThat(secondCall).isEmpty();
    assertThat(otel.getSpans()).isEmpty();
  }

  @Test
  void on_response_never_throws_when_recording_the_response_fails_and_the_span_still_ends() {
    TracingChatModelListener listener = faultyListener();
    Map<Object, Object> attributes = new ConcurrentHashMap<>();
    listener.onRequest(requestContext(attributes));
    faulty.fail("Span.setAttribute", () -> new IllegalStateException("broken span"));

    try (CapturedOutput output = CapturedOutput.start()) {
      assertThatCode(() -> listener.onResponse(responseContext(attributes)))
          .doesNotThrowAnyException();
      assertThat(instrumentationFailures(output))
          .singleElement(as(InstanceOfAssertFactories.STRING))
          .contains("instrumentation failed with java.lang.IllegalStateException");
    }

    SpanData span = otel.getSpans().get(0);
    assertThat(otel.getSpans()).hasSize(1);
    assertThat(span.getName()).isEqualTo("chat llama3");
    assertThat(span.getKind()).isEqualTo(SpanKind.CLIENT);
    assertThat(span.hasEnded()).isTrue();
    assertThat(span.getAttributes().get(SemconvAttributes.GEN_AI_REQUEST_MODEL))
        .isEqualTo("llama3");
    assertThat(span.getAttributes().get(SemconvAttributes.GEN_AI_RESPONSE_ID)).isNull();
    // Ending the span and recording the metrics ran after the failure.
    assertThat(otel.getMetrics())
        .extracting(m -> m.getName())
        .contains("gen_ai.client.operation.duration", "gen_ai.client.token.usage");
  }

  @Test
  void on_response_never_throws_when_recording_the_metrics_fails_and_the_span_still_ends() {
    TracingChatModelListener listener = faultyListener();
    Map<Object, Object> attributes = new ConcurrentHashMap<>();
    listener.onRequest(requestContext(attributes));
    faulty.fail("DoubleHistogram.record", () -> new IllegalStateException("broken meter"));

    try (CapturedOutput output = CapturedOutput.start()) {
      assertThatCode(() -> listener.onResponse(responseContext(attributes)))
          .doesNotThrowAnyException();
      assertThat(instrumentationFailures(output))
          .singleElement(as(InstanceOfAssertFactories.STRING))
          .contains("instrumentation failed with java.lang.IllegalStateException");
    }

    SpanData span = otel.getSpans().get(0);
    assertThat(otel.getSpans()).hasSize(1);
    assertThat(span.hasEnded()).isTrue();
    assertThat(span.getAttributes().get(SemconvAttributes.GEN_AI_RESPONSE_ID)).isEqualTo("resp-1");
    assertThat(span.getAttributes().get(SemconvAttributes.GEN_AI_USAGE_OUTPUT_TOKENS))
        .isEqualTo(66L);
    assertThat(otel.getMetrics())
        .extracting(m -> m.getName())
        .doesNotContain("gen_ai.client.operation.duration");
  }

  @Test
  void on_error_never_throws_when_recording_the_error_fails_and_the_span_still_ends() {
    TracingChatModelListener listener = faultyListener();
    Map<Object, Object> attributes = new ConcurrentHashMap<>();
    listener.onRequest(requestContext(attributes));
    faulty.fail("Span.setStatus", () -> new IllegalStateException("broken span"));

    try (CapturedOutput output = CapturedOutput.start()) {
      assertThatCode(() -> listener.onError(errorContext(attributes))).doesNotThrowAnyException();
      assertThat(instrumentationFailures(output))
          .singleElement(as(InstanceOfAssertFactories.STRING))
          .contains("instrumentation failed with java.lang.IllegalStateException");
    }

    SpanData span = otel.getSpans().get(0);
    assertThat(otel.getSpans()).hasSize(1);
    assertThat(span.getName()).isEqualTo("chat llama3");
    assertThat(span.hasEnded()).isTrue();
    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
  }

  @Test
  void on_response_and_on_error_never_throw_and_the_span_ends_when_the_attributes_map_fails() {
    TracingChatModelListener listener =
        TracingChatModelListener.create(LlmTelemetry.create(otel.getOpenTelemetry()));
    // A provider module's own attributes map, broken: it stores, but cannot remove.
    Map<Object, Object> attributes =
        new ConcurrentHashMap<>() {
          @Override
          public Object remove(Object key) {
            throw new UnsupportedOperationException("remove");
          }
        };
    listener.onRequest(requestContext(attributes));
    assertThat(attributes).hasSize(1);

    try (CapturedOutput output = CapturedOutput.start()) {
      assertThatCode(() -> listener.onResponse(responseContext(attributes)))
          .doesNotThrowAnyException();
      assertThatCode(() -> listener.onError(errorContext(attributes))).doesNotThrowAnyException();
      assertThat(instrumentationFailures(output))
          .singleElement(as(InstanceOfAssertFactories.STRING))
          .contains("instrumentation failed with java.lang.UnsupportedOperationException");
    }
    // The state is read instead of taken: the span ends once, with the first outcome.
    assertThat(otel.getSpans())
        .singleElement()
        .satisfies(
            span -> {
              assertThat(span.hasEnded()).isTrue();
              assertThat(span.getStatus().getStatusCode())
                  .isEqualTo(io.opentelemetry.api.trace.StatusCode.UNSET);
            });
  }

  @Test
  void a_linkage_error_in_the_listener_reaches_neither_the_application_nor_the_next_listener() {
    // LangChain4j catches only Exception around a listener: an Error would reach the application
    // and skip the next listener, unless the listener's own guard catches it.
    faulty.fail(
        "Tracer.spanBuilder",
        () -> new NoClassDefFoundError("io/opentelemetry/api/trace/SpanBuilder"));
    AtomicInteger seenByNext = new AtomicInteger();
    ChatModelListener next =
        new ChatModelListener() {
          @Override
          public void onRequest(ChatModelRequestContext context) {
            seenByNext.incrementAndGet();
          }

          @Override
          public void onResponse(ChatModelResponseContext context) {
            seenByNext.incrementAndGet();
          }
        };

    ChatResponse response = model(faultyListener(), next).chat(REQUEST);

    assertThat(response.aiMessage().text()).startsWith("A joke");
    assertThat(seenByNext.get()).isEqualTo(2);
    assertThat(otel.getSpans()).isEmpty();
  }
}
