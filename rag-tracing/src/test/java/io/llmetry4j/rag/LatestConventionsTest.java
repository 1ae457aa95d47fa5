package io.llmetry4j.rag;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import io.llmetry4j.core.internal.LatestGenAiAttributes;
import io.llmetry4j.core.internal.SemconvAttributes;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The {@code gen_ai_latest_experimental} opt-in, over a whole request (real Ollama client over a
 * local server, real all-MiniLM, a real tool): the newest conventions' forms replace the 1.41.1
 * ones (integer {@code gen_ai.retrieval.top_k} on retrieval, no provider on the in-process agent,
 * the agent's name on its tools, the agent, tool and workflow duration metrics); without the
 * opt-in, 1.41.1 exactly.
 */
class LatestConventionsTest {

  private RagFixture rag;

  @AfterEach
  void close() {
    rag.close();
  }

  private List<SpanData> run() throws Exception {
    RagFixture.Assistant assistant = rag.assistant();
    rag.telemetry
        .workflow("support")
        .call(() -> assistant.chat("conv-1", "What is the weather in San Francisco?"));
    return rag.spans.getFinishedSpanItems();
  }

  @Test
  void the_opt_in_emits_the_newest_forms() throws Exception {
    rag = new RagFixture(settings -> settings.semconvLatestExperimental(true));
    assertThat(rag.telemetry.semconvLatestExperimental()).isTrue();

    List<SpanData> spans = run();

    SpanData retrieval = named(spans, "retrieval docs");
    assertThat(retrieval).hasAttribute(LatestGenAiAttributes.GEN_AI_RETRIEVAL_TOP_K, 3L);
    assertThat(retrieval.getAttributes().get(SemconvAttributes.GEN_AI_REQUEST_TOP_K)).isNull();
    SpanData agent = named(spans, "invoke_agent Assistant");
    assertThat(agent.getAttributes().get(SemconvAttributes.GEN_AI_PROVIDER_NAME)).isNull();
    assertThat(named(spans, "execute_tool getWeather"))
        .hasAttribute(SemconvAttributes.GEN_AI_AGENT_NAME, "Assistant");
    Set<String> metrics =
        rag.metrics.collectAllMetrics().stream()
            .map(MetricData::getName)
            .collect(Collectors.toSet());
    assertThat(metrics)
        .contains(
            "gen_ai.invoke_agent.duration",
            "gen_ai.execute_tool.duration",
            "gen_ai.workflow.duration",
            "gen_ai.client.operation.duration");
  }

  @Test
  void without_it_semconv_1_41_1_exactly() throws Exception {
    rag = new RagFixture();
    assertThat(rag.telemetry.semconvLatestExperimental()).isFalse();

    List<SpanData> spans = run();

    SpanData retrieval = named(spans, "retrieval docs");
    assertThat(retrieval).hasAttribute(SemconvAttributes.GEN_AI_REQUEST_TOP_K, 3.0);
    assertThat(retrieval.getAttributes().get(LatestGenAiAttributes.GEN_AI_RETRIEVAL_TOP_K))
        .isNull();
    assertThat(named(spans, "invoke_agent Assistant"))
        .hasAttribute(SemconvAttributes.GEN_AI_PROVIDER_NAME, "ollama");
    assertThat(
            named(spans, "execute_tool getWeather")
                .getAttributes()
                .get(SemconvAttributes.GEN_AI_AGENT_NAME))
        .isNull();
    Collection<MetricData> metrics = rag.metrics.collectAllMetrics();
    assertThat(metrics.stream().map(MetricData::getName))
        .contains("gen_ai.client.operation.duration")
        .doesNotContain(
            "gen_ai.invoke_agent.duration",
            "gen_ai.execute_tool.duration",
            "gen_ai.workflow.duration");
  }

  private static SpanData named(List<SpanData> spans, String name) {
    return spans.stream().filter(span -> span.getName().equals(name)).findFirst().orElseThrow();
  }
}
