package io.llmetry4j.chat;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.equalTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.ollama.OllamaChatModel;
import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.core.internal.SemconvAttributes;
import io.llmetry4j.core.testing.OllamaCassettes;
import io.llmetry4j.core.testing.ReplayHttpServer;
import io.llmetry4j.core.testing.ReplayHttpServer.Response;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.junit5.OpenTelemetryExtension;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The real OllamaChatModel against recorded Ollama responses replayed on 127.0.0.1. */
class OllamaChatListenerTest {

  @RegisterExtension static final OpenTelemetryExtension otel = OpenTelemetryExtension.create();

  private final ReplayHttpServer ollama = OllamaCassettes.serveChat(ReplayHttpServer.start());

  @AfterEach
  void stopServer() {
    ollama.close();
  }

  private ChatModel model(String modelName, ChatModelListener... listeners) {
    return OllamaChatModel.builder()
        .baseUrl(ollama.baseUrl())
        .modelName(modelName)
        .timeout(Duration.ofSeconds(2))
        .maxRetries(0)
        .listeners(List.of(listeners))
        .build();
  }

  private TracingChatModelListener listener(boolean captureContent) {
    return TracingChatModelListener.builder(
            LlmTelemetry.builder(otel.getOpenTelemetry()).captureContent(captureContent).build())
        .server("127.0.0.1", ollama.port())
        .build();
  }

  @Test
  void chat_span_carries_the_recorded_model_usage_and_finish_reason() {
    ChatResponse response = model("llama3", listener(false)).chat(chatRequest());

    assertThat(response.aiMessage().text()).startsWith("A joke about OpenTelemetry!");
    otel.assertTraces()
        .hasTracesSatisfyingExactly(
            trace ->
                trace.hasSpansSatisfyingExactly(
                    span ->
                        span.hasName("chat llama3")
                            .hasKind(SpanKind.CLIENT)
                            .hasNoParent()
                            .hasStatus(io.opentelemetry.sdk.trace.data.StatusData.unset())
                            .hasAttributesSatisfyingExactly(
                                equalTo(SemconvAttributes.GEN_AI_OPERATION_NAME, "chat"),
                                equalTo(SemconvAttributes.GEN_AI_PROVIDER_NAME, "ollama"),
                                equalTo(SemconvAttributes.GEN_AI_REQUEST_MODEL, "llama3"),
                                equalTo(SemconvAttributes.SERVER_ADDRESS, "127.0.0.1"),
                                equalTo(SemconvAttributes.SERVER_PORT, (long) ollama.port()),
                                equalTo(SemconvAttributes.GEN_AI_RESPONSE_MODEL, "llama3"),
                                equalTo(
                                    SemconvAttributes.GEN_AI_RESPONSE_FINISH_REASONS,
                                    List.of("stop")),
                                equalTo(SemconvAttributes.GEN_AI_USAGE_INPUT_TOKENS, 17L),
                                equalTo(SemconvAttributes.GEN_AI_USAGE_OUTPUT_TOKENS, 66L))));
  }

  @Test
  void request_parameters_are_recorded_when_present() {
    model("llama3", listener(false))
        .chat(
            ChatRequest.builder()
                .messages(UserMessage.from("Tell me a joke about OpenTelemetry"))
                .parameters(
                    dev.langchain4j.model.ollama.OllamaChatRequestParameters.builder()
                        .temperature(0.2)
                        .topP(0.9)
                        .topK(40)
                        .maxOutputTokens(128)
                        .stopSequences(List.of("END"))
                        .seed(7)
                        .responseFormat(dev.langchain4j.model.chat.request.ResponseFormat.JSON)
                        .build())
                .build());

    SpanData span = onlySpan();
    assertThat(span.getAttributes().get(SemconvAttributes.GEN_AI_REQUEST_TEMPERATURE))
        .isEqualTo(0.2);
    assertThat(span.getAttributes().get(SemconvAttributes.GEN_AI_REQUEST_TOP_P)).isEqualTo(0.9);
    assertThat(span.getAttributes().get(SemconvAttributes.GEN_AI_REQUEST_TOP_K)).isEqualTo(40.0);
    assertThat(span.getAttributes().get(SemconvAttributes.GEN_AI_REQUEST_MAX_TOKENS))
        .isEqualTo(128L);
    assertThat(span.getAttributes().get(SemconvAttributes.GEN_AI_REQUEST_STOP_SEQUENCES))
        .containsExactly("END");
    assertThat(span.getAttributes().get(SemconvAttributes.GEN_AI_REQUEST_SEED)).isEqualTo(7L);
    assertThat(span.getAttributes().get(SemconvAttributes.GEN_AI_OUTPUT_TYPE)).isEqualTo("json");
  }

  @Test
  void a_base_url_without_a_port_gives_the_schemes_default_port() {
    TracingChatModelListener listener =
        TracingChatModelListener.builder(LlmTelemetry.create(otel.getOpenTelemetry()))
            .providerName("deepseek")
            .server(java.net.URI.create("https://api.deepseek.com/v1"))
            .build();

    model("llama3", listener).chat(chatRequest());

    SpanData span = onlySpan();
    assertThat(span.getAttributes().get(SemconvAttributes.SERVER_ADDRESS))
        .isEqualTo("api.deepseek.com");
    assertThat(span.getAttributes().get(SemconvAttributes.SERVER_PORT)).isEqualTo(443L);
  }

  @Test
  void an_explicit_text_format_is_recorded_as_the_text_output_type() {
    model("llama3", listener(false))
        .chat(
            ChatRequest.builder()
                .messages(UserMessage.from("Tell me a joke about OpenTelemetry"))
                .responseFormat(dev.langchain4j.model.chat.request.ResponseFormat.TEXT)
                .build());

    assertThat(onlySpan().getAttributes().get(SemconvAttributes.GEN_AI_OUTPUT_TYPE))
        .isEqualTo("text");
  }

  @Test
  void content_is_recorded_only_when_capture_is_on() {
    model("llama3", listener(true)).chat(chatRequest());

    SpanData span = onlySpan();
    assertThat(span.getAttributes().get(SemconvAttributes.GEN_AI_INPUT_MESSAGES))
        .isEqualTo(
            "[{\"role\":\"user\",\"parts\":[{\"type\":\"text\","
                + "\"content\":\"Tell me a joke about OpenTelemetry\"}]}]");
    assertThat(span.getAttributes().get(SemconvAttributes.GEN_AI_OUTPUT_MESSAGES))
        .startsWith(
            "[{\"role\":\"assistant\",\"parts\":[{\"type\":\"text\","
                + "\"content\":\"A joke about OpenTelemetry!\\n\\nWhy did")
        .endsWith("}],\"finish_reason\":\"stop\"}]");
    ContentSchemas.assertValid(span);
  }

  @Test
  void tool_call_conversation_is_serialised_with_tool_call_and_response_parts() {
    ollama.enqueue("/api/chat", OllamaCassettes.response(OllamaCassettes.TOOL_CALLS));
    ToolExecutionRequest call =
        ToolExecutionRequest.builder()
            .id("call-1")
            .name("get_current_weather")
            .arguments("{\"location\":\"San Francisco\"}")
            .build();

    ChatResponse response =
        model("llama3.1", listener(true))
            .chat(
                ChatRequest.builder()
                    .messages(
                        UserMessage.from("What is the weather in San Francisco?"),
                        AiMessage.from(call),
                        ToolExecutionResultMessage.from(
                            call, "The weather in San Francisco is 70 degrees and sunny."))
                    .build());

    assertThat(response.metadata().tokenUsage().inputTokenCount()).isEqualTo(44);
    SpanData span = onlySpan();
    assertThat(span.getName()).isEqualTo("chat llama3.1");
    assertThat(span.getAttributes().get(SemconvAttributes.GEN_AI_USAGE_INPUT_TOKENS))
        .isEqualTo(44L);
    assertThat(span.getAttributes().get(SemconvAttributes.GEN_AI_USAGE_OUTPUT_TOKENS))
        .isEqualTo(113L);
    assertThat(span.getAttributes().get(SemconvAttributes.GEN_AI_INPUT_MESSAGES))
        .isEqualTo(
            "[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":"
                + "\"What is the weather in San Francisco?\"}]},"
                + "{\"role\":\"assistant\",\"parts\":[{\"type\":\"tool_call\",\"id\":\"call-1\","
                + "\"name\":\"get_current_weather\","
                + "\"arguments\":{\"location\":\"San Francisco\"}}]},"
                + "{\"role\":\"tool\",\"parts\":[{\"type\":\"tool_call_response\",\"id\":\"call-1\","
                + "\"response\":\"The weather in San Francisco is 70 degrees and sunny.\"}]}]");
    ContentSchemas.assertValid(span);
  }

  @Test
  void server_error_500_marks_the_span_and_the_application_gets_the_same_exception() {
    Throwable untraced =
        errorWith(Response.json(500, "{\"error\":\"llama runner crashed\"}"), false);
    otel.clearSpans();
    Throwable traced = errorWith(Response.json(500, "{\"error\":\"llama runner crashed\"}"), true);

    assertSameFailure(traced, untraced);
    SpanData span = onlySpan();
    assertThat(span)
        .hasName("chat llama3")
        .hasStatus(
            io.opentelemetry.sdk.trace.data.StatusData.create(
                StatusCode.ERROR, traced.getMessage()))
        .hasAttribute(SemconvAttributes.ERROR_TYPE, "500");
    assertThat(span.getEvents()).filteredOn(e -> e.getName().equals("exception")).hasSize(1);
  }

  @Test
  void unknown_model_404_is_reported_as_error_type_404() {
    Throwable thrown =
        errorWith(Response.json(404, "{\"error\":\"model \\\"nope\\\" not found\"}"), true);

    assertThat(thrown).isNotNull();
    assertThat(onlySpan())
        .hasAttribute(SemconvAttributes.ERROR_TYPE, "404")
        .hasStatus(
            io.opentelemetry.sdk.trace.data.StatusData.create(
                StatusCode.ERROR, thrown.getMessage()));
  }

  @Test
  void stalled_connection_times_out_and_the_span_ends_with_the_exception_class() {
    ChatModel model =
        OllamaChatModel.builder()
            .baseUrl(ollama.baseUrl())
            .modelName("llama3")
            .timeout(Duration.ofMillis(300))
            .maxRetries(0)
            .listeners(List.of(listener(false)))
            .build();
    ollama.enqueue("/api/chat", Response.stalled());

    Throwable thrown = catchThrowable(() -> model.chat(chatRequest()));

    assertThat(thrown).isNotNull();
    assertThat(onlySpan())
        .hasAttribute(SemconvAttributes.ERROR_TYPE, thrown.getClass().getName())
        .hasStatus(
            io.opentelemetry.sdk.trace.data.StatusData.create(
                StatusCode.ERROR, thrown.getMessage()));
  }

  @Test
  void provider_name_can_be_overridden() {
    model(
            "llama3",
            TracingChatModelListener.builder(LlmTelemetry.create(otel.getOpenTelemetry()))
                .providerName("deepseek")
                .build())
        .chat(chatRequest());

    assertThat(onlySpan()).hasAttribute(SemconvAttributes.GEN_AI_PROVIDER_NAME, "deepseek");
  }

  private Throwable errorWith(Response error, boolean traced) {
    ollama.enqueue("/api/chat", error);
    ChatModel model = traced ? model("llama3", listener(false)) : model("llama3");
    Throwable thrown = catchThrowable(() -> model.chat(chatRequest()));
    SuiteRecord.exception(thrown);
    return thrown;
  }

  static void assertSameFailure(Throwable traced, Throwable untraced) {
    assertThat(traced).isNotNull();
    assertThat(traced.getClass()).isEqualTo(untraced.getClass());
    assertThat(traced.getMessage()).isEqualTo(untraced.getMessage());
  }

  static ChatRequest chatRequest() {
    return ChatRequest.builder()
        .messages(UserMessage.from("Tell me a joke about OpenTelemetry"))
        .build();
  }

  private static SpanData onlySpan() {
    List<SpanData> spans = otel.getSpans();
    assertThat(spans).hasSize(1);
    return spans.get(0);
  }
}
