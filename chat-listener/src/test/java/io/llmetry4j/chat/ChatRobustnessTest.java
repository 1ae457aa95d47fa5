package io.llmetry4j.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.listener.ChatModelRequestContext;
import dev.langchain4j.model.chat.listener.ChatModelResponseContext;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.ollama.OllamaChatModel;
import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.core.internal.SemconvAttributes;
import io.llmetry4j.core.testing.OllamaCassettes;
import io.llmetry4j.core.testing.ReplayHttpServer;
import io.llmetry4j.core.testing.ReplayHttpServer.Response;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.testing.junit5.OpenTelemetryExtension;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
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

  @Test
  void a_failing_telemetry_backend_reaches_neither_the_application_nor_other_listeners() {
    // Test double, deliberately broken: every tracer and meter call throws.
    OpenTelemetry broken =
        new OpenTelemetry() {
          @Override
          public TracerProvider getTracerProvider() {
            return TracerProvider.noop();
          }

          @Override
          public MeterProvider getMeterProvider() {
            return MeterProvider.noop();
          }

          @Override
          public ContextPropagators getPropagators() {
            return ContextPropagators.noop();
          }

          @Override
          public io.opentelemetry.api.trace.Tracer getTracer(String name) {
            throw new IllegalStateException("broken tracer");
          }

          @Override
          public io.opentelemetry.api.trace.TracerBuilder tracerBuilder(String name) {
            return new io.opentelemetry.api.trace.TracerBuilder() {
              @Override
              public io.opentelemetry.api.trace.TracerBuilder setSchemaUrl(String url) {
                return this;
              }

              @Override
              public io.opentelemetry.api.trace.TracerBuilder setInstrumentationVersion(String v) {
                return this;
              }

              @Override
              public io.opentelemetry.api.trace.Tracer build() {
                return spanName -> {
                  throw new IllegalStateException("broken span builder");
                };
              }
            };
          }
        };
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

    ChatResponse response =
        model(TracingChatModelListener.create(LlmTelemetry.create(broken)), next)
            .chat(
                ChatRequest.builder()
                    .messages(UserMessage.from("Tell me a joke about OpenTelemetry"))
                    .build());

    assertThat(response.aiMessage().text()).startsWith("A joke");
    assertThat(seenByNext.get()).isEqualTo(2);
  }
}
