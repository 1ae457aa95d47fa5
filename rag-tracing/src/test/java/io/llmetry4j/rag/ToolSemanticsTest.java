package io.llmetry4j.rag;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.agent.tool.ReturnBehavior;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.model.ollama.OllamaChatModel;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.Result;
import dev.langchain4j.service.tool.ToolErrorHandlerResult;
import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.core.internal.SemconvAttributes;
import io.llmetry4j.core.testing.OllamaCassettes;
import io.llmetry4j.core.testing.ReplayHttpServer;
import io.llmetry4j.core.testing.ReplayHttpServer.Response;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.junit5.OpenTelemetryExtension;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link TracingTools} keeps LangChain4j's tool semantics: the same AI Service, with the tools
 * given bare and given through TracingTools, behaves the same — error handler, immediate return —
 * and only the traced one records {@code execute_tool} spans. The real OllamaChatModel talks to a
 * local server answering as Ollama does (a scripted tool call, then the recorded answer).
 */
class ToolSemanticsTest {

  @RegisterExtension static final OpenTelemetryExtension otel = OpenTelemetryExtension.create();

  private final ReplayHttpServer ollama = ReplayHttpServer.start();

  @AfterEach
  void stop() {
    ollama.close();
  }

  static final class Tools {
    @Tool("Divides two integers")
    int divide(int a, int b) {
      return a / b;
    }

    @Tool(value = "Looks a word up", returnBehavior = ReturnBehavior.IMMEDIATE)
    String lookup(String word) {
      return "definition of " + word;
    }
  }

  interface Assistant {
    String chat(String message);
  }

  interface LookupAssistant {
    Result<String> chat(String message);
  }

  /** Asks for {@code toolCall} first, answers with the recorded reply once a tool result is in. */
  private void modelCalling(String toolCall) {
    Response answer = OllamaCassettes.response(OllamaCassettes.TOOL_CALLS);
    String call =
        "{\"model\":\"llama3\",\"created_at\":\"2024-09-16T02:41:55Z\",\"message\":{\"role\":"
            + "\"assistant\",\"content\":\"\",\"tool_calls\":[{\"function\":"
            + toolCall
            + "}]},\"done_reason\":\"stop\",\"done\":true,\"prompt_eval_count\":20,"
            + "\"eval_count\":8}";
    ollama.byDefault(
        "/api/chat",
        body ->
            body.replaceAll("\\s", "").contains("\"role\":\"tool\"")
                ? answer
                : Response.json(200, call));
  }

  private OllamaChatModel model() {
    return OllamaChatModel.builder()
        .baseUrl(ollama.baseUrl())
        .modelName("llama3")
        .timeout(Duration.ofSeconds(10))
        .build();
  }

  private <T> T service(
      Class<T> type, boolean traced, Function<AiServices<T>, AiServices<T>> configure) {
    AiServices<T> builder =
        configure.apply(
            AiServices.builder(type)
                .chatModel(model())
                .chatMemoryProvider(id -> MessageWindowChatMemory.withMaxMessages(10)));
    if (traced) {
      TracingTools.addTo(builder, LlmTelemetry.create(otel.getOpenTelemetry()), new Tools());
    } else {
      builder.tools(new Tools());
    }
    return builder.build();
  }

  @Test
  void the_ai_services_tool_error_handler_sees_the_tools_exception_as_without_tracing() {
    modelCalling("{\"name\":\"divide\",\"arguments\":{\"a\":1,\"b\":0}}");
    List<Throwable> handled = new CopyOnWriteArrayList<>();
    Function<AiServices<Assistant>, AiServices<Assistant>> withHandler =
        builder ->
            builder.toolExecutionErrorHandler(
                (error, context) -> {
                  handled.add(error);
                  return ToolErrorHandlerResult.text("cannot divide: " + error.getMessage());
                });

    String bare = service(Assistant.class, false, withHandler).chat("1/0?");
    List<String> bareRequests = ollama.requestBodies();
    String traced = service(Assistant.class, true, withHandler).chat("1/0?");
    List<String> allRequests = ollama.requestBodies();

    assertThat(traced).isEqualTo(bare);
    assertThat(handled)
        .hasSize(2)
        .allSatisfy(e -> assertThat(e).isInstanceOf(ArithmeticException.class));
    // What the model was sent after the tool failed is the same with and without tracing.
    assertThat(allRequests.subList(bareRequests.size(), allRequests.size()))
        .isEqualTo(bareRequests);
    List<SpanData> spans = otel.getSpans();
    assertThat(spans).hasSize(1);
    assertThat(spans.get(0))
        .hasName("execute_tool divide")
        .hasAttribute(SemconvAttributes.ERROR_TYPE, ArithmeticException.class.getName());
    assertThat(spans.get(0).getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
  }

  @Test
  void bad_tool_arguments_abort_the_call_as_without_tracing() {
    modelCalling("{\"name\":\"divide\",\"arguments\":{\"a\":\"one\",\"b\":2}}");

    Throwable bare =
        org.assertj.core.api.Assertions.catchThrowable(
            () -> service(Assistant.class, false, b -> b).chat("one/2?"));
    int bareRequests = ollama.requestBodies().size();
    Throwable traced =
        org.assertj.core.api.Assertions.catchThrowable(
            () -> service(Assistant.class, true, b -> b).chat("one/2?"));

    assertThat(bare).as("LangChain4j aborts on bad arguments").isNotNull();
    assertThat(traced).isNotNull().hasSameClassAs(bare).hasMessage(bare.getMessage());
    assertThat(ollama.requestBodies()).hasSize(2 * bareRequests);
  }

  @Test
  void an_immediate_return_tool_ends_the_call_after_the_tool_as_without_tracing() {
    modelCalling("{\"name\":\"lookup\",\"arguments\":{\"word\":\"span\"}}");

    Result<String> bare = service(LookupAssistant.class, false, b -> b).chat("define span");
    int bareRequests = ollama.requestBodies().size();
    Result<String> traced = service(LookupAssistant.class, true, b -> b).chat("define span");
    int tracedRequests = ollama.requestBodies().size() - bareRequests;

    assertThat(bareRequests).isEqualTo(1);
    assertThat(tracedRequests).as("no second model call").isEqualTo(1);
    assertThat(traced.content()).isEqualTo(bare.content());
    assertThat(traced.toolExecutions()).hasSize(1);
    assertThat(traced.toolExecutions().get(0).result())
        .isEqualTo(bare.toolExecutions().get(0).result())
        .isEqualTo("definition of span");
    assertThat(otel.getSpans())
        .singleElement()
        .satisfies(s -> assertThat(s).hasName("execute_tool lookup"));
  }
}
