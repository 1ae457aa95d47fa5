package io.llmetry4j.agentic.internal;

import dev.langchain4j.agentic.observability.AgentInvocationError;
import dev.langchain4j.agentic.observability.AgentListener;
import dev.langchain4j.agentic.observability.AgentRequest;
import dev.langchain4j.agentic.observability.AgentResponse;
import dev.langchain4j.agentic.planner.AgentInstance;
import dev.langchain4j.agentic.planner.AgenticSystemTopology;
import dev.langchain4j.agentic.scope.AgenticScope;
import dev.langchain4j.agentic.scope.AgenticScopeAccess;
import io.llmetry4j.core.internal.Forwarding;
import io.llmetry4j.core.internal.Instrumentation;
import io.llmetry4j.core.internal.Operation;
import io.llmetry4j.core.internal.SemconvAttributes;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import io.opentelemetry.context.Scope;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import javax.annotation.Nullable;

/**
 * The spans of agent invocations, from LangChain4j's {@link AgentListener} callbacks: a span starts
 * in {@code beforeAgentInvocation} and ends in {@code afterAgentInvocation} or {@code
 * onAgentInvocationError}, both on the thread that runs the agent, and is current in between, so
 * that the agent's chat, tool and retrieval spans nest under it.
 *
 * <p>Each span's parent is the open invocation of the agent's parent ({@link
 * AgentInstance#parent()}) in the same agentic scope, not the thread's current context: parallel
 * branches run on executor threads, where the parallel agent's context does not flow.
 *
 * <p>The outermost agent's span is started by the wrapper of {@link #wrapRoot}, which ends it
 * whatever happens; its listener callbacks only bind to it.
 *
 * <p>Not public API.
 */
public final class AgentInvocations {

  private static final ContextKey<RootCall> ROOT = ContextKey.named("llmetry4j-agentic-root");

  private final Instrumentation instrumentation;
  private final Operation<AgentRun, Object> operation;
  private final ToolInvocations tools;
  // Open invocations by agentic scope and agent id: a stack, since an agent may be re-entered.
  private final Map<ScopedAgent, Stack> open = new ConcurrentHashMap<>();
  private final AgentListener listener;

  public AgentInvocations(Instrumentation instrumentation) {
    this.instrumentation = instrumentation;
    this.operation = AgentSpans.operation(instrumentation);
    this.tools = new ToolInvocations(instrumentation);
    this.listener = newListener();
  }

  /** The listener to register on the outermost agentic builder; inherited by every sub-agent. */
  public AgentListener listener() {
    return listener;
  }

  /**
   * A JDK proxy rather than a class: LangChain4j renamed the tool callbacks (and their types) in
   * 1.12, which one compiled class cannot override on both sides of the change; every callback it
   * does not know keeps the interface's default.
   */
  private AgentListener newListener() {
    InvocationHandler handler =
        (proxy, method, args) -> {
          if (method.getDeclaringClass() == Object.class) {
            return objectMethod(proxy, method, args);
          }
          Object argument = args != null && args.length == 1 ? args[0] : null;
          switch (method.getName()) {
            case "beforeAgentInvocation":
              before((AgentRequest) argument);
              return null;
            case "afterAgentInvocation":
              AgentResponse response = (AgentResponse) argument;
              after(response, response.agenticScope(), response.agent(), response.output(), null);
              return null;
            case "onAgentInvocationError":
              AgentInvocationError error = (AgentInvocationError) argument;
              after(error, error.agenticScope(), error.agent(), null, error.error());
              return null;
            case "beforeToolExecution":
            case "beforeAgentToolExecution":
              tools.before(argument);
              return null;
            case "afterToolExecution":
            case "afterAgentToolExecution":
              tools.after(argument);
              return null;
            case "inheritedBySubagents":
              return true;
            default:
              return InvocationHandler.invokeDefault(proxy, method, args);
          }
        };
    return (AgentListener)
        Proxy.newProxyInstance(
            AgentListener.class.getClassLoader(), new Class<?>[] {AgentListener.class}, handler);
  }

  private static Object objectMethod(Object proxy, Method method, @Nullable Object[] args) {
    switch (method.getName()) {
      case "equals":
        return proxy == args[0];
      case "hashCode":
        return System.identityHashCode(proxy);
      default:
        return "llmetry4j AgentListener";
    }
  }

  private void before(AgentRequest request) {
    try {
      AgentInstance agent = request.agent();
      AgenticScope scope = request.agenticScope();
      Invocation current = peek(scope, agent.agentId());
      if (current != null && current.request == request) {
        // The same callback again: LangChain4j before 1.19 calls a listener that a sub-agent both
        // inherits and has of its own once for each.
        return;
      }
      AgentInstance parentAgent = agent.parent();
      Invocation parent = parentAgent == null ? null : peek(scope, parentAgent.agentId());
      RootCall root = parentAgent == null ? Context.current().get(ROOT) : null;
      if (root != null && root.bind(scope)) {
        // The wrapper's span is this invocation's and ends with the call; now that the scope is
        // known, the agent's own chat and tool calls carry its conversation id.
        AgentRun run = root.run;
        if (run.conversationId != null) {
          root.call
              .span()
              .setAttribute(SemconvAttributes.GEN_AI_CONVERSATION_ID, run.conversationId);
        }
        Context body = run.context.storeIn(bodyOf(root.call, run));
        push(
            new Invocation(
                request,
                scope,
                agent.agentId(),
                root.call,
                body,
                instrumentation.makeCurrent(body),
                run));
        return;
      }
      Context parentContext = parent != null ? parent.body : Context.current();
      Long iteration = parent != null ? parent.iterationOf(agent.agentId()) : null;
      AgentRun run = AgentRun.of(agent, scope, request.inputs(), iteration);
      Operation.Call<AgentRun> call = operation.start(run.context.storeIn(parentContext), run);
      Context body = bodyOf(call, run);
      push(
          new Invocation(
              request, scope, agent.agentId(), call, body, instrumentation.makeCurrent(body), run));
    } catch (Throwable e) {
      operation.instrumentationFailed(e);
    }
  }

  private void after(
      Object event,
      AgenticScope scope,
      AgentInstance agent,
      @Nullable Object output,
      @Nullable Throwable error) {
    try {
      Invocation invocation = pop(scope, agent.agentId(), event);
      if (invocation == null) {
        return;
      }
      if (invocation.scope != null) {
        invocation.scope.close();
      }
      if (invocation.run.rootOfWrapper) {
        // Ended by the wrapper, with the outcome the application sees; the output is kept for it.
        invocation.run.output = output;
        return;
      }
      invocation.run.output = output;
      operation.end(invocation.call, output, error);
      if (error != null && !ROOT_FAILURES_REPORTED && agent.parent() != null) {
        endUnwrappedRoot(scope, agent.parent(), error);
      }
    } catch (Throwable e) {
      operation.instrumentationFailed(e);
    }
  }

  /**
   * Whether LangChain4j tells the outermost agent's listener that it failed: from 1.18, the version
   * that added {@code onAgenticSystemSuspended} to the listener.
   */
  private static final boolean ROOT_FAILURES_REPORTED = hasSuspendedCallback();

  private static boolean hasSuspendedCallback() {
    try {
      AgentListener.class.getMethod("onAgenticSystemSuspended", AgenticScope.class);
      return true;
    } catch (NoSuchMethodException e) {
      return false;
    }
  }

  /**
   * Before 1.18, an outermost agent whose sub-agent failed is told nothing, and fails: its span,
   * when no wrapper owns it (the listener registered without {@link #wrapRoot}), ends with the
   * failure of its direct sub-agent. (Should an error handler recover, the span has ended early;
   * the wrapper has no such limit.)
   */
  private void endUnwrappedRoot(AgenticScope scope, AgentInstance parent, Throwable error) {
    if (parent.parent() != null) {
      return;
    }
    Invocation root = peek(scope, parent.agentId());
    if (root == null || root.run.rootOfWrapper) {
      return;
    }
    pop(scope, parent.agentId(), null);
    if (root.scope != null && root.thread == Thread.currentThread()) {
      root.scope.close();
    }
    operation.end(root.call, null, error);
  }

  /**
   * The context the agent's own work runs in: its span's, and in OpenLLMetry compatibility mode
   * inside the workflow (the outermost workflow agent) or task (a nested one) of that name, whose
   * name and path OpenLLMetry's attributes of the spans under it carry.
   */
  private Context bodyOf(Operation.Call<AgentRun> call, AgentRun run) {
    Context context = call.context();
    return run.shape.workflow
        ? instrumentation.workflowBody(context, run.shape.name, !run.outermost)
        : context;
  }

  @Nullable
  private Invocation peek(@Nullable AgenticScope scope, String agentId) {
    Stack stack = open.get(new ScopedAgent(scope, agentId));
    if (stack == null) {
      return null;
    }
    synchronized (stack) {
      return stack.invocations.peekLast();
    }
  }

  private void push(Invocation invocation) {
    Stack stack =
        open.computeIfAbsent(
            new ScopedAgent(invocation.agenticScope, invocation.agentId), key -> new Stack());
    synchronized (stack) {
      stack.invocations.addLast(invocation);
    }
  }

  /**
   * The innermost open invocation of the agent, ended by {@code event}; null when there is none, or
   * when {@code event} already ended one (the same callback again, before 1.19).
   */
  @Nullable
  private Invocation pop(@Nullable AgenticScope scope, String agentId, @Nullable Object event) {
    ScopedAgent key = new ScopedAgent(scope, agentId);
    Stack stack = open.get(key);
    if (stack == null) {
      return null;
    }
    synchronized (stack) {
      if (event != null && stack.lastEnd == event) {
        return null;
      }
      Invocation invocation = stack.invocations.pollLast();
      stack.lastEnd = event;
      if (stack.invocations.isEmpty()) {
        open.remove(key, stack);
      }
      return invocation;
    }
  }

  /** The open invocations of one agent in one scope, and the callback that ended the last one. */
  private static final class Stack {
    final Deque<Invocation> invocations = new ArrayDeque<>();
    @Nullable Object lastEnd;
  }

  /**
   * {@code system} wrapped: each call of its own interface's methods is the span of the outermost
   * agent, ended with the call's outcome; every other method is forwarded as it is.
   */
  @SuppressWarnings("unchecked")
  public <A> A wrapRoot(A system) {
    if (!(system instanceof AgentInstance)) {
      return system; // not one LangChain4j built: nothing to bind the callbacks to
    }
    AgentInstance agent = (AgentInstance) system;
    Class<?>[] interfaces = system.getClass().getInterfaces();
    if (interfaces.length == 0) {
      return system;
    }
    // LangChain4j's proxy lists the agent's own interface first.
    Class<A> type = (Class<A>) interfaces[0];
    AgentRun.Shape shape;
    try {
      shape = AgentRun.Shape.of(agent);
    } catch (Throwable e) {
      operation.instrumentationFailed(e);
      return system;
    }
    return Forwarding.wrapAllInterfaces(
        type,
        system,
        method ->
            isAgentMethod(method, type)
                ? (delegate, self, invocation, args) -> callRoot(shape, delegate, invocation, args)
                : null);
  }

  /**
   * A method that runs the agent: one of its own interface ({@code UntypedAgent.invoke} included),
   * not one of those LangChain4j adds for itself (the agent's description, its scope access).
   */
  private static boolean isAgentMethod(Method method, Class<?> type) {
    Class<?> declaring = method.getDeclaringClass();
    return declaring.isAssignableFrom(type)
        && declaring != AgentInstance.class
        && declaring != AgenticScopeAccess.class
        && !declaring.getName().startsWith("dev.langchain4j.agentic.internal.");
  }

  /** The agent interfaces' own methods, e.g. {@code UntypedAgent.invoke}, are traced too. */
  private Object callRoot(
      AgentRun.Shape shape, Object delegate, Forwarding.Invocation invocation, Object[] args)
      throws Throwable {
    AgentRun run = AgentRun.root(shape);
    Operation.Call<AgentRun> call = operation.start(run.context.storeIn(Context.current()), run);
    RootCall root = new RootCall(call, run);
    Scope scope = instrumentation.makeCurrent(bodyOf(call, run).with(ROOT, root));
    Object result;
    try {
      result = invocation.invoke(delegate, args);
    } catch (Throwable error) {
      // What LangChain4j left open closes before the wrapper's own scope: scopes close in order.
      finishRoot(root);
      scope.close();
      operation.end(call, null, error);
      throw error;
    }
    finishRoot(root);
    scope.close();
    operation.end(call, run.output != null ? run.output : result, null);
    return result;
  }

  /**
   * What LangChain4j left open under the outermost agent (a sub-agent whose end was never
   * reported): ended now, so that every span ends and no context stays on a thread.
   */
  private void finishRoot(RootCall root) {
    AgenticScope scope = root.scope;
    if (scope == null) {
      return;
    }
    List<Invocation> left = new ArrayList<>();
    open.forEach(
        (key, stack) -> {
          if (key.scope == scope) {
            synchronized (stack) {
              left.addAll(stack.invocations);
              stack.invocations.clear();
            }
            open.remove(key, stack);
          }
        });
    // Innermost first: scopes close in the reverse order they were opened.
    for (int i = left.size() - 1; i >= 0; i--) {
      Invocation invocation = left.get(i);
      if (invocation.scope != null && invocation.thread == Thread.currentThread()) {
        invocation.scope.close();
      }
      if (!invocation.run.rootOfWrapper) {
        operation.end(invocation.call, null, null);
      }
    }
  }

  /** The outermost call, started by the wrapper; the listener's first callback binds to it. */
  private static final class RootCall {
    final Operation.Call<AgentRun> call;
    final AgentRun run;
    @Nullable volatile AgenticScope scope;
    private boolean bound;

    RootCall(Operation.Call<AgentRun> call, AgentRun run) {
      this.call = call;
      this.run = run;
    }

    synchronized boolean bind(@Nullable AgenticScope scope) {
      if (bound) {
        return false;
      }
      bound = true;
      this.scope = scope;
      run.bindScope(scope);
      return true;
    }
  }

  /** One open agent invocation. */
  private static final class Invocation {
    /** The callback that started it: the same one again is not a second invocation. */
    final AgentRequest request;

    @Nullable final AgenticScope agenticScope;
    final String agentId;
    final Operation.Call<AgentRun> call;

    /** The context of the agent's own work: its sub-agents' spans are children of its span. */
    final Context body;

    // Null for the outermost agent, whose context the wrapper made current.
    @Nullable final Scope scope;
    final AgentRun run;
    final Thread thread = Thread.currentThread();
    // For a loop: how often each sub-agent ran in this invocation, to number the iterations.
    private final Map<String, AtomicInteger> runsOfSubagents = new ConcurrentHashMap<>();

    Invocation(
        AgentRequest request,
        @Nullable AgenticScope agenticScope,
        String agentId,
        Operation.Call<AgentRun> call,
        Context body,
        @Nullable Scope scope,
        AgentRun run) {
      this.request = request;
      this.agenticScope = agenticScope;
      this.agentId = agentId;
      this.call = call;
      this.body = body;
      this.scope = scope;
      this.run = run;
    }

    /** The iteration (from 1) a sub-agent of this loop starts, or null if this is not a loop. */
    @Nullable
    Long iterationOf(String subagentId) {
      if (run.topology != AgenticSystemTopology.LOOP) {
        return null;
      }
      return (long)
          runsOfSubagents.computeIfAbsent(subagentId, id -> new AtomicInteger()).incrementAndGet();
    }
  }

  /** An agent within one agentic scope (by identity: scopes of concurrent runs may be equal). */
  private static final class ScopedAgent {
    @Nullable final AgenticScope scope;
    final String agentId;

    ScopedAgent(@Nullable AgenticScope scope, String agentId) {
      this.scope = scope;
      this.agentId = agentId;
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof ScopedAgent
          && ((ScopedAgent) other).scope == scope
          && ((ScopedAgent) other).agentId.equals(agentId);
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(scope) * 31 + agentId.hashCode();
    }
  }
}
