package io.llmetry4j.chat;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.ollama.OllamaChatModel;
import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.core.testing.OllamaCassettes;
import io.llmetry4j.core.testing.ReplayHttpServer;
import io.llmetry4j.core.testing.SemconvSpans;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.testing.junit5.OpenTelemetryExtension;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * OpenLLMetry compatibility held against the key sets OpenLLMetry's own tests assert (the public
 * repository traceloop/openllmetry, early-2025 releases v0.38–0.40: {@code
 * packages/opentelemetry-instrumentation-ollama/tests/test_chat.py} and {@code
 * packages/opentelemetry-instrumentation-openai/tests/traces/test_chat.py}, {@code
 * test_functions.py}), with the real Ollama and OpenAI clients replaying, for Ollama, the very
 * cassettes of those tests. The semconv attributes stay as they are beside them.
 */
class OpenLlmetryCompatTest {

  @RegisterExtension static final OpenTelemetryExtension otel = OpenTelemetryExtension.create();

  private final ReplayHttpServer ollama = OllamaCassettes.serveChat(ReplayHttpServer.start());
  private final ReplayHttpServer openAi = OpenAiReplay.toolCallsServer();

  @AfterEach
  void stop() {
    ollama.close();
    openAi.close();
  }

  private static LlmTelemetry compat() {
    return LlmTelemetry.builder(otel.getOpenTelemetry())
        .captureContent(true)
        .openLlmetryCompat(true)
        .build();
  }

  private static AttributeKey<String> s(String key) {
    return AttributeKey.stringKey(key);
  }

  private static AttributeKey<Long> l(String key) {
    return AttributeKey.longKey(key);
  }

  @Test
  void ollama_chat_carries_the_keys_of_test_ollama_chat() {
    OllamaChatModel.builder()
        .baseUrl(ollama.baseUrl())
        .modelName("llama3")
        .timeout(Duration.ofSeconds(5))
        .listeners(List.of(TracingChatModelListener.create(compat())))
        .build()
        .chat(OllamaChatListenerTest.chatRequest());

    SpanData span = otel.getSpans().get(0);
    // test_ollama_chat: system, request type, streaming flag, model, prompt, completion, tokens.
    assertThat(span)
        .hasAttribute(s("gen_ai.system"), "Ollama")
        .hasAttribute(s("llm.request.type"), "chat")
        .hasAttribute(AttributeKey.booleanKey("llm.is_streaming"), false)
        .hasAttribute(s("gen_ai.request.model"), "llama3")
        .hasAttribute(s("gen_ai.prompt.0.role"), "user")
        .hasAttribute(s("gen_ai.prompt.0.content"), "Tell me a joke about OpenTelemetry")
        .hasAttribute(s("gen_ai.completion.0.role"), "assistant")
        .hasAttribute(l("gen_ai.usage.prompt_tokens"), 17L)
        .hasAttribute(l("gen_ai.usage.input_tokens"), 17L);
    assertThat(span.getAttributes().get(s("gen_ai.completion.0.content")))
        .startsWith("A joke about OpenTelemetry!");
    long completion = span.getAttributes().get(l("gen_ai.usage.completion_tokens"));
    assertThat(span.getAttributes().get(l("llm.usage.total_tokens"))).isEqualTo(17L + completion);
    assertThat(span.getAttributes().get(l("gen_ai.usage.output_tokens"))).isEqualTo(completion);
    SemconvSpans.assertConforms(span, "span.gen_ai.inference.client", true);
  }

  @Test
  void ollama_tool_calls_carry_the_keys_of_test_ollama_chat_tool_calls() {
    ollama.enqueue("/api/chat", OllamaCassettes.response(OllamaCassettes.TOOL_CALLS));
    ToolExecutionRequest call =
        ToolExecutionRequest.builder()
            .id("call-1")
            .name("get_current_weather")
            .arguments("{\"location\": \"San Francisco\"}")
            .build();

    OllamaChatModel.builder()
        .baseUrl(ollama.baseUrl())
        .modelName("llama3.1")
        .timeout(Duration.ofSeconds(5))
        .listeners(List.of(TracingChatModelListener.create(compat())))
        .build()
        .chat(
            ChatRequest.builder()
                .messages(
                    UserMessage.from("What is the weather in San Francisco?"),
                    AiMessage.from(call),
                    ToolExecutionResultMessage.from(
                        call, "The weather in San Francisco is 70 degrees and sunny."))
                .toolSpecifications(weatherTool())
                .build());

    SpanData span = otel.getSpans().get(0);
    // OpenLLMetry's test sends no user message first, so its indexes are one lower.
    assertThat(span)
        .hasAttribute(s("gen_ai.system"), "Ollama")
        .hasAttribute(s("gen_ai.request.model"), "llama3.1")
        .hasAttribute(s("gen_ai.prompt.1.role"), "assistant")
        .hasAttribute(s("gen_ai.prompt.1.tool_calls.0.name"), "get_current_weather")
        .hasAttribute(s("gen_ai.prompt.1.tool_calls.0.id"), "call-1")
        .hasAttribute(
            s("gen_ai.prompt.1.tool_calls.0.arguments"), "{\"location\": \"San Francisco\"}")
        .hasAttribute(s("gen_ai.prompt.2.role"), "tool")
        .hasAttribute(s("gen_ai.prompt.2.tool_call_id"), "call-1")
        .hasAttribute(
            s("gen_ai.prompt.2.content"), "The weather in San Francisco is 70 degrees and sunny.")
        .hasAttribute(s("llm.request.functions.0.name"), "get_current_weather")
        .hasAttribute(s("llm.request.functions.0.description"), "Current weather of a city")
        .hasAttribute(
            s("llm.request.functions.0.parameters"),
            "{\"type\":\"object\",\"properties\":{\"location\":{\"type\":\"string\"}},"
                + "\"required\":[\"location\"]}");
    assertThat(span.getAttributes().get(s("llm.request.functions.0.content"))).isNull();
  }

  @Test
  void openai_chat_carries_the_keys_of_test_chat_and_test_functions() {
    OpenAiReplay.model(
            openAi,
            TracingChatModelListener.builder(compat())
                .server(URI.create(openAi.baseUrl() + "/v1"))
                .build())
        .chat(
            ChatRequest.builder()
                .messages(UserMessage.from("What is the weather in San Francisco?"))
                .toolSpecifications(weatherTool())
                .build());

    SpanData span = otel.getSpans().get(0);
    assertThat(span)
        .hasAttribute(s("gen_ai.system"), "openai")
        .hasAttribute(s("llm.request.type"), "chat")
        .hasAttribute(AttributeKey.booleanKey("llm.is_streaming"), false)
        .hasAttribute(s("gen_ai.openai.api_base"), openAi.baseUrl() + "/v1/")
        .hasAttribute(s("gen_ai.openai.system_fingerprint"), "fp_0ba0d124f1")
        .hasAttribute(s("gen_ai.response.id"), "chatcmpl-9fT3xGk2LwQpZ0aB1cDeFgHiJ")
        .hasAttribute(s("gen_ai.prompt.0.content"), "What is the weather in San Francisco?")
        .hasAttribute(s("llm.request.functions.0.name"), "get_current_weather")
        .hasAttribute(s("llm.request.functions.0.description"), "Current weather of a city")
        .hasAttribute(s("gen_ai.completion.0.finish_reason"), "tool_calls")
        .hasAttribute(s("gen_ai.completion.0.tool_calls.0.id"), "call_weather_sf")
        .hasAttribute(s("gen_ai.completion.0.tool_calls.0.name"), "get_current_weather")
        .hasAttribute(
            s("gen_ai.completion.0.tool_calls.0.arguments"),
            "{\"location\":\"San Francisco\",\"unit\":\"fahrenheit\"}")
        .hasAttribute(l("gen_ai.usage.prompt_tokens"), 82L)
        .hasAttribute(l("gen_ai.usage.completion_tokens"), 17L)
        .hasAttribute(l("llm.usage.total_tokens"), 99L);
    SemconvSpans.assertConforms(span, "span.openai.inference.client", true);
  }

  @Test
  void without_compat_none_of_openllmetrys_keys_appear() {
    OllamaChatModel.builder()
        .baseUrl(ollama.baseUrl())
        .modelName("llama3")
        .timeout(Duration.ofSeconds(5))
        .listeners(
            List.of(
                TracingChatModelListener.create(
                    LlmTelemetry.builder(otel.getOpenTelemetry()).captureContent(true).build())))
        .build()
        .chat(OllamaChatListenerTest.chatRequest());

    SpanData span = otel.getSpans().get(0);
    assertThat(span.getAttributes().asMap().keySet())
        .extracting(AttributeKey::getKey)
        .noneMatch(
            key ->
                key.startsWith("llm.")
                    || key.startsWith("traceloop.")
                    || key.startsWith("gen_ai.prompt.")
                    || key.startsWith("gen_ai.completion.")
                    || key.equals("gen_ai.system"));
    SemconvSpans.assertConforms(span, "span.gen_ai.inference.client");
  }

  private static ToolSpecification weatherTool() {
    return ToolSpecification.builder()
        .name("get_current_weather")
        .description("Current weather of a city")
        .parameters(
            JsonObjectSchema.builder().addStringProperty("location").required("location").build())
        .build();
  }
}
