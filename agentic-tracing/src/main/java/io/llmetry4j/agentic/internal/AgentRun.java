package io.llmetry4j.agentic.internal;

import dev.langchain4j.agentic.planner.AgentInstance;
import dev.langchain4j.agentic.planner.AgenticSystemTopology;
import dev.langchain4j.agentic.scope.AgenticScope;
import io.llmetry4j.core.internal.AgentContext;
import java.util.Locale;
import java.util.Map;
import javax.annotation.Nullable;

/** One agent invocation, as its span records it. */
final class AgentRun {

  /** What every invocation of one agent shares. */
  static final class Shape {
    final String name;
    final String agentId;
    @Nullable final String description;
    @Nullable final AgenticSystemTopology topology;

    /** An {@code invoke_workflow} span: the application, not a model, decides what runs next. */
    final boolean workflow;

    private Shape(AgentInstance agent) {
      this.name = agent.name();
      this.agentId = agent.agentId();
      String text = agent.description();
      this.description = text == null || text.isBlank() ? null : text;
      this.topology = agent.topology();
      this.workflow = isWorkflow(agent);
    }

    static Shape of(AgentInstance agent) {
      return new Shape(agent);
    }

    /**
     * LangChain4j's workflow agents (sequence, parallel, loop, conditional) run their sub-agents in
     * an order the application fixed: their planners live in its {@code workflow} package. A
     * supervisor reports the SEQUENCE topology too, but a model plans its steps: an agent.
     */
    private static boolean isWorkflow(AgentInstance agent) {
      Class<?> planner = agent.plannerType();
      return planner != null && planner.getName().startsWith("dev.langchain4j.agentic.workflow.");
    }

    /** {@code llmetry4j.agentic.topology}: LangChain4j's topology, in lower case. */
    @Nullable
    String topologyName() {
      return topology == null ? null : topology.name().toLowerCase(Locale.ROOT);
    }
  }

  final Shape shape;
  final AgenticSystemTopology topology;
  @Nullable final Map<String, Object> inputs;
  @Nullable final Long loopIteration;
  // The outermost agent's run is created before LangChain4j names its scope (bindScope).
  AgentContext context;
  @Nullable String conversationId;
  final boolean rootOfWrapper;

  /** The outermost agent of its system (no parent agent). */
  final boolean outermost;

  /**
   * The agent's output as LangChain4j reported it (for the outermost agent: kept until it ends).
   */
  @Nullable volatile Object output;

  private AgentRun(
      Shape shape,
      @Nullable String conversationId,
      @Nullable Map<String, Object> inputs,
      @Nullable Long loopIteration,
      boolean rootOfWrapper,
      boolean outermost) {
    this.shape = shape;
    this.topology = shape.topology;
    this.inputs = inputs;
    this.loopIteration = loopIteration;
    this.conversationId = conversationId;
    this.rootOfWrapper = rootOfWrapper;
    this.outermost = outermost;
    this.context = new AgentContext(shape.name, conversationId);
  }

  static AgentRun of(
      AgentInstance agent,
      @Nullable AgenticScope scope,
      @Nullable Map<String, Object> inputs,
      @Nullable Long loopIteration) {
    return new AgentRun(
        Shape.of(agent), memoryIdOf(scope), inputs, loopIteration, false, agent.parent() == null);
  }

  /** The outermost agent's run, before LangChain4j reports its scope. */
  static AgentRun root(Shape shape) {
    return new AgentRun(shape, null, null, null, true, true);
  }

  /** The scope of the outermost run, once LangChain4j reports it. */
  void bindScope(@Nullable AgenticScope scope) {
    String id = memoryIdOf(scope);
    if (id != null) {
      conversationId = id;
      context = new AgentContext(shape.name, id);
    }
  }

  @Nullable
  private static String memoryIdOf(@Nullable AgenticScope scope) {
    Object id = scope == null ? null : scope.memoryId();
    return id == null ? null : String.valueOf(id);
  }
}
