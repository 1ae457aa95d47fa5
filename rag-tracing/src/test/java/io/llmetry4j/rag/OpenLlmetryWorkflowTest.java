package io.llmetry4j.rag;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * OpenLLMetry compatibility across a whole request (real Ollama client over a local server, real
 * all-MiniLM embeddings, an in-memory store, a real tool): as OpenLLMetry's SDK stamps them on all
 * descendants, every span inside the workflow carries {@code traceloop.workflow.name}, every span
 * inside a task its dot-joined task path in {@code traceloop.entity.path} (the task span itself its
 * ancestors' path); workflow, task, agent and tool spans carry {@code traceloop.entity.input} and
 * {@code output}; embeddings and vector-store spans carry OpenLLMetry's keys (traceloop/
 * openllmetry early-2025: {@code test_nested_tasks.py}, {@code test_embeddings.py}, the vector-DB
 * instrumentations).
 */
class OpenLlmetryWorkflowTest {

  private static final ObjectMapper mapper = new ObjectMapper();

  private final RagFixture rag = new RagFixture(true);

  @AfterEach
  void close() {
    rag.close();
  }

  private static AttributeKey<String> s(String key) {
    return AttributeKey.stringKey(key);
  }

  @Test
  void every_span_in_the_workflow_carries_its_name_and_task_path() throws Exception {
    RagFixture.Assistant assistant = rag.assistant();

    String answer =
        rag.telemetry
            .workflow("support")
            .input("conv-1", "What is the weather in San Francisco?")
            .call(
                () ->
                    rag.telemetry
                        .task("answer")
                        .call(
                            () ->
                                rag.telemetry
                                    .task("ask")
                                    .call(
                                        () ->
                                            assistant.chat(
                                                "conv-1",
                                                "What is the weather in San Francisco?"))));

    List<SpanData> spans = rag.spans.getFinishedSpanItems();
    assertThat(spans).hasSizeGreaterThan(6);
    assertThat(spans)
        .allSatisfy(span -> assertThat(span).hasAttribute(s("traceloop.workflow.name"), "support"));
    SpanData workflow = named("invoke_workflow support").get(0);
    SpanData outer = named("answer").get(0);
    SpanData inner = named("ask").get(0);
    assertThat(workflow.getAttributes().get(s("traceloop.entity.path"))).isNull();
    assertThat(outer.getAttributes().get(s("traceloop.entity.path"))).isNull();
    assertThat(inner).hasAttribute(s("traceloop.entity.path"), "answer");
    for (SpanData span : spans) {
      if (span != workflow && span != outer && span != inner) {
        assertThat(span).as(span.getName()).hasAttribute(s("traceloop.entity.path"), "answer.ask");
      }
    }
    assertThat(workflow)
        .hasAttribute(s("traceloop.span.kind"), "workflow")
        .hasAttribute(s("traceloop.entity.name"), "support");
    JsonNode input = mapper.readTree(workflow.getAttributes().get(s("traceloop.entity.input")));
    assertThat(input.get("args").get(1).asText())
        .isEqualTo("What is the weather in San Francisco?");
    assertThat(input.get("kwargs").size()).isZero();
    assertThat(mapper.readTree(workflow.getAttributes().get(s("traceloop.entity.output"))).asText())
        .isEqualTo(answer);

    SpanData agent = named("invoke_agent Assistant").get(0);
    assertThat(agent).hasAttribute(s("traceloop.span.kind"), "agent");
    assertThat(mapper.readTree(agent.getAttributes().get(s("traceloop.entity.input"))).get("args"))
        .hasSize(2);
    SpanData tool = named("execute_tool getWeather").get(0);
    assertThat(tool).hasAttribute(s("traceloop.span.kind"), "tool");
    assertThat(mapper.readTree(tool.getAttributes().get(s("traceloop.entity.output"))).asText())
        .contains("70 degrees");
  }

  @Test
  void embeddings_and_store_spans_carry_openllmetrys_keys() {
    rag.retriever("docs").retrieve(dev.langchain4j.rag.query.Query.from("What is a span?"));

    SpanData embeddings =
        rag.spans.getFinishedSpanItems().stream()
            .filter(span -> span.getName().startsWith("embeddings"))
            .findFirst()
            .orElseThrow();
    assertThat(embeddings)
        .hasAttribute(s("gen_ai.system"), "langchain4j.onnx")
        .hasAttribute(s("llm.request.type"), "embedding")
        .hasAttribute(s("gen_ai.prompt.0.content"), "What is a span?");
    SpanData search = named("search docs").get(0);
    assertThat(search)
        .hasAttribute(s("db.system"), "langchain4j.in_memory")
        .hasAttribute(s("db.operation"), "search")
        .hasAttribute(AttributeKey.longKey("db.vector.query.top_k"), 3L);
    List<EventData> results =
        search.getEvents().stream()
            .filter(event -> event.getName().equals("db.query.result"))
            .collect(Collectors.toList());
    assertThat(results).hasSize(3);
    assertThat(results.get(0).getAttributes().get(s("db.query.result.id"))).isNotBlank();
    assertThat(results.get(0).getAttributes().get(AttributeKey.doubleKey("db.query.result.score")))
        .isBetween(0.0, 1.0);
    assertThat(results.get(0).getAttributes().get(s("db.query.result.document"))).isNotBlank();
    SpanData retrieval = named("retrieval docs").get(0);
    assertThat(retrieval)
        .hasAttribute(s("traceloop.span.kind"), "task")
        .hasAttribute(s("traceloop.entity.name"), "docs")
        .hasAttribute(s("traceloop.entity.input"), "{\"query\":\"What is a span?\"}");
  }

  private List<SpanData> named(String name) {
    return rag.spans.getFinishedSpanItems().stream()
        .filter(span -> span.getName().equals(name))
        .collect(Collectors.toList());
  }
}
