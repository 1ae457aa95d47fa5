package io.llmetry4j.chat;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.core.internal.SemconvAttributes;
import io.llmetry4j.core.testing.ReplayHttpServer;
import io.llmetry4j.core.testing.ReplayHttpServer.Response;
import io.opentelemetry.sdk.testing.junit5.OpenTelemetryExtension;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A memory sent again and again (the real OpenAiChatModel against a local OpenAI-format server):
 * the first call writes its messages, the second keeps them, later calls find them, and a memory of
 * new objects with the same texts is found by text. Every call records the same {@code
 * gen_ai.input.messages}, and each text in it reads back as it was sent.
 */
class InputMessagesRepeatTest {

  @RegisterExtension static final OpenTelemetryExtension otel = OpenTelemetryExtension.create();

  private static final ObjectMapper mapper = new ObjectMapper();

  private final ReplayHttpServer server = OpenAiReplay.toolCallsServer();

  @AfterEach
  void stop() {
    server.close();
  }

  /** The real OpenAI client against {@code replay}, recording content. */
  private static ChatModel model(ReplayHttpServer replay) {
    return OpenAiReplay.model(
        replay,
        TracingChatModelListener.create(
            LlmTelemetry.builder(otel.getOpenTelemetry()).captureContent(true).build()));
  }

  private static final String PLAIN = "What is the p99 latency of the chat API?";
  private static final String ESCAPED = "Line one\nsaid \"quoted\" and a back\\slash\ttab";
  private static final String CHINESE = "请帮我查一下上海明天的天气，并告诉我是否需要带伞。";
  private static final String EMOJI = "Great job team 🎉 the deploy went fine 🚀";
  private static final String LONE_SURROGATE = "broken \uD83D pair";
  private static final String LINE_SEPARATOR = "before\u2028after";

  /** Every kind of message, as new objects each time it is called. */
  private static List<ChatMessage> memory() {
    List<ChatMessage> messages = new ArrayList<>();
    messages.add(SystemMessage.from("You are the handbook assistant."));
    messages.add(UserMessage.from(PLAIN));
    messages.add(AiMessage.from(ESCAPED));
    messages.add(UserMessage.from(CHINESE));
    messages.add(
        AiMessage.from(
            ToolExecutionRequest.builder()
                .id("call-1")
                .name("weather")
                .arguments("{\"city\":\"上海\"}")
                .build()));
    messages.add(ToolExecutionResultMessage.from("call-1", "weather", "sunny, 25°C"));
    messages.add(AiMessage.from(EMOJI));
    messages.add(UserMessage.from("alice", LONE_SURROGATE));
    messages.add(UserMessage.from(LINE_SEPARATOR));
    return messages;
  }

  @Test
  void every_call_records_the_same_messages_whether_written_kept_or_found() throws Exception {
    ChatModel model = model(server);
    List<ChatMessage> memory = memory();

    for (int call = 0; call < 4; call++) {
      model.chat(ChatRequest.builder().messages(memory).build());
    }
    model.chat(ChatRequest.builder().messages(memory()).build());

    List<SpanData> spans = otel.getSpans();
    assertThat(spans).hasSize(5);
    String first = spans.get(0).getAttributes().get(SemconvAttributes.GEN_AI_INPUT_MESSAGES);
    for (SpanData span : spans) {
      assertThat(span.getAttributes().get(SemconvAttributes.GEN_AI_INPUT_MESSAGES))
          .isEqualTo(first);
      ContentSchemas.assertValid(span);
    }
    JsonNode messages = mapper.readTree(first);
    assertThat(messages).hasSize(9);
    assertText(messages.get(0), "system", "You are the handbook assistant.");
    assertText(messages.get(1), "user", PLAIN);
    assertText(messages.get(2), "assistant", ESCAPED);
    assertText(messages.get(3), "user", CHINESE);
    JsonNode toolCall = messages.get(4).get("parts").get(0);
    assertThat(toolCall.get("type").asText()).isEqualTo("tool_call");
    assertThat(toolCall.get("arguments").get("city").asText()).isEqualTo("上海");
    assertThat(messages.get(5).get("parts").get(0).get("response").asText())
        .isEqualTo("sunny, 25°C");
    assertText(messages.get(6), "assistant", EMOJI);
    assertText(messages.get(7), "user", "broken \uFFFD pair");
    assertThat(messages.get(7).get("name").asText()).isEqualTo("alice");
    assertText(messages.get(8), "user", LINE_SEPARATOR);
    // The separators JavaScript cannot hold in a string are escaped in the JSON text.
    assertThat(first).contains("before\\u2028after").doesNotContain("\u2028");
  }

  /** An OpenAI chat completion whose answer is {@code content} (a JSON string literal). */
  private static String answer(String contentLiteral) {
    return "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1718000000,"
        + "\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"message\":{\"role\":"
        + "\"assistant\",\"content\":"
        + contentLiteral
        + "},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":9,"
        + "\"completion_tokens\":7,\"total_tokens\":16}}";
  }

  @Test
  void an_answer_of_one_text_is_recorded_alike_with_and_without_characters_to_escape() {
    List<String> answers =
        List.of("\"Sunny in 上海 all day 🌞\"", "\"Line one\\nsaid \\\"sunny\\\"\"");
    for (String literal : answers) {
      try (ReplayHttpServer answering =
          ReplayHttpServer.start()
              .byDefault("/v1/chat/completions", body -> Response.json(200, answer(literal)))) {
        model(answering).chat(ChatRequest.builder().messages(UserMessage.from(PLAIN)).build());
      }
    }

    List<SpanData> spans = otel.getSpans();
    assertThat(spans.get(0).getAttributes().get(SemconvAttributes.GEN_AI_OUTPUT_MESSAGES))
        .isEqualTo(
            "[{\"role\":\"assistant\",\"parts\":[{\"type\":\"text\","
                + "\"content\":\"Sunny in 上海 all day 🌞\"}],\"finish_reason\":\"stop\"}]");
    assertThat(spans.get(1).getAttributes().get(SemconvAttributes.GEN_AI_OUTPUT_MESSAGES))
        .isEqualTo(
            "[{\"role\":\"assistant\",\"parts\":[{\"type\":\"text\","
                + "\"content\":\"Line one\\nsaid \\\"sunny\\\"\"}],\"finish_reason\":\"stop\"}]");
    spans.forEach(ContentSchemas::assertValid);
  }

  private static void assertText(JsonNode message, String role, String text) {
    assertThat(message.get("role").asText()).isEqualTo(role);
    assertThat(message.get("parts")).hasSize(1);
    assertThat(message.get("parts").get(0).get("type").asText()).isEqualTo("text");
    assertThat(message.get("parts").get(0).get("content").asText()).isEqualTo(text);
  }
}
