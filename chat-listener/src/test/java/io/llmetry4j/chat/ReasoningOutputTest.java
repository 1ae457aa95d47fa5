package io.llmetry4j.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.ollama.OllamaChatModel;
import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.core.internal.SemconvAttributes;
import io.llmetry4j.core.testing.ReplayHttpServer;
import io.llmetry4j.core.testing.ReplayHttpServer.Response;
import io.opentelemetry.sdk.testing.junit5.OpenTelemetryExtension;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A reasoning model (deepseek-r1 through Ollama): thinking is a reasoning part, not answer text.
 */
class ReasoningOutputTest {

  @RegisterExtension static final OpenTelemetryExtension otel = OpenTelemetryExtension.create();

  @Test
  void thinking_becomes_a_reasoning_part_separate_from_the_answer() {
    try (ReplayHttpServer ollama =
        ReplayHttpServer.start()
            .byDefault(
                "/api/chat",
                body -> Response.json(200, TestResources.read("ollama-thinking-response.json")))) {
      ChatResponse response =
          OllamaChatModel.builder()
              .baseUrl(ollama.baseUrl())
              .modelName("deepseek-r1:1.5b")
              .think(true)
              .returnThinking(true)
              .timeout(Duration.ofSeconds(5))
              .listeners(
                  List.of(
                      TracingChatModelListener.create(
                          LlmTelemetry.builder(otel.getOpenTelemetry())
                              .captureContent(true)
                              .build())))
              .build()
              .chat(OllamaChatListenerTest.chatRequest());

      assertThat(response.aiMessage().thinking()).startsWith("The user wants a joke");
      SpanData span = otel.getSpans().get(0);
      assertThat(span.getName()).isEqualTo("chat deepseek-r1:1.5b");
      assertThat(span.getAttributes().get(SemconvAttributes.GEN_AI_OUTPUT_MESSAGES))
          .isEqualTo(
              "[{\"role\":\"assistant\",\"parts\":["
                  + "{\"type\":\"reasoning\",\"content\":"
                  + "\"The user wants a joke. Keep it short and about tracing.\"},"
                  + "{\"type\":\"text\",\"content\":"
                  + "\"OpenTelemetry walks into a bar and asks for a trace of whisky.\"}],"
                  + "\"finish_reason\":\"stop\"}]");
      ContentSchemas.assertValid(span);
    }
  }
}
