package io.llmetry4j.rag;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import io.llmetry4j.core.internal.SemconvAttributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One request through a real LangChain4j RAG service gives one connected trace. */
class RagPipelineTracingTest {

  static final String EXPECTED_TREE =
      String.join(
          "\n",
          "invoke_workflow answer-question",
          "  invoke_agent Assistant",
          "    retrieval docs",
          "      embeddings all-minilm-l6-v2",
          "      search docs",
          "    chat llama3",
          "    execute_tool getWeather",
          "    chat llama3");

  private final RagFixture rag = new RagFixture();

  @AfterEach
  void close() {
    rag.close();
    assertThat(Context.current()).isSameAs(Context.root());
  }

  @Test
  void one_request_gives_the_expected_tree_with_associations_on_every_span() throws Exception {
    RagFixture.Assistant assistant = rag.assistant();

    String answer =
        rag.telemetry
            .workflow("answer-question")
            .conversationId("conv-1")
            .userId("user-7")
            .call(() -> assistant.chat("conv-1", "What is the weather in San Francisco?"));

    assertThat(answer).contains("OpenWeatherMap");
    List<SpanData> spans = rag.spans.getFinishedSpanItems();
    assertThat(SpanTree.render(spans)).isEqualTo(EXPECTED_TREE);
    assertThat(spans.stream().map(SpanData::getTraceId).distinct()).hasSize(1);
    assertThat(spans)
        .allSatisfy(
            span ->
                assertThat(span)
                    .hasAttribute(SemconvAttributes.GEN_AI_CONVERSATION_ID, "conv-1")
                    .hasAttribute(
                        io.opentelemetry.api.common.AttributeKey.stringKey("user.id"), "user-7"));

    assertByName(spans);
  }

  @Test
  void associations_reach_every_span_in_an_sdk_without_the_association_processor()
      throws Exception {
    // As under the OpenTelemetry Java agent or Spring Boot's SDK: no llmetry4j span processor.
    try (RagFixture bare = new RagFixture(settings -> settings, false)) {
      RagFixture.Assistant assistant = bare.assistant();

      bare.telemetry
          .workflow("answer-question")
          .conversationId("conv-2")
          .userId("user-8")
          .property("tenant", "acme")
          .call(() -> assistant.chat("conv-2", "What is the weather in San Francisco?"));

      List<SpanData> spans = bare.spans.getFinishedSpanItems();
      assertThat(SpanTree.render(spans)).isEqualTo(EXPECTED_TREE);
      assertThat(spans)
          .allSatisfy(
              span ->
                  assertThat(span)
                      .hasAttribute(SemconvAttributes.GEN_AI_CONVERSATION_ID, "conv-2")
                      .hasAttribute(
                          io.opentelemetry.api.common.AttributeKey.stringKey("user.id"), "user-8")
                      .hasAttribute(
                          io.opentelemetry.api.common.AttributeKey.stringKey(
                              "llmetry4j.association.tenant"),
                          "acme"));
    }
  }

  private static void assertByName(List<SpanData> spans) {
    Map<String, SpanData> byName =
        spans.stream()
            .collect(Collectors.toMap(SpanData::getName, Function.identity(), (a, b) -> a));
    assertThat(byName.get("invoke_agent Assistant"))
        .hasKind(SpanKind.INTERNAL)
        .hasAttribute(SemconvAttributes.GEN_AI_OPERATION_NAME, "invoke_agent")
        .hasAttribute(SemconvAttributes.GEN_AI_AGENT_NAME, "Assistant");
    assertThat(byName.get("retrieval docs"))
        .hasKind(SpanKind.CLIENT)
        .hasAttribute(SemconvAttributes.GEN_AI_OPERATION_NAME, "retrieval")
        .hasAttribute(SemconvAttributes.GEN_AI_DATA_SOURCE_ID, "docs")
        .hasAttribute(SemconvAttributes.GEN_AI_REQUEST_TOP_K, 3.0)
        .hasAttribute(TracingContentRetriever.RESULT_COUNT, 3L);
    assertThat(byName.get("execute_tool getWeather"))
        .hasKind(SpanKind.INTERNAL)
        .hasAttribute(SemconvAttributes.GEN_AI_OPERATION_NAME, "execute_tool")
        .hasAttribute(SemconvAttributes.GEN_AI_TOOL_NAME, "getWeather")
        .hasAttribute(SemconvAttributes.GEN_AI_TOOL_TYPE, "function")
        .hasAttribute(SemconvAttributes.GEN_AI_TOOL_DESCRIPTION, "Current weather of a city");
    assertThat(
            byName
                .get("execute_tool getWeather")
                .getAttributes()
                .get(SemconvAttributes.GEN_AI_TOOL_CALL_ARGUMENTS))
        .as("content capture is off")
        .isNull();
    List<SpanData> chats =
        spans.stream().filter(s -> s.getName().equals("chat llama3")).collect(Collectors.toList());
    assertThat(chats.get(0))
        .hasAttribute(SemconvAttributes.GEN_AI_RESPONSE_FINISH_REASONS, List.of("tool_call"));
    assertThat(chats.get(1)).hasAttribute(SemconvAttributes.GEN_AI_USAGE_OUTPUT_TOKENS, 113L);
  }
}
