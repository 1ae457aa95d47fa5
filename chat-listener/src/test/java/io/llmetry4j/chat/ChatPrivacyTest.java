package io.llmetry4j.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

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
import io.llmetry4j.core.testing.CapturedOutput;
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
 * no line the listener logs contains them. Each test makes its own calls and scans only what they
 * produced; run last in the module, the log scan also covers what the other tests logged.
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

  /**
   * A sync call, a failing call, a streaming call and a tool call with a system message, through
   * the real Ollama and OpenAI clients, all with {@code listener}. Returns the text of the
   * exception the failing call gave the application.
   */
  private static String callEveryWay(TracingChatModelListener listener) throws Exception {
    String failure;
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
      Throwable thrown =
          catchThrowable(() -> ollamaModel.chat(OllamaChatListenerTest.chatRequest()));
      assertThat(thrown).isInstanceOf(RuntimeException.class);
      SuiteRecord.exception(thrown);
      failure = thrown.toString();

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
    return failure;
  }

  @Test
  void no_content_reaches_any_attribute_or_event_with_capture_off() throws Exception {
    callEveryWay(TracingChatModelListener.create(LlmTelemetry.create(otel.getOpenTelemetry())));

    List<SpanData> spans = otel.getSpans();
    assertThat(spans).hasSize(4);
    for (SpanData span : spans) {
      String everything = span.getAttributes().toString() + span.getEvents().toString();
      for (String secret : SECRETS) {
        assertThat(everything).as("span %s", span.getName()).doesNotContain(secret);
      }
    }
  }

  /**
   * The listener's own log lines, produced here: a content redactor failing with the content in its
   * exception's message (capture on), and the span failing with the content in its exception's
   * message. Both warnings name the exception's class only. The test checks they were logged, then
   * scans everything logged and printed meanwhile, including the failing call's exception.
   */
  @Test
  void nothing_logged_or_printed_contains_content() throws Exception {
    String logged;
    // llmetry4j and the OpenTelemetry SDK at every level: their FINE records are scanned too.
    try (CapturedOutput output = CapturedOutput.startVerbose("io.llmetry4j", "io.opentelemetry")) {
      callEveryWay(
          TracingChatModelListener.create(
              LlmTelemetry.builder(otel.getOpenTelemetry())
                  .captureContent(true)
                  .contentRedactor(
                      value -> {
                        throw new IllegalStateException("cannot redact " + value);
                      })
                  .build()));
      FaultyOpenTelemetry faulty = new FaultyOpenTelemetry(otel.getOpenTelemetry());
      faulty.fail(
          "Tracer.spanBuilder",
          () -> new IllegalStateException("cannot trace Tell me a joke about OpenTelemetry"));
      String failure =
          callEveryWay(
              TracingChatModelListener.create(
                  LlmTelemetry.builder(faulty.openTelemetry()).captureContent(true).build()));
      // The application logs the exception of the failing call.
      output.record(failure);

      assertThat(output.logText())
          .contains("llmetry4j: contentRedactor threw java.lang.IllegalStateException")
          .contains("llmetry4j: instrumentation failed with java.lang.IllegalStateException");
      assertThat(output.printed()).contains("crashed");
      logged = output.everything();
    }

    for (String secret : SECRETS) {
      assertThat(logged).doesNotContain(secret);
    }
    // Also everything the module's other tests logged before it (this class runs last by its
    // @Order); run alone, the scan still covers this test's own output, which it proves.
    String suite =
        SuiteOutputCapture.everythingIncluding(
            "llmetry4j: contentRedactor threw java.lang.IllegalStateException");
    for (String secret : SECRETS) {
      assertThat(suite).doesNotContain(secret);
    }
  }
}
