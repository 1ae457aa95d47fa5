package io.llmetry4j.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.core.internal.SemconvAttributes;
import io.llmetry4j.core.testing.ReplayHttpServer;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.testing.junit5.OpenTelemetryExtension;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The per-span content budget with the real OpenAiChatModel against a local OpenAI-format server: a
 * 200-message memory of ~2 KB per message keeps the newest messages within the budget, says how
 * many it left out, and every content attribute stays valid JSON of the semconv schema.
 */
class ContentBudgetTest {

  @RegisterExtension static final OpenTelemetryExtension otel = OpenTelemetryExtension.create();

  private static final ObjectMapper mapper = new ObjectMapper();

  private final ReplayHttpServer server = OpenAiReplay.toolCallsServer();

  @AfterEach
  void stop() {
    server.close();
  }

  private ChatModel model(LlmTelemetry telemetry) {
    return OpenAiReplay.model(server, TracingChatModelListener.create(telemetry));
  }

  /** A system message, then {@code count} alternating user/assistant turns of ~2 KB each. */
  static List<ChatMessage> memory(int count) {
    List<ChatMessage> messages = new ArrayList<>();
    messages.add(SystemMessage.from("You are the handbook assistant."));
    for (int i = 0; i < count; i++) {
      String text = "message " + i + " " + "lorem \"ipsum\" dolor sit amet\n ".repeat(64);
      messages.add(i % 2 == 0 ? UserMessage.from(text) : AiMessage.from(text));
    }
    messages.add(UserMessage.from("the newest question"));
    return messages;
  }

  @Test
  void a_long_memory_keeps_the_newest_messages_within_the_budget_and_says_what_it_left_out()
      throws Exception {
    LlmTelemetry telemetry =
        LlmTelemetry.builder(otel.getOpenTelemetry()).captureContent(true).build();
    List<ChatMessage> messages = memory(200);

    model(telemetry).chat(ChatRequest.builder().messages(messages).build());

    SpanData span = otel.getSpans().get(0);
    String input = span.getAttributes().get(SemconvAttributes.GEN_AI_INPUT_MESSAGES);
    assertThat(contentChars(span)).isLessThanOrEqualTo(LlmTelemetry.DEFAULT_SPAN_CONTENT_BUDGET);
    ContentSchemas.assertValid(span);
    JsonNode array = mapper.readTree(input);
    long omitted = span.getAttributes().get(ChatExtractor.CONTENT_OMITTED_MESSAGES);
    // Every message is either kept or counted: the marker first, then the newest ones in order.
    assertThat(omitted + array.size() - 1).isEqualTo(messages.size());
    assertThat(array.get(0).get("role").asText()).isEqualTo(ChatContentJson.OMITTED_ROLE);
    assertThat(array.get(0).get("parts").get(0).get("content").asText())
        .isEqualTo(omitted + " earlier messages omitted (llmetry4j content budget)");
    assertThat(array.get(array.size() - 1).get("parts").get(0).get("content").asText())
        .isEqualTo("the newest question");
    assertThat(array.get(array.size() - 2).get("parts").get(0).get("content").asText())
        .startsWith("message 199 ");
    assertThat(omitted).isGreaterThan(150);
  }

  @Test
  void history_ten_times_longer_records_the_same_newest_window() throws Exception {
    LlmTelemetry telemetry =
        LlmTelemetry.builder(otel.getOpenTelemetry()).captureContent(true).build();
    ChatModel model = model(telemetry);
    model.chat(ChatRequest.builder().messages(memory(200)).build());
    model.chat(ChatRequest.builder().messages(memory(2000)).build());

    String short_ =
        otel.getSpans().get(0).getAttributes().get(SemconvAttributes.GEN_AI_INPUT_MESSAGES);
    String long_ =
        otel.getSpans().get(1).getAttributes().get(SemconvAttributes.GEN_AI_INPUT_MESSAGES);
    JsonNode shortArray = mapper.readTree(short_);
    JsonNode longArray = mapper.readTree(long_);
    assertThat(longArray.size()).isEqualTo(shortArray.size());
    assertThat(otel.getSpans().get(1).getAttributes().get(ChatExtractor.CONTENT_OMITTED_MESSAGES))
        .isEqualTo(
            otel.getSpans().get(0).getAttributes().get(ChatExtractor.CONTENT_OMITTED_MESSAGES)
                + 1800);
  }

  @Test
  void compat_mode_shares_the_budget_and_bounds_its_indexed_prompts() {
    LlmTelemetry telemetry =
        LlmTelemetry.builder(otel.getOpenTelemetry())
            .captureContent(true)
            .openLlmetryCompat(true)
            .build();

    model(telemetry).chat(ChatRequest.builder().messages(memory(200)).build());

    SpanData span = otel.getSpans().get(0);
    assertThat(contentChars(span)).isLessThanOrEqualTo(LlmTelemetry.DEFAULT_SPAN_CONTENT_BUDGET);
    long prompts =
        span.getAttributes().asMap().keySet().stream()
            .filter(key -> key.getKey().matches("gen_ai\\.prompt\\.\\d+\\.role"))
            .count();
    assertThat(prompts).isBetween(1L, (long) OpenLlmetryChatExtractor.MAX_PROMPTS);
    // The newest message is the last prompt kept, and the SDK kept the span's own attributes.
    assertThat(
            span.getAttributes()
                .get(AttributeKey.stringKey("gen_ai.prompt." + (prompts - 1) + ".content")))
        .isEqualTo("the newest question");
    assertThat(span.getAttributes().get(SemconvAttributes.GEN_AI_USAGE_OUTPUT_TOKENS))
        .isEqualTo(17L);
    assertThat(span.getTotalAttributeCount()).isEqualTo(span.getAttributes().size());
  }

  @Test
  void a_smaller_budget_and_an_sdk_attribute_limit_bound_every_value() {
    LlmTelemetry telemetry =
        LlmTelemetry.builder(otel.getOpenTelemetry())
            .captureContent(true)
            .spanContentBudget(8 * 1024)
            .attributeValueLengthLimit(4096)
            .build();
    assertThat(telemetry.spanContentBudget()).isEqualTo(4096);

    model(telemetry).chat(ChatRequest.builder().messages(memory(50)).build());

    SpanData span = otel.getSpans().get(0);
    assertThat(contentChars(span)).isLessThanOrEqualTo(4096);
    span.getAttributes()
        .forEach(
            (key, value) -> assertThat(String.valueOf(value).length()).isLessThanOrEqualTo(4096));
    ContentSchemas.assertValid(span);
  }

  @Test
  void tool_call_arguments_cut_by_the_value_limit_stay_valid_json() throws Exception {
    LlmTelemetry telemetry =
        LlmTelemetry.builder(otel.getOpenTelemetry())
            .captureContent(true)
            .maxContentLength(40)
            .build();
    String arguments = "{\"query\":\"" + "x".repeat(200) + "\"}";

    model(telemetry)
        .chat(
            ChatRequest.builder()
                .messages(
                    UserMessage.from("search"),
                    AiMessage.from(
                        ToolExecutionRequest.builder()
                            .id("call-1")
                            .name("search")
                            .arguments(arguments)
                            .build()),
                    dev.langchain4j.data.message.ToolExecutionResultMessage.from(
                        "call-1", "search", "found"))
                .build());

    SpanData span = otel.getSpans().get(0);
    ContentSchemas.assertValid(span);
    JsonNode call =
        mapper
            .readTree(span.getAttributes().get(SemconvAttributes.GEN_AI_INPUT_MESSAGES))
            .get(1)
            .get("parts")
            .get(0);
    // Too long to keep whole: a JSON string holding the cut text, never broken JSON.
    assertThat(call.get("arguments").isTextual()).isTrue();
    assertThat(call.get("arguments").asText())
        .startsWith(arguments.substring(0, 40))
        .contains("truncated");
  }

  /** Characters of every content attribute of the span. */
  private static int contentChars(SpanData span) {
    int[] chars = {0};
    span.getAttributes()
        .forEach(
            (key, value) -> {
              String name = key.getKey();
              if (name.equals("gen_ai.input.messages")
                  || name.equals("gen_ai.output.messages")
                  || name.equals("gen_ai.system_instructions")
                  || name.equals("gen_ai.tool.definitions")
                  || name.matches("gen_ai\\.(prompt|completion)\\..*\\.content")) {
                chars[0] += String.valueOf(value).length();
              }
            });
    return chars[0];
  }
}
