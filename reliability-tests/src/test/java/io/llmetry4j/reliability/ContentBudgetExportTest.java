package io.llmetry4j.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.ollama.OllamaChatModel;
import io.llmetry4j.bootstrap.Llmetry;
import io.llmetry4j.bootstrap.LlmetryConfig;
import io.llmetry4j.chat.TracingChatModelListener;
import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.core.testing.OllamaCassettes;
import io.llmetry4j.core.testing.OtlpGrpcReceiver;
import io.llmetry4j.core.testing.ReplayHttpServer;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Long conversations never lose data: content capture on, the Tencent preset (OpenLLMetry
 * compatibility on by default), 200 chat calls through the real OllamaChatModel whose requests
 * carry a 200-message memory of about 2 KB per message, exported by the bootstrap over OTLP/gRPC to
 * a receiver on 127.0.0.1 with gRPC's default 4 MiB message limit. Before the content budget and
 * the size-bounded export, 0 of 200 spans arrived.
 */
class ContentBudgetExportTest {

  private static final ObjectMapper mapper = new ObjectMapper();
  private static final int CALLS = 200;
  private static final int MEMORY = 200;

  private static final List<String> JSON_CONTENT =
      List.of(
          "gen_ai.input.messages",
          "gen_ai.output.messages",
          "gen_ai.system_instructions",
          "gen_ai.tool.definitions");

  @Test
  void two_hundred_calls_with_a_two_hundred_message_memory_all_arrive_within_the_budget()
      throws Exception {
    try (OtlpGrpcReceiver receiver = OtlpGrpcReceiver.start();
        ReplayHttpServer ollama = OllamaCassettes.serveChat(ReplayHttpServer.start())) {
      Llmetry llmetry =
          Llmetry.init(
              LlmetryConfig.tencentApm(receiver.endpoint(), Secrets.TOKEN, "budget")
                  .protocol("grpc")
                  .registerGlobal(false)
                  .shutdownHook(false)
                  .metrics(false)
                  .telemetry(t -> t.captureContent(true))
                  .shutdownTimeout(Duration.ofSeconds(30))
                  .build());
      LlmTelemetry telemetry = llmetry.telemetry();
      assertThat(telemetry.openLlmetryCompat()).as("the Tencent preset's default").isTrue();
      try {
        ChatModel model =
            OllamaChatModel.builder()
                .baseUrl(ollama.baseUrl())
                .modelName("llama3")
                .timeout(Duration.ofSeconds(30))
                .listeners(List.of(TracingChatModelListener.create(telemetry)))
                .build();
        List<ChatMessage> memory = memory();
        for (int call = 0; call < CALLS; call++) {
          List<ChatMessage> messages = new ArrayList<>(memory);
          messages.add(UserMessage.from("question " + call));
          model.chat(ChatRequest.builder().messages(messages).build());
        }
      } finally {
        llmetry.close();
      }

      List<Span> chats =
          receiver.received().spans().stream()
              .filter(span -> span.getName().equals("chat llama3"))
              .collect(Collectors.toList());
      assertThat(chats).hasSize(CALLS);
      List<String> newest = new ArrayList<>();
      for (Span span : chats) {
        Map<String, String> attributes = strings(span.getAttributesList());
        int contentChars = 0;
        for (Map.Entry<String, String> attribute : attributes.entrySet()) {
          String key = attribute.getKey();
          if (JSON_CONTENT.contains(key)) {
            contentChars += attribute.getValue().length();
            assertThat(mapper.readTree(attribute.getValue())).as(key).isNotNull();
          } else if (key.matches("gen_ai\\.(prompt|completion)\\.\\d+\\.content")) {
            contentChars += attribute.getValue().length();
          }
        }
        assertThat(contentChars).isLessThanOrEqualTo(LlmTelemetry.DEFAULT_SPAN_CONTENT_BUDGET);
        JsonNode input = mapper.readTree(attributes.get("gen_ai.input.messages"));
        JsonNode last = input.get(input.size() - 1);
        assertThat(last.get("role").asText()).isEqualTo("user");
        newest.add(last.get("parts").get(0).get("content").asText());
      }
      // Each span kept its own call's newest user message.
      assertThat(newest)
          .containsExactlyInAnyOrderElementsOf(
              java.util.stream.IntStream.range(0, CALLS)
                  .mapToObj(i -> "question " + i)
                  .collect(Collectors.toList()));
    }
  }

  /** A system message and 200 alternating turns of about 2 KB each. */
  private static List<ChatMessage> memory() {
    List<ChatMessage> memory = new ArrayList<>();
    memory.add(SystemMessage.from("You answer questions about the bakery."));
    for (int i = 0; i < MEMORY; i++) {
      String text = ("turn " + i + ": the sourdough needs a long, cool proof. ").repeat(40);
      memory.add(i % 2 == 0 ? UserMessage.from(text) : AiMessage.from(text));
    }
    return memory;
  }

  private static Map<String, String> strings(List<KeyValue> attributes) {
    return attributes.stream()
        .filter(kv -> kv.getValue().hasStringValue())
        .collect(Collectors.toMap(KeyValue::getKey, kv -> kv.getValue().getStringValue()));
  }
}
