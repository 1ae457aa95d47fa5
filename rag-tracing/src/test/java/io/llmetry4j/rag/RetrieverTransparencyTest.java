package io.llmetry4j.rag;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.rag.content.retriever.ContentRetriever;
import dev.langchain4j.service.tool.ToolExecutor;
import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.core.testing.InterfaceTransparency;
import io.opentelemetry.sdk.testing.junit5.OpenTelemetryExtension;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every method of {@code ContentRetriever}, {@code ToolExecutor} and an AI Service interface, as
 * the running LangChain4j defines them, reaches the wrapped component unchanged; the traced AI
 * Service keeps the {@code equals}/{@code hashCode} contract.
 */
class RetrieverTransparencyTest {

  @RegisterExtension static final OpenTelemetryExtension otel = OpenTelemetryExtension.create();

  @Test
  void every_content_retriever_method_of_the_running_langchain4j_reaches_the_wrapped_retriever() {
    LlmTelemetry telemetry = LlmTelemetry.create(otel.getOpenTelemetry());

    int checked =
        InterfaceTransparency.check(
            ContentRetriever.class,
            retriever -> TracingContentRetriever.wrap(telemetry, retriever, "docs"));

    assertThat(checked).isEqualTo(ContentRetriever.class.getMethods().length);
  }

  @Test
  void every_tool_executor_method_of_the_running_langchain4j_reaches_the_wrapped_executor() {
    LlmTelemetry telemetry = LlmTelemetry.create(otel.getOpenTelemetry());
    ToolSpecification specification = ToolSpecification.builder().name("lookup").build();

    int checked =
        InterfaceTransparency.check(
            ToolExecutor.class,
            executor ->
                TracingTools.wrap(telemetry, Map.of(specification, executor)).get(specification));

    assertThat(checked).isEqualTo(ToolExecutor.class.getMethods().length);
  }

  /** An AI Service interface, package-private as they often are. */
  interface Assistant {
    String chat(String message);

    int count(List<String> items, long limit);

    default String greet() {
      return "interface default";
    }
  }

  @Test
  void every_ai_service_method_reaches_the_wrapped_service() {
    LlmTelemetry telemetry = LlmTelemetry.create(otel.getOpenTelemetry());

    int checked =
        InterfaceTransparency.check(
            Assistant.class, service -> TracingAiService.wrap(telemetry, Assistant.class, service));

    assertThat(checked).isEqualTo(3);
  }

  @Test
  void a_traced_ai_service_keeps_the_equals_and_hash_code_contract() {
    LlmTelemetry telemetry = LlmTelemetry.create(otel.getOpenTelemetry());
    Assistant service =
        new Assistant() {
          @Override
          public String chat(String message) {
            return "answer";
          }

          @Override
          public int count(List<String> items, long limit) {
            return 0;
          }
        };
    Assistant traced = TracingAiService.wrap(telemetry, Assistant.class, service);
    Assistant tracedAgain = TracingAiService.wrap(telemetry, Assistant.class, service);

    assertThat(traced).isEqualTo(traced).isEqualTo(tracedAgain).hasSameHashCodeAs(service);
    assertThat(tracedAgain).isEqualTo(traced);
    assertThat(traced.equals(service)).isFalse();
    assertThat(service.equals(traced)).isFalse();
    assertThat(traced.toString()).isEqualTo(service.toString());
  }
}
