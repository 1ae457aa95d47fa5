package io.llmetry4j.rag;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.equalTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.rag.content.Content;
import dev.langchain4j.rag.content.retriever.ContentRetriever;
import dev.langchain4j.rag.content.retriever.EmbeddingStoreContentRetriever;
import dev.langchain4j.rag.query.Query;
import dev.langchain4j.service.tool.ToolExecutor;
import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.core.internal.SemconvAttributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.junit5.OpenTelemetryExtension;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RetrieverAndToolTest {

  @RegisterExtension static final OpenTelemetryExtension otel = OpenTelemetryExtension.create();

  private final RagFixture rag = new RagFixture();

  @AfterEach
  void close() {
    rag.close();
  }

  private LlmTelemetry capturing() {
    return LlmTelemetry.builder(otel.getOpenTelemetry()).captureContent(true).build();
  }

  @Test
  void with_content_on_the_retrieval_span_records_query_and_valid_documents() throws Exception {
    ContentRetriever retriever =
        TracingContentRetriever.wrap(
            capturing(),
            EmbeddingStoreContentRetriever.builder()
                .embeddingStore(rag.store)
                .embeddingModel(rag.embeddingModel)
                .maxResults(2)
                .build(),
            "docs");

    List<Content> contents =
        retriever.retrieve(Query.from("Which vector database is open source?"));

    SpanData span = otel.getSpans().get(0);
    assertThat(span)
        .hasName("retrieval docs")
        .hasKind(SpanKind.CLIENT)
        .hasAttribute(
            SemconvAttributes.GEN_AI_RETRIEVAL_QUERY_TEXT, "Which vector database is open source?")
        .hasAttribute(TracingContentRetriever.RESULT_COUNT, (long) contents.size());
    String documents = span.getAttributes().get(SemconvAttributes.GEN_AI_RETRIEVAL_DOCUMENTS);
    assertThat(documents).startsWith("[{\"id\":\"");
    ObjectMapper mapper = new ObjectMapper();
    try (InputStream schema =
        getClass().getResourceAsStream("/semconv-1.41.1/schemas/gen-ai-retrieval-documents.json")) {
      assertThat(
              JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
                  .getSchema(mapper.readTree(schema))
                  .validate(mapper.readTree(documents)))
          .isEmpty();
    }
    assertThat(mapper.readTree(documents)).hasSize(contents.size());
  }

  @Test
  void a_retriever_exception_is_recorded_and_rethrown_unchanged() {
    IllegalStateException failure = new IllegalStateException("index offline");
    ContentRetriever broken =
        query -> {
          throw failure;
        };

    Throwable thrown =
        catchThrowable(
            () ->
                TracingContentRetriever.wrap(capturing(), broken, "docs")
                    .retrieve(Query.from("q")));

    assertThat(thrown).isSameAs(failure);
    assertThat(otel.getSpans().get(0))
        .hasStatus(StatusData.create(StatusCode.ERROR, "index offline"))
        .hasAttribute(SemconvAttributes.ERROR_TYPE, "java.lang.IllegalStateException");
  }

  static final class Calculator {
    @Tool("Adds two numbers")
    int add(int a, int b) {
      return a + b;
    }

    @Tool("Divides")
    int divide(int a, int b) {
      return a / b;
    }
  }

  @Test
  void tool_arguments_and_result_are_recorded_with_content_on() {
    Map<ToolSpecification, ToolExecutor> tools = traced(capturing(), new Calculator());
    ToolExecutor add = executor(tools, "add");

    String result =
        add.execute(
            ToolExecutionRequest.builder()
                .id("call-7")
                .name("add")
                .arguments("{\"a\":2,\"b\":3}")
                .build(),
            "memory");

    assertThat(result).isEqualTo("5");
    assertThat(otel.getSpans().get(0))
        .hasName("execute_tool add")
        .hasKind(SpanKind.INTERNAL)
        .hasAttributesSatisfyingExactly(
            equalTo(SemconvAttributes.GEN_AI_OPERATION_NAME, "execute_tool"),
            equalTo(SemconvAttributes.GEN_AI_TOOL_NAME, "add"),
            equalTo(SemconvAttributes.GEN_AI_TOOL_TYPE, "function"),
            equalTo(SemconvAttributes.GEN_AI_TOOL_DESCRIPTION, "Adds two numbers"),
            equalTo(SemconvAttributes.GEN_AI_TOOL_CALL_ID, "call-7"),
            equalTo(SemconvAttributes.GEN_AI_TOOL_CALL_ARGUMENTS, "{\"a\":2,\"b\":3}"),
            equalTo(SemconvAttributes.GEN_AI_TOOL_CALL_RESULT, "5"));
  }

  @Test
  void a_failing_tool_gives_an_error_span_and_the_same_outcome_as_untraced() {
    ToolExecutionRequest divideByZero =
        ToolExecutionRequest.builder()
            .id("call-8")
            .name("divide")
            .arguments("{\"a\":1,\"b\":0}")
            .build();
    dev.langchain4j.invocation.InvocationContext context =
        dev.langchain4j.invocation.InvocationContext.builder().chatMemoryId("m").build();
    ToolExecutor untraced =
        new dev.langchain4j.service.tool.DefaultToolExecutor(
            new Calculator(), methodNamed("divide"));
    ToolExecutor traced = executor(traced(capturing(), new Calculator()), "divide");

    Object untracedOutcome = outcome(() -> untraced.executeWithContext(divideByZero, context));
    Object tracedOutcome = outcome(() -> traced.executeWithContext(divideByZero, context));

    assertThat(tracedOutcome).isEqualTo(untracedOutcome);
    SpanData span = otel.getSpans().get(0);
    assertThat(span).hasName("execute_tool divide");
    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(span.getAttributes().get(SemconvAttributes.ERROR_TYPE)).isNotNull();
  }

  /** The result, or the exception's class and message: what the AI Service would see. */
  private static Object outcome(
      java.util.function.Supplier<dev.langchain4j.service.tool.ToolExecutionResult> call) {
    try {
      var result = call.get();
      return List.of(result.isError(), String.valueOf(result.resultText()));
    } catch (RuntimeException e) {
      return List.of(e.getClass(), String.valueOf(e.getMessage()));
    }
  }

  private static java.lang.reflect.Method methodNamed(String name) {
    for (java.lang.reflect.Method method : Calculator.class.getDeclaredMethods()) {
      if (method.getName().equals(name)) {
        return method;
      }
    }
    throw new AssertionError(name);
  }

  /** The calculator's tools as an application builds them by hand, wrapped. */
  private static Map<ToolSpecification, ToolExecutor> traced(
      io.llmetry4j.core.LlmTelemetry telemetry, Calculator calculator) {
    Map<ToolSpecification, ToolExecutor> tools = new java.util.LinkedHashMap<>();
    for (java.lang.reflect.Method method : Calculator.class.getDeclaredMethods()) {
      if (method.isAnnotationPresent(Tool.class)) {
        tools.put(
            dev.langchain4j.agent.tool.ToolSpecifications.toolSpecificationFrom(method),
            new dev.langchain4j.service.tool.DefaultToolExecutor(calculator, method));
      }
    }
    return TracingTools.wrap(telemetry, tools);
  }

  private static ToolExecutor executor(Map<ToolSpecification, ToolExecutor> tools, String name) {
    return tools.entrySet().stream()
        .filter(e -> e.getKey().name().equals(name))
        .map(Map.Entry::getValue)
        .findFirst()
        .orElseThrow();
  }
}
