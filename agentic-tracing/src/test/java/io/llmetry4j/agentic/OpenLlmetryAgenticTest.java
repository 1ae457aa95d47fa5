package io.llmetry4j.agentic;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.agentic.AgenticServices;
import dev.langchain4j.agentic.UntypedAgent;
import dev.langchain4j.model.chat.ChatModel;
import io.llmetry4j.core.internal.TraceloopAttributes;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * OpenLLMetry compatibility (the Tencent preset's default): the outermost workflow agent is
 * OpenLLMetry's workflow, a nested one a task, agents agents and tools tools, and the spans under
 * the workflow carry its name, as Tencent APM's LLM views read them.
 */
class OpenLlmetryAgenticTest {

  private final AgenticFixture fixture =
      new AgenticFixture(settings -> settings.openLlmetryCompat(true).captureContent(true));

  @AfterEach
  void close() {
    fixture.close();
  }

  @Test
  void agentic_spans_carry_openllmetry_entity_kinds_and_the_workflow_name() {
    ChatModel model = fixture.chatModel();
    UntypedAgent system =
        AgenticTracing.create(fixture.telemetry)
            .build(
                AgenticServices.sequenceBuilder()
                    .name("storyPipeline")
                    .subAgents(
                        AgenticServices.agentBuilder(AgenticFixture.Writer.class)
                            .chatModel(model)
                            .tools(new AgenticFixture.WeatherTools())
                            .build(),
                        AgenticServices.parallelBuilder()
                            .name("recommendations")
                            .subAgents(
                                AgenticServices.agentBuilder(AgenticFixture.FoodExpert.class)
                                    .chatModel(model)
                                    .build())
                            .build())
                    .outputKey("story"));

    system.invoke(Map.of("topic", "dragons"));

    SpanData pipeline = fixture.only("invoke_workflow storyPipeline");
    assertThat(pipeline)
        .hasAttribute(TraceloopAttributes.SPAN_KIND, "workflow")
        .hasAttribute(TraceloopAttributes.ENTITY_NAME, "storyPipeline")
        .hasAttribute(TraceloopAttributes.WORKFLOW_NAME, "storyPipeline");
    assertThat(fixture.only("invoke_workflow recommendations"))
        .hasAttribute(TraceloopAttributes.SPAN_KIND, "task")
        .hasAttribute(TraceloopAttributes.WORKFLOW_NAME, "storyPipeline");
    SpanData writer = fixture.only("invoke_agent write");
    assertThat(writer)
        .hasAttribute(TraceloopAttributes.SPAN_KIND, "agent")
        .hasAttribute(TraceloopAttributes.ENTITY_NAME, "write")
        .hasAttribute(TraceloopAttributes.WORKFLOW_NAME, "storyPipeline")
        .hasAttribute(TraceloopAttributes.ENTITY_INPUT, "{\"args\":[\"dragons\"],\"kwargs\":{}}")
        .hasAttribute(
            TraceloopAttributes.ENTITY_OUTPUT,
            "\"A dragon basked in the sunny 70 degrees of Paris.\"");
    assertThat(fixture.only("execute_tool getWeather"))
        .hasAttribute(TraceloopAttributes.SPAN_KIND, "tool")
        .hasAttribute(
            TraceloopAttributes.ENTITY_INPUT,
            "{\"args\":[\"{\\\"city\\\":\\\"Paris\\\"}\"],\"kwargs\":{}}")
        .hasAttribute(TraceloopAttributes.WORKFLOW_NAME, "storyPipeline");
    assertThat(fixture.only("invoke_agent meal"))
        .hasAttribute(TraceloopAttributes.ENTITY_PATH, "recommendations");
    for (SpanData chat : fixture.named("chat gpt-4o-mini")) {
      assertThat(chat).hasAttribute(TraceloopAttributes.WORKFLOW_NAME, "storyPipeline");
    }
  }
}
