package io.llmetry4j.agentic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.agentic.AgenticServices;
import dev.langchain4j.agentic.declarative.AgentListenerSupplier;
import dev.langchain4j.agentic.declarative.ParallelAgent;
import dev.langchain4j.agentic.declarative.SequenceAgent;
import dev.langchain4j.agentic.observability.AgentListener;
import dev.langchain4j.service.V;
import io.opentelemetry.context.Context;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An agentic system declared with annotations ({@code AgenticServices.createAgenticSystem}): the
 * listener its interface supplies, and the wrapper of the built system, cover every sub-agent.
 */
class DeclarativeSystemTracingTest {

  /** Where the interface's static supplier finds the test's tracing. */
  static final AtomicReference<AgenticTracing> TRACING = new AtomicReference<>();

  public interface Experts {
    @ParallelAgent(
        name = "recommendations",
        outputKey = "meal",
        subAgents = {AgenticFixture.FoodExpert.class, AgenticFixture.MovieExpert.class})
    String recommend(@V("story") String story);
  }

  public interface StoryEvening {
    @SequenceAgent(
        name = "storyEvening",
        outputKey = "meal",
        subAgents = {AgenticFixture.Editor.class, Experts.class})
    String plan(@V("story") String story);

    @AgentListenerSupplier
    static AgentListener tracing() {
      return TRACING.get().listener();
    }
  }

  private final AgenticFixture fixture = new AgenticFixture();

  @AfterEach
  void close() {
    TRACING.set(null);
    fixture.close();
  }

  @Test
  void the_supplied_listener_and_the_wrapper_trace_every_declared_agent() {
    AgenticTracing tracing = AgenticTracing.create(fixture.telemetry);
    TRACING.set(tracing);
    StoryEvening evening =
        tracing.wrap(AgenticServices.createAgenticSystem(StoryEvening.class, fixture.chatModel()));

    String meal = evening.plan("A dragon in Paris.");

    assertThat(meal).isEqualTo("Ratatouille.");
    assertThat(fixture.tree())
        .isEqualTo(
            String.join(
                "\n",
                "invoke_workflow storyEvening",
                "  invoke_agent edit",
                "    chat gpt-4o-mini",
                "  invoke_workflow recommendations",
                "    invoke_agent film",
                "      chat gpt-4o-mini",
                "    invoke_agent meal",
                "      chat gpt-4o-mini"));
    assertThat(Context.current()).isSameAs(Context.root());
  }
}
