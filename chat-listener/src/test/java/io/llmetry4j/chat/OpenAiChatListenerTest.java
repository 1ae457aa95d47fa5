package io.llmetry4j.chat;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.equalTo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.core.internal.SemconvAttributes;
import io.llmetry4j.core.testing.ReplayHttpServer;
import io.llmetry4j.core.testing.SemconvSpans;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.junit5.OpenTelemetryExtension;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The real OpenAiChatModel against an OpenAI-format server on 127.0.0.1 (tool calls, cache). */
class OpenAiChatListenerTest {

  @RegisterExtension static final OpenTelemetryExtension otel = OpenTelemetryExtension.create();

  private final ReplayHttpServer server = OpenAiReplay.toolCallsServer();

  @AfterEach
  void stop() {
    server.close();
  }

  private ChatModel model(TracingChatModelListener listener) {
    return OpenAiReplay.model(server, listener);
  }

  private static ChatRequest weatherRequest() {
    return ChatRequest.builder()
        .messages(
            SystemMessage.from("You are a weather assistant."),
            UserMessage.from("What is the weather in San Francisco?"))
        .toolSpecifications(
            ToolSpecification.builder()
                .name("get_current_weather")
                .description("Current weather of a city")
                .parameters(
                    JsonObjectSchema.builder()
                        .addStringProperty("location")
                        .required("location")
                        .build())
                .build())
        .build();
  }

  @Test
  void tool_call_answer_gives_finish_reason_tool_call_and_cache_and_reasoning_tokens() {
    ChatResponse response =
        model(TracingChatModelListener.create(LlmTelemetry.create(otel.getOpenTelemetry())))
            .chat(weatherRequest());

    assertThat(response.aiMessage().toolExecutionRequests()).hasSize(1);
    otel.assertTraces()
        .hasTracesSatisfyingExactly(
            trace ->
                trace.hasSpansSatisfyingExactly(
                    span ->
                        span.hasName("chat gpt-4o-mini")
                            .hasKind(SpanKind.CLIENT)
                            .hasAttributesSatisfyingExactly(
                                equalTo(SemconvAttributes.GEN_AI_OPERATION_NAME, "chat"),
                                equalTo(SemconvAttributes.GEN_AI_PROVIDER_NAME, "openai"),
                                equalTo(SemconvAttributes.GEN_AI_REQUEST_MODEL, "gpt-4o-mini"),
                                equalTo(
                                    SemconvAttributes.GEN_AI_RESPONSE_ID,
                                    "chatcmpl-9fT3xGk2LwQpZ0aB1cDeFgHiJ"),
                                equalTo(
                                    SemconvAttributes.GEN_AI_RESPONSE_MODEL,
                                    "gpt-4o-mini-2024-07-18"),
                                equalTo(
                                    SemconvAttributes.GEN_AI_RESPONSE_FINISH_REASONS,
                                    List.of("tool_call")),
                                equalTo(SemconvAttributes.GEN_AI_USAGE_INPUT_TOKENS, 82L),
                                equalTo(SemconvAttributes.GEN_AI_USAGE_OUTPUT_TOKENS, 17L),
                                equalTo(
                                    SemconvAttributes.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS, 64L),
                                equalTo(SemconvAttributes.GEN_AI_USAGE_REASONING_OUTPUT_TOKENS, 5L),
                                equalTo(ChatExtractor.OPENAI_RESPONSE_SERVICE_TIER, "default"),
                                equalTo(
                                    ChatExtractor.OPENAI_RESPONSE_SYSTEM_FINGERPRINT,
                                    "fp_0ba0d124f1"))));
    SemconvSpans.assertConforms(otel.getSpans().get(0), "span.openai.inference.client");
  }

  @Test
  void tool_calls_appear_in_output_messages_and_tools_in_definitions() {
    model(
            TracingChatModelListener.create(
                LlmTelemetry.builder(otel.getOpenTelemetry()).captureContent(true).build()))
        .chat(weatherRequest());

    SpanData span = otel.getSpans().get(0);
    assertThat(span.getAttributes().get(SemconvAttributes.GEN_AI_OUTPUT_MESSAGES))
        .isEqualTo(
            "[{\"role\":\"assistant\",\"parts\":[{\"type\":\"tool_call\",\"id\":\"call_weather_sf\","
                + "\"name\":\"get_current_weather\",\"arguments\":"
                + "{\"location\":\"San Francisco\",\"unit\":\"fahrenheit\"}}],"
                + "\"finish_reason\":\"tool_call\"}]");
    // OpenAI takes the system message as part of the chat history: semconv wants it in the input
    // messages, not in gen_ai.system_instructions.
    assertThat(span.getAttributes().get(SemconvAttributes.GEN_AI_SYSTEM_INSTRUCTIONS)).isNull();
    assertThat(span.getAttributes().get(SemconvAttributes.GEN_AI_INPUT_MESSAGES))
        .isEqualTo(
            "[{\"role\":\"system\",\"parts\":[{\"type\":\"text\","
                + "\"content\":\"You are a weather assistant.\"}]},"
                + "{\"role\":\"user\",\"parts\":[{\"type\":\"text\","
                + "\"content\":\"What is the weather in San Francisco?\"}]}]");
    assertThat(span.getAttributes().get(SemconvAttributes.GEN_AI_TOOL_DEFINITIONS))
        .isEqualTo(
            "[{\"type\":\"function\",\"name\":\"get_current_weather\","
                + "\"description\":\"Current weather of a city\"}]");
    assertThat(ContentSchemas.assertValid(span)).isEqualTo(3);
    SemconvSpans.assertConforms(span, "span.openai.inference.client");
  }

  @Test
  void images_are_uri_parts_blob_parts_or_an_omitted_blob_part_when_too_large() {
    String base64 =
        java.util.Base64.getEncoder()
            .encodeToString(new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
    // Over the per-value limit (16 KiB): cut base64 would be no image, so it is left out.
    String large = java.util.Base64.getEncoder().encodeToString(new byte[20_000]);
    model(
            TracingChatModelListener.create(
                LlmTelemetry.builder(otel.getOpenTelemetry()).captureContent(true).build()))
        .chat(
            ChatRequest.builder()
                .messages(
                    UserMessage.from(
                        dev.langchain4j.data.message.TextContent.from("What is in these images?"),
                        dev.langchain4j.data.message.ImageContent.from(
                            "https://example.com/cat.png"),
                        dev.langchain4j.data.message.ImageContent.from(base64, "image/png"),
                        dev.langchain4j.data.message.ImageContent.from(large, "image/jpeg")))
                .build());

    String input =
        otel.getSpans().get(0).getAttributes().get(SemconvAttributes.GEN_AI_INPUT_MESSAGES);
    assertThat(input)
        .isEqualTo(
            "[{\"role\":\"user\",\"parts\":["
                + "{\"type\":\"text\",\"content\":\"What is in these images?\"},"
                + "{\"type\":\"uri\",\"modality\":\"image\",\"uri\":\"https://example.com/cat.png\"},"
                + "{\"type\":\"blob\",\"modality\":\"image\",\"mime_type\":\"image/png\","
                + "\"content\":\""
                + base64
                + "\"},"
                + "{\"type\":\"llmetry4j.omitted_blob\",\"modality\":\"image\","
                + "\"mime_type\":\"image/jpeg\",\"size\":"
                + large.length()
                + "}]}]")
        .doesNotContain(large.substring(0, 100));
    ContentSchemas.assertValid(otel.getSpans().get(0));
  }

  @Test
  void a_requested_service_tier_is_recorded_unless_it_is_auto() {
    ChatModel model =
        model(TracingChatModelListener.create(LlmTelemetry.create(otel.getOpenTelemetry())));
    for (String tier : List.of("flex", "auto")) {
      model.chat(
          ChatRequest.builder()
              .messages(UserMessage.from("Hi"))
              .parameters(
                  dev.langchain4j.model.openai.OpenAiChatRequestParameters.builder()
                      .serviceTier(tier)
                      .build())
              .build());
    }

    List<SpanData> spans = otel.getSpans();
    assertThat(spans.get(0)).hasAttribute(ChatExtractor.OPENAI_REQUEST_SERVICE_TIER, "flex");
    assertThat(spans.get(1).getAttributes().get(ChatExtractor.OPENAI_REQUEST_SERVICE_TIER))
        .isNull();
    assertThat(spans.get(1)).hasAttribute(ChatExtractor.OPENAI_RESPONSE_SERVICE_TIER, "default");
  }

  @Test
  void deepseek_through_the_openai_client_is_named_by_the_override() {
    model(
            TracingChatModelListener.builder(LlmTelemetry.create(otel.getOpenTelemetry()))
                .providerName("deepseek")
                .server("127.0.0.1", server.port())
                .build())
        .chat(weatherRequest());

    assertThat(otel.getSpans().get(0))
        .hasAttribute(SemconvAttributes.GEN_AI_PROVIDER_NAME, "deepseek")
        .hasAttribute(SemconvAttributes.SERVER_PORT, (long) server.port());
  }
}
