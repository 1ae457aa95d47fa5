package io.llmetry4j.agentic;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.agentic.AgenticServices;
import dev.langchain4j.agentic.supervisor.SupervisorAgent;
import dev.langchain4j.agentic.supervisor.SupervisorResponseStrategy;
import dev.langchain4j.model.chat.ChatModel;
import io.llmetry4j.core.internal.SemconvAttributes;
import io.llmetry4j.core.testing.ReplayHttpServer.Response;
import io.llmetry4j.core.testing.SemconvSpans;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A supervisor agent whose model (a real OpenAI-format client against a local replay server)
 * chooses two sub-agents in turn, then ends: its planning calls and each chosen sub-agent, in
 * order, under its span.
 */
class SupervisorTracingTest {

  private final AgenticFixture fixture = new AgenticFixture();
  private final AtomicInteger plans = new AtomicInteger();

  @AfterEach
  void close() {
    fixture.close();
  }

  /** The supervisor's model: first the meal expert, then the film expert, then done. */
  private Response plan(String body) {
    switch (plans.incrementAndGet()) {
      case 1:
        return invocation("meal", "{\\\"story\\\":\\\"a dragon in Paris\\\"}");
      case 2:
        return invocation("film", "{\\\"story\\\":\\\"a dragon in Paris\\\"}");
      default:
        return invocation("done", "{\\\"response\\\":\\\"Ratatouille and a dragon film.\\\"}");
    }
  }

  private static Response invocation(String agent, String arguments) {
    return Response.json(
        200,
        AgenticFixture.answer(
            "{\\\"agentName\\\":\\\"" + agent + "\\\",\\\"arguments\\\":" + arguments + "}"));
  }

  @Test
  void the_supervisor_plans_under_its_span_and_runs_the_chosen_agents_in_order() {
    ChatModel model = fixture.chatModel();
    fixture.server.byDefault(
        "/chat/completions",
        body ->
            body.contains("You are a planner expert")
                ? plan(body)
                : body.contains("Suggest one meal")
                    ? Response.json(200, AgenticFixture.answer("Ratatouille."))
                    : Response.json(200, AgenticFixture.answer("How to Train Your Dragon.")));
    SupervisorAgent concierge =
        AgenticTracing.create(fixture.telemetry)
            .build(
                AgenticServices.supervisorBuilder()
                    .name("concierge")
                    .chatModel(model)
                    .responseStrategy(SupervisorResponseStrategy.LAST)
                    .subAgents(
                        AgenticServices.agentBuilder(AgenticFixture.FoodExpert.class)
                            .chatModel(model)
                            .build(),
                        AgenticServices.agentBuilder(AgenticFixture.MovieExpert.class)
                            .chatModel(model)
                            .build()));

    String answer = concierge.invoke("Plan an evening around a story of a dragon in Paris");

    assertThat(answer).isNotBlank();
    assertThat(fixture.tree())
        .isEqualTo(
            String.join(
                "\n",
                "invoke_agent concierge",
                "  chat gpt-4o-mini",
                "  invoke_agent meal",
                "    chat gpt-4o-mini",
                "  chat gpt-4o-mini",
                "  invoke_agent film",
                "    chat gpt-4o-mini",
                "  chat gpt-4o-mini"));
    SpanData supervisor = fixture.only("invoke_agent concierge");
    assertThat(supervisor)
        .hasAttribute(SemconvAttributes.GEN_AI_OPERATION_NAME, "invoke_agent")
        .hasAttribute(SemconvAttributes.GEN_AI_PROVIDER_NAME, "openai");
    SemconvSpans.assertConforms(supervisor, "span.gen_ai.invoke_agent.internal");
  }
}
