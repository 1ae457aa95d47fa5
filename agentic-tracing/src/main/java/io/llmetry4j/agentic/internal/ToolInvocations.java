package io.llmetry4j.agentic.internal;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.service.tool.BeforeToolExecution;
import dev.langchain4j.service.tool.ToolExecution;
import dev.langchain4j.service.tool.ToolExecutionResult;
import io.llmetry4j.core.internal.Instrumentation;
import io.llmetry4j.core.internal.Operation;
import io.llmetry4j.rag.internal.ToolSpans;
import io.opentelemetry.context.Scope;
import java.lang.reflect.Method;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.annotation.Nullable;

/**
 * The {@code execute_tool {name}} spans (rag-tracing's {@link ToolSpans}, as for an AI Service's
 * tools) of the tools an agent runs, from the agentic listener's tool callbacks: LangChain4j calls
 * them on the agent's thread before and after the tool, which runs in between with the tool span
 * current.
 */
final class ToolInvocations {

  private final Instrumentation instrumentation;
  // One operation per tool name, as TracingTools has one per tool; an agent's tools are few.
  private final Map<String, Operation<ToolSpans.Call, Object>> operations =
      new ConcurrentHashMap<>();
  // Before and after of one tool run on the same thread; tools of one agent run one at a time.
  private final ThreadLocal<ArrayDeque<Open>> open = ThreadLocal.withInitial(ArrayDeque::new);

  ToolInvocations(Instrumentation instrumentation) {
    this.instrumentation = instrumentation;
  }

  private Operation<ToolSpans.Call, Object> operation(String toolName) {
    return operations.computeIfAbsent(
        toolName, name -> ToolSpans.operation(instrumentation, name, null));
  }

  /** {@code event}: 1.11's {@code BeforeToolExecution}, or 1.12's wrapper of it. */
  void before(@Nullable Object event) {
    try {
      BeforeToolExecution before = unwrap(event, BeforeToolExecution.class);
      if (before == null || before.request() == null) {
        return;
      }
      ToolExecutionRequest request = before.request();
      for (Open running : open.get()) {
        if (running.request == request) {
          return; // the same callback again (a listener both inherited and own, before 1.19)
        }
      }
      Operation<ToolSpans.Call, Object> operation = operation(request.name());
      Operation.Call<ToolSpans.Call> call = operation.start(new ToolSpans.Call(request));
      open.get().addLast(new Open(request, operation, call, call.makeCurrent()));
    } catch (Throwable e) {
      failed(e);
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
      Open run = null;
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
      // Scopes close innermost first: whatever was opened after this run closes with it.
      while (!stack.isEmpty()) {
        Open last = stack.pollLast();
        last.scope.close();
        if (last == run) {
          break;
        }
        last.operation.end(last.call, null, null);
      }
      if (stack.isEmpty()) {
        open.remove();
      }
      run.operation.end(run.call, result(execution), null);
    } catch (Throwable e) {
      failed(e);
    }
  }

  /** The execution as the result a tool executor returns: its text, flagged when it failed. */
  private static ToolExecutionResult result(ToolExecution execution) {
    return ToolExecutionResult.builder()
        .resultText(execution.result())
        .isError(execution.hasFailed())
        .build();
  }

  private void failed(Throwable e) {
    operation("?").instrumentationFailed(e);
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
    final Operation<ToolSpans.Call, Object> operation;
    final Operation.Call<ToolSpans.Call> call;
    final Scope scope;

    Open(
        ToolExecutionRequest request,
        Operation<ToolSpans.Call, Object> operation,
        Operation.Call<ToolSpans.Call> call,
        Scope scope) {
      this.request = request;
      this.operation = operation;
      this.call = call;
      this.scope = scope;
    }
  }
}
