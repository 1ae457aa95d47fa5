package io.llmetry4j.rag;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.invocation.InvocationContext;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.tool.ToolExecutionResult;
import dev.langchain4j.service.tool.ToolExecutor;
import io.llmetry4j.core.internal.SemconvAttributes;
import io.llmetry4j.core.testing.SemconvSpans;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The {@code invoke_agent} and {@code execute_tool} spans of an AI Service with the real
 * OllamaChatModel (over a local server) and its real tool, held against semconv 1.41.1: the span
 * name, the Required provider, and the {@code @MemoryId} conversation id on the chat and tool spans
 * under the agent (no workflow around it).
 */
class AgentSemconvTest {

  private final RagFixture rag = new RagFixture();

  @AfterEach
  void close() {
    rag.close();
  }

  private RagFixture.Assistant assistant(boolean toldTheModel) {
    AiServices<RagFixture.Assistant> builder =
        TracingTools.addTo(
            AiServices.builder(RagFixture.Assistant.class)
                .chatModel(rag.chatModel())
                .chatMemoryProvider(id -> MessageWindowChatMemory.withMaxMessages(20)),
            rag.telemetry,
            rag.weather);
    TracingAiService.Builder<RagFixture.Assistant> traced =
        TracingAiService.builder(rag.telemetry, RagFixture.Assistant.class, builder.build());
    if (toldTheModel) {
      traced.chatModel(rag.chatModel());
    }
    return traced.build();
  }

  @Test
  void agent_span_is_named_after_the_agent_and_carries_the_provider_and_model_from_the_start() {
    assistant(true).chat("conv-42", "What is the weather in San Francisco?");

    SpanData agent = only("invoke_agent Assistant");
    assertThat(agent)
        .hasAttribute(SemconvAttributes.GEN_AI_PROVIDER_NAME, "ollama")
        .hasAttribute(SemconvAttributes.GEN_AI_REQUEST_MODEL, "llama3")
        .hasAttribute(SemconvAttributes.GEN_AI_AGENT_NAME, "Assistant")
        .hasAttribute(TracingAiService.AGENT_METHOD, "chat")
        .hasAttribute(SemconvAttributes.GEN_AI_CONVERSATION_ID, "conv-42");
    SemconvSpans.assertConforms(agent, "span.gen_ai.invoke_agent.internal");
  }

  @Test
  void without_the_model_the_provider_is_the_one_its_chat_calls_report() {
    assistant(false).chat("conv-43", "What is the weather in San Francisco?");

    SpanData agent = only("invoke_agent Assistant");
    assertThat(agent).hasAttribute(SemconvAttributes.GEN_AI_PROVIDER_NAME, "ollama");
    assertThat(agent.getAttributes().get(SemconvAttributes.GEN_AI_REQUEST_MODEL)).isNull();
    SemconvSpans.assertConforms(agent, "span.gen_ai.invoke_agent.internal");
  }

  @Test
  void chat_and_tool_spans_under_the_agent_carry_its_conversation_id() {
    assistant(true).chat("conv-44", "What is the weather in San Francisco?");

    List<SpanData> chats = named("chat llama3");
    assertThat(chats).hasSize(2);
    SpanData tool = only("execute_tool getWeather");
    for (SpanData span : List.of(chats.get(0), chats.get(1), tool)) {
      assertThat(span).hasAttribute(SemconvAttributes.GEN_AI_CONVERSATION_ID, "conv-44");
    }
    SemconvSpans.assertConforms(chats.get(0), "span.gen_ai.inference.client");
    SemconvSpans.assertConforms(tool, "span.gen_ai.execute_tool.internal");
  }

  @Test
  void every_span_of_a_rag_request_conforms_to_its_definition() throws Exception {
    RagFixture.Assistant assistant = rag.assistant();
    rag.telemetry
        .workflow("support")
        .call(() -> assistant.chat("conv-45", "What is the weather in San Francisco?"));

    SemconvSpans.assertConforms(
        only("invoke_workflow support"), "span.gen_ai.invoke_workflow.internal");
    SemconvSpans.assertConforms(
        only("invoke_agent Assistant"), "span.gen_ai.invoke_agent.internal");
    SemconvSpans.assertConforms(only("retrieval docs"), "span.gen_ai.retrieval.client");
    for (SpanData chat : named("chat llama3")) {
      SemconvSpans.assertConforms(chat, "span.gen_ai.inference.client");
    }
    SemconvSpans.assertConforms(
        only("execute_tool getWeather"), "span.gen_ai.execute_tool.internal");
    // In-process: all-MiniLM in the JVM and the in-memory store are INTERNAL, not CLIENT.
    SemconvSpans.assertAttributesConform(
        only("embeddings all-minilm-l6-v2"), "span.gen_ai.embeddings.client");
    SemconvSpans.assertAttributesConform(only("search docs"), "span.db.client");
  }

  @Test
  void outside_an_agent_a_chat_span_has_no_conversation_id() {
    rag.chatModel().chat("Hello");

    assertThat(only("chat llama3").getAttributes().get(SemconvAttributes.GEN_AI_CONVERSATION_ID))
        .isNull();
  }

  @Test
  void a_tool_error_result_fails_the_span_with_a_description_and_records_no_result() {
    // A stand-in tool that reports its failure as an error result, as LangChain4j's own
    // executor does when a tool throws and the error is handed back to the model.
    ToolExecutor failing =
        new ToolExecutor() {
          @Override
          public String execute(ToolExecutionRequest request, Object memoryId) {
            return "city not found";
          }

          @Override
          public ToolExecutionResult executeWithContext(
              ToolExecutionRequest request, InvocationContext context) {
            return ToolExecutionResult.builder().isError(true).resultText("city not found").build();
          }
        };
    io.llmetry4j.core.LlmTelemetry telemetry =
        io.llmetry4j.core.LlmTelemetry.builder(rag.sdk).captureContent(true).build();
    ToolExecutor traced =
        TracingToolExecutor.wrap(
            telemetry,
            dev.langchain4j.agent.tool.ToolSpecification.builder().name("getWeather").build(),
            failing);

    traced.executeWithContext(
        ToolExecutionRequest.builder()
            .id("call-9")
            .name("getWeather")
            .arguments("{\"city\":\"Atlantis\"}")
            .build(),
        null);

    SpanData tool = only("execute_tool getWeather");
    assertThat(tool)
        .hasStatus(
            io.opentelemetry.sdk.trace.data.StatusData.create(
                StatusCode.ERROR, io.llmetry4j.rag.internal.ToolSpans.ERROR_RESULT_DESCRIPTION))
        .hasAttribute(SemconvAttributes.ERROR_TYPE, "tool_error")
        .hasAttribute(SemconvAttributes.GEN_AI_TOOL_CALL_ARGUMENTS, "{\"city\":\"Atlantis\"}");
    assertThat(tool.getAttributes().get(SemconvAttributes.GEN_AI_TOOL_CALL_RESULT)).isNull();
  }

  @Test
  void tool_call_arguments_cut_by_the_value_limit_stay_valid_json() throws Exception {
    ToolExecutor echo =
        new ToolExecutor() {
          @Override
          public String execute(ToolExecutionRequest request, Object memoryId) {
            return "ok";
          }
        };
    ToolExecutor traced =
        TracingToolExecutor.wrap(
            io.llmetry4j.core.LlmTelemetry.builder(rag.sdk)
                .captureContent(true)
                .maxContentLength(40)
                .build(),
            dev.langchain4j.agent.tool.ToolSpecification.builder().name("search").build(),
            echo);
    String arguments = "{\"query\":\"" + "x".repeat(200) + "\"}";
    String small = "{\"query\":\"short\"}";

    traced.execute(
        ToolExecutionRequest.builder().name("search").arguments(arguments).build(), null);
    traced.execute(ToolExecutionRequest.builder().name("search").arguments(small).build(), null);

    List<SpanData> spans = named("execute_tool search");
    com.fasterxml.jackson.databind.ObjectMapper mapper =
        new com.fasterxml.jackson.databind.ObjectMapper();
    com.fasterxml.jackson.databind.JsonNode cut =
        mapper.readTree(
            spans.get(0).getAttributes().get(SemconvAttributes.GEN_AI_TOOL_CALL_ARGUMENTS));
    // Too long to keep whole: a JSON string of the cut text, which parses.
    assertThat(cut.isTextual()).isTrue();
    assertThat(cut.asText()).startsWith(arguments.substring(0, 40)).contains("truncated");
    // Short enough: the arguments as they are.
    assertThat(spans.get(1).getAttributes().get(SemconvAttributes.GEN_AI_TOOL_CALL_ARGUMENTS))
        .isEqualTo(small);
  }

  private SpanData only(String name) {
    List<SpanData> spans = named(name);
    assertThat(spans).as("spans named %s", name).hasSize(1);
    return spans.get(0);
  }

  private List<SpanData> named(String name) {
    return rag.spans.getFinishedSpanItems().stream()
        .filter(span -> span.getName().equals(name))
        .collect(Collectors.toList());
  }
}
