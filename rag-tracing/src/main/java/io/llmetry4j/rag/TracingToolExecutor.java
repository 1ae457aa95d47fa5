package io.llmetry4j.rag;

import static java.util.Objects.requireNonNull;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.service.tool.ToolExecutor;
import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.core.internal.Forwarding;
import io.llmetry4j.core.internal.Instrumentation;
import io.llmetry4j.core.internal.Operation;
import io.llmetry4j.rag.internal.ToolSpans;

/**
 * Wraps a {@link ToolExecutor} so that each execution records an {@code execute_tool {name}} span
 * (INTERNAL); arguments and result only with content capture on. A tool that throws gives an error
 * span and the same exception; a result flagged as an error marks the span too.
 */
final class TracingToolExecutor {

  private TracingToolExecutor() {}

  /**
   * {@code delegate}, traced: {@code execute} and {@code executeWithContext} record the span; every
   * other method (present or added by later LangChain4j versions) is the delegate's own.
   */
  static ToolExecutor wrap(
      LlmTelemetry telemetry, ToolSpecification specification, ToolExecutor delegate) {
    requireNonNull(telemetry, "telemetry");
    requireNonNull(delegate, "delegate");
    Operation<ToolSpans.Call, Object> operation =
        ToolSpans.operation(
            Instrumentation.of(telemetry), specification.name(), specification.description());
    return Forwarding.wrap(
        ToolExecutor.class,
        delegate,
        method ->
            method.getName().startsWith("execute")
                    && method.getParameterCount() > 0
                    && method.getParameterTypes()[0] == ToolExecutionRequest.class
                ? (executor, self, invocation, args) ->
                    operation.call(
                        new ToolSpans.Call((ToolExecutionRequest) args[0]),
                        () -> invocation.invoke(executor, args))
                : null);
  }
}
