package io.llmetry4j.rag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.ollama.OllamaChatModel;
import dev.langchain4j.model.ollama.OllamaEmbeddingModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiEmbeddingModel;
import io.llmetry4j.chat.TracingChatModelListener;
import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.core.internal.SemconvAttributes;
import io.llmetry4j.core.testing.ReplayHttpServer;
import io.llmetry4j.core.testing.ReplayHttpServer.Response;
import io.llmetry4j.store.TracingEmbeddingModel;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.junit5.OpenTelemetryExtension;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One {@code error.type} rule across operations: the real Ollama and OpenAI chat and embedding
 * clients against a local server answering HTTP 503 give chat and embeddings spans the same {@code
 * error.type} (the status code), and status ERROR.
 */
class ErrorTypeRuleTest {

  @RegisterExtension static final OpenTelemetryExtension otel = OpenTelemetryExtension.create();

  private final ReplayHttpServer server =
      ReplayHttpServer.start()
          .byDefault("/api/chat", body -> Response.json(503, "{\"error\":\"overloaded\"}"))
          .byDefault("/api/embed", body -> Response.json(503, "{\"error\":\"overloaded\"}"))
          .byDefault("/api/embeddings", body -> Response.json(503, "{\"error\":\"overloaded\"}"))
          .byDefault(
              "/v1/chat/completions", body -> Response.json(503, "{\"error\":\"overloaded\"}"))
          .byDefault("/v1/embeddings", body -> Response.json(503, "{\"error\":\"overloaded\"}"));

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void ollama_chat_and_embeddings_report_the_same_error_type_for_the_same_failure() {
    LlmTelemetry telemetry = LlmTelemetry.create(otel.getOpenTelemetry());
    ChatModel chat =
        OllamaChatModel.builder()
            .baseUrl(server.baseUrl())
            .modelName("llama3")
            .timeout(Duration.ofSeconds(5))
            .maxRetries(0)
            .listeners(List.of(TracingChatModelListener.create(telemetry)))
            .build();
    EmbeddingModel embeddings =
        TracingEmbeddingModel.wrap(
            telemetry,
            OllamaEmbeddingModel.builder()
                .baseUrl(server.baseUrl())
                .modelName("all-minilm")
                .timeout(Duration.ofSeconds(5))
                .maxRetries(0)
                .build());

    assertThat(catchThrowable(() -> chat.chat("Hi"))).isNotNull();
    assertThat(catchThrowable(() -> embeddings.embed("Hi"))).isNotNull();

    assertSameErrorType("503");
  }

  @Test
  void openai_chat_and_embeddings_report_the_same_error_type_for_the_same_failure() {
    LlmTelemetry telemetry = LlmTelemetry.create(otel.getOpenTelemetry());
    ChatModel chat =
        OpenAiChatModel.builder()
            .baseUrl(server.baseUrl() + "/v1")
            .apiKey("test-key-not-secret")
            .modelName("gpt-4o-mini")
            .timeout(Duration.ofSeconds(5))
            .maxRetries(0)
            .listeners(List.of(TracingChatModelListener.create(telemetry)))
            .build();
    EmbeddingModel embeddings =
        TracingEmbeddingModel.wrap(
            telemetry,
            OpenAiEmbeddingModel.builder()
                .baseUrl(server.baseUrl() + "/v1")
                .apiKey("test-key-not-secret")
                .modelName("text-embedding-3-small")
                .timeout(Duration.ofSeconds(5))
                .maxRetries(0)
                .build());

    assertThat(catchThrowable(() -> chat.chat("Hi"))).isNotNull();
    assertThat(catchThrowable(() -> embeddings.embed("Hi"))).isNotNull();

    assertSameErrorType("503");
  }

  private static void assertSameErrorType(String expected) {
    List<SpanData> spans = otel.getSpans();
    assertThat(spans).hasSize(2);
    assertThat(spans)
        .allSatisfy(
            span -> {
              assertThat(span.getAttributes().get(SemconvAttributes.ERROR_TYPE))
                  .as("error.type of %s", span.getName())
                  .isEqualTo(expected);
              assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
            });
  }
}
