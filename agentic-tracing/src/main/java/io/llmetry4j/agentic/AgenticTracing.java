package io.llmetry4j.agentic;

import static java.util.Objects.requireNonNull;

import dev.langchain4j.agentic.agent.AgentBuilder;
import dev.langchain4j.agentic.observability.AgentListener;
import dev.langchain4j.agentic.planner.AgenticService;
import dev.langchain4j.agentic.supervisor.SupervisorAgentService;
import io.llmetry4j.agentic.internal.AgentInvocations;
import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.core.internal.Instrumentation;

/**
 * Traces a LangChain4j agentic system ({@code langchain4j-agentic}): every agent invocation is an
 * {@code invoke_agent {agent name}} span, every workflow agent (sequence, parallel, loop,
 * conditional) an {@code invoke_workflow {name}} span, nested as the agents nest, with the chat,
 * tool and retrieval spans of each agent under it. One call on the outermost builder covers every
 * sub-agent:
 *
 * <pre>{@code
 * AgenticTracing tracing = AgenticTracing.create(telemetry);
 * UntypedAgent system = tracing.build(AgenticServices.sequenceBuilder()
 *     .subAgents(writer, AgenticServices.parallelBuilder().subAgents(food, movie).build())
 *     .outputKey("story"));
 * }</pre>
 *
 * <p>{@link #build} registers llmetry4j's {@code AgentListener} on the builder (LangChain4j passes
 * it on to the sub-agents) and returns the built system wrapped so that the outermost span ends
 * whatever the outcome: before 1.18, LangChain4j tells the outermost agent's listener nothing when
 * a sub-agent fails. The wrapper implements every interface of the built system (its {@code
 * AgenticScopeAccess} included) and forwards every call unchanged.
 *
 * <p>The agentic scope's memory id is {@code gen_ai.conversation.id} on every span of the run.
 * Parallel branches run on LangChain4j's executor threads; their spans are children of the parallel
 * agent's span all the same. An agent's inputs and output are content: recorded only with content
 * capture on, within the content budget.
 */
public final class AgenticTracing {

  private final AgentInvocations invocations;

  private AgenticTracing(LlmTelemetry telemetry) {
    this.invocations = new AgentInvocations(Instrumentation.of(telemetry));
  }

  /** Tracing of agentic systems, reporting to {@code telemetry}. */
  public static AgenticTracing create(LlmTelemetry telemetry) {
    return new AgenticTracing(requireNonNull(telemetry, "telemetry"));
  }

  /**
   * Builds the agentic system {@code builder} describes (a sequence, parallel, loop, conditional or
   * planner builder), traced.
   */
  public <A> A build(AgenticService<?, A> builder) {
    requireNonNull(builder, "builder");
    builder.listener(invocations.listener());
    return invocations.wrapRoot(builder.build());
  }

  /** Builds the supervisor agent {@code builder} describes, traced with the agents it chooses. */
  public <A> A build(SupervisorAgentService<A> builder) {
    requireNonNull(builder, "builder");
    builder.listener(invocations.listener());
    return invocations.wrapRoot(builder.build());
  }

  /** Builds the agent {@code builder} describes, traced with the agents it calls as tools. */
  public <A> A build(AgentBuilder<A, ?> builder) {
    requireNonNull(builder, "builder");
    builder.listener(invocations.listener());
    return invocations.wrapRoot(builder.build());
  }

  /**
   * The listener behind {@link #build}, for systems built where no builder is at hand: an agentic
   * system declared with annotations ({@code AgenticServices.createAgenticSystem}) takes it from a
   * static method of its interface annotated {@code @AgentListenerSupplier}; pass the built system
   * to {@link #wrap} as well. The same listener every time.
   */
  public AgentListener listener() {
    return invocations.listener();
  }

  /**
   * {@code system}, the outermost agent of a system built with {@link #listener()}, wrapped so that
   * its span ends whatever the outcome (see the class comment); returned as it is if LangChain4j
   * did not build it.
   */
  public <A> A wrap(A system) {
    return invocations.wrapRoot(requireNonNull(system, "system"));
  }
}
