package io.llmetry4j.agentic.internal;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.service.tool.BeforeToolExecution;
import dev.langchain4j.service.tool.ToolExecution;
import io.llmetry4j.core.internal.AgentContext;
import io.llmetry4j.core.internal.ErrorTypes;
import io.llmetry4j.core.internal.Instrumentation;
import io.llmetry4j.core.internal.OpenLlmetryEntity;
import io.llmetry4j.core.internal.Operation;
import io.llmetry4j.core.internal.SemconvAttributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.lang.reflect.Method;
import java.util.ArrayDeque;
import java.util.Iterator;
import javax.annotation.Nullable;

/**
 * The {@code execute_tool {name}} spans of the tools an agent runs, from the agentic listener's
 * tool callbacks: LangChain4j calls them on the agent's thread before and after the tool, which
 * runs in between with the tool span current.
 */
final class ToolInvocations {

  private final Instrumentation instrumentation;
  private final Operation<ToolRun, ToolExecution> operation;
  // Before and after of one tool run on the same thread; tools of one agent run one at a time.
  private final ThreadLocal<ArrayDeque<Open>> open = ThreadLocal.withInitial(ArrayDeque::new);

  ToolInvocations(Instrumentation instrumentation) {
    this.instrumentation = instrumentation;
    this.operation =
        Operation.<ToolRun, ToolExecution>builder(
                instrumentation, SpanKind.INTERNAL, run -> "execute_tool " + run.name)
            .addExtractor(new Attributes(instrumentation))
            .addOpenLlmetryExtractor(
                new OpenLlmetryEntity<ToolRun, ToolExecution>(
                    instrumentation,
                    run -> "tool",
                    run -> run.name,
                    run -> new Object[] {run.request.arguments()},
                    // A failed execution has no result: the span's error says what happened.
                    execution -> execution.hasFailed() ? null : execution.result()))
            .responseError(
                execution -> execution.hasFailed() ? ErrorTypes.TOOL_ERROR : null,
                "the tool returned an error result")
            .metrics(
                (run, execution, errorType, seconds) ->
                    instrumentation
                        .metrics()
                        .recordToolDuration(seconds, run.name, run.agentName, errorType))
            .build();
  }

  /** {@code event}: 1.11's {@code BeforeToolExecution}, or 1.12's wrapper of it. */
  void before(@Nullable Object event) {
    try {
      BeforeToolExecution before = unwrap(event, BeforeToolExecution.class);
      if (before == null || before.request() == null) {
        return;
      }
      ToolRun run = new ToolRun(before.request(), AgentContext.from(Context.current()));
      Operation.Call<ToolRun> call = operation.start(run);
      open.get().addLast(new Open(before.request(), call, call.makeCurrent()));
    } catch (Throwable e) {
      operation.instrumentationFailed(e);
    }
  }

  /** {@code event}: 1.11's {@code ToolExecution}, or 1.12's wrapper of it. */
  void after(@Nullable Object event) {
    try {
      ToolExecution execution = unwrap(event, ToolExecution.class);
      if (execution == null) {
        return;
      }
      ArrayDeque<Open> stack = open.get();
      Open run = stack.peekLast();
      if (run == null) {
        return;
      }
      if (run.request != execution.request()) {
        // Not the innermost: find it, closing nothing out of order.
        run = null;
        for (Iterator<Open> it = stack.descendingIterator(); it.hasNext(); ) {
          Open candidate = it.next();
          if (candidate.request == execution.request()) {
            run = candidate;
            break;
          }
        }
        if (run == null) {
          return;
        }
      }
      // Scopes close innermost first: whatever was opened after this run closes with it.
      while (!stack.isEmpty()) {
        Open last = stack.pollLast();
        last.scope.close();
        if (last == run) {
          break;
        }
        operation.end(last.call, null, null);
      }
      if (stack.isEmpty()) {
        open.remove();
      }
      operation.end(run.call, execution, null);
    } catch (Throwable e) {
      operation.instrumentationFailed(e);
    }
  }

  /** The event itself, or the one that LangChain4j 1.12 wraps in its agent tool events. */
  @Nullable
  private static <T> T unwrap(@Nullable Object event, Class<T> type)
      throws ReflectiveOperationException {
    if (event == null || type.isInstance(event)) {
      return type.cast(event);
    }
    Method accessor = event.getClass().getMethod("toolExecution");
    Object inner = accessor.invoke(event);
    return type.isInstance(inner) ? type.cast(inner) : null;
  }

  private static final class Open {
    final ToolExecutionRequest request;
    final Operation.Call<ToolRun> call;
    final Scope scope;

    Open(ToolExecutionRequest request, Operation.Call<ToolRun> call, Scope scope) {
      this.request = request;
      this.call = call;
      this.scope = scope;
    }
  }

  /** One tool run: the model's request and the agent running it. */
  static final class ToolRun {
    final ToolExecutionRequest request;
    final String name;
    @Nullable final String conversationId;
    @Nullable final String agentName;

    ToolRun(ToolExecutionRequest request, @Nullable AgentContext agent) {
      this.request = request;
      this.name = request.name();
      this.conversationId = agent == null ? null : agent.conversationId();
      this.agentName = agent == null ? null : agent.agentName();
    }
  }

  private static final class Attributes implements Operation.Extractor<ToolRun, ToolExecution> {
    private final Instrumentation instrumentation;

    Attributes(Instrumentation instrumentation) {
      this.instrumentation = instrumentation;
    }

    @Override
    public void onStart(SpanBuilder span, ToolRun run) {
      span.setAttribute(
              SemconvAttributes.GEN_AI_OPERATION_NAME, SemconvAttributes.OperationName.EXECUTE_TOOL)
          .setAttribute(SemconvAttributes.GEN_AI_TOOL_NAME, run.name)
          .setAttribute(SemconvAttributes.GEN_AI_TOOL_TYPE, "function");
      if (run.request.id() != null) {
        span.setAttribute(SemconvAttributes.GEN_AI_TOOL_CALL_ID, run.request.id());
      }
      if (run.conversationId != null) {
        span.setAttribute(SemconvAttributes.GEN_AI_CONVERSATION_ID, run.conversationId);
      }
      if (run.agentName != null && instrumentation.latestExperimental()) {
        span.setAttribute(SemconvAttributes.GEN_AI_AGENT_NAME, run.agentName);
      }
    }

    private int valueLimit() {
      return instrumentation.semconvContentBudget() / 2;
    }

    @Override
    public void onRecordingStart(Span span, ToolRun run) {
      if (instrumentation.captureContent()) {
        String arguments = instrumentation.contentJson(run.request.arguments(), valueLimit());
        if (arguments != null) {
          span.setAttribute(SemconvAttributes.GEN_AI_TOOL_CALL_ARGUMENTS, arguments);
        }
      }
    }

    @Override
    public void onEnd(
        Span span, ToolRun run, @Nullable ToolExecution execution, @Nullable Throwable error) {
      if (instrumentation.captureContent() && execution != null && !execution.hasFailed()) {
        String result = instrumentation.content(execution.result(), valueLimit());
        if (result != null) {
          span.setAttribute(SemconvAttributes.GEN_AI_TOOL_CALL_RESULT, result);
        }
      }
    }
  }
}
