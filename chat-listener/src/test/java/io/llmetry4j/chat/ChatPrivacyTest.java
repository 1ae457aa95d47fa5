package io.llmetry4j.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.ollama.OllamaChatModel;
import dev.langchain4j.model.ollama.OllamaStreamingChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.core.testing.OllamaCassettes;
import io.llmetry4j.core.testing.ReplayHttpServer;
import io.llmetry4j.core.testing.ReplayHttpServer.Response;
import io.llmetry4j.core.testing.SuiteOutputCapture;
import io.opentelemetry.sdk.testing.junit5.OpenTelemetryExtension;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * With capture off (the default), no prompt, answer, system instruction, tool argument or tool
 * description reaches a span attribute or event, across sync, streaming, tool and error calls; and
 * nothing the whole module's suite logged contains them. Runs last in the module.
 */
@Order(Integer.MAX_VALUE)
class ChatPrivacyTest {

  @RegisterExtension static final OpenTelemetryExtension otel = OpenTelemetryExtension.create();

  private static final List<String> SECRETS =
      List.of(
          "Tell me a joke about OpenTelemetry",
          "struggling to",
          "therapy",
          "You are a weather assistant",
          "What is the weather in San Francisco",
          "Current weather of a city",
          "fahrenheit");

  @Test
  void no_content_reaches_any_attribute_or_event_with_capture_off() throws Exception {
    TracingChatModelListener listener =
        TracingChatModelListener.create(LlmTelemetry.create(otel.getOpenTelemetry()));
    try (ReplayHttpServer ollama = OllamaCassettes.serveChat(ReplayHttpServer.start());
        ReplayHttpServer openAi =
            ReplayHttpServer.start()
                .byDefault(
                    "/v1/chat/completions",
                    b ->
                        Response.json(
                            200, TestResources.read("openai-tool-calls-response.json")))) {
      OllamaChatModel ollamaModel =
          OllamaChatModel.builder()
              .baseUrl(ollama.baseUrl())
              .modelName("llama3")
              .maxRetries(0)
              .listeners(List.of(listener))
              .build();
      ollamaModel.chat(OllamaChatListenerTest.chatRequest());
      ollama.enqueue("/api/chat", Response.json(500, "{\"error\":\"crashed\"}"));
      try {
        ollamaModel.chat(OllamaChatListenerTest.chatRequest());
      } catch (RuntimeException expected) {
        SuiteRecord.exception(expected);
      }

      CompletableFuture<ChatResponse> streamed = new CompletableFuture<>();
      TracingStreamingChatModel.wrap(
              OllamaStreamingChatModel.builder()
                  .baseUrl(ollama.baseUrl())
                  .modelName("llama3")
                  .listeners(List.of(listener))
                  .build())
          .chat(
              OllamaChatListenerTest.chatRequest(),
              new StreamingChatResponseHandler() {
                @Override
                public void onCompleteResponse(ChatResponse response) {
                  streamed.complete(response);
                }

                @Override
                public void onError(Throwable error) {
                  streamed.completeExceptionally(error);
                }
              });
      streamed.get(10, TimeUnit.SECONDS);

      OpenAiChatModel.builder()
          .baseUrl(openAi.baseUrl() + "/v1")
          .apiKey("test-key-not-secret")
          .modelName("gpt-4o-mini")
          .maxRetries(0)
          .listeners(List.of(listener))
          .build()
          .chat(
              ChatRequest.builder()
                  .messages(
                      SystemMessage.from("You are a weather assistant."),
                      UserMessage.from("What is the weather in San Francisco?"))
                  .toolSpecifications(
                      ToolSpecification.builder()
                          .name("get_current_weather")
                          .description("Current weather of a city")
                          .build())
                  .build());
    }

    List<SpanData> spans = otel.getSpans();
    assertThat(spans).hasSize(4);
    for (SpanData span : spans) {
      String everything = span.getAttributes().toString() + span.getEvents().toString();
      for (String secret : SECRETS) {
        assertThat(everything).as("span %s", span.getName()).doesNotContain(secret);
      }
    }
  }

  @Test
  void nothing_the_suite_logged_contains_content() {
    String logged = SuiteOutputCapture.everything();
    assertThat(SuiteOutputCapture.installed()).isTrue();
    for (String secret : SECRETS) {
      assertThat(logged).doesNotContain(secret);
    }
  }
}
