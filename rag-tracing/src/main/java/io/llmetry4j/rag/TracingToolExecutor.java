package io.llmetry4j.rag;

import static java.util.Objects.requireNonNull;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.service.tool.ToolExecutionResult;
import dev.langchain4j.service.tool.ToolExecutor;
import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.core.internal.Forwarding;
import io.llmetry4j.core.internal.Instrumentation;
import io.llmetry4j.core.internal.Operation;
import io.llmetry4j.core.internal.SemconvAttributes;
import io.llmetry4j.core.internal.TraceloopAttributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import javax.annotation.Nullable;

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
    String spanName = "execute_tool " + specification.name();
    Instrumentation instrumentation = Instrumentation.of(telemetry);
    Operation<ToolExecutionRequest, Object> operation =
        Operation.<ToolExecutionRequest, Object>builder(
                instrumentation, SpanKind.INTERNAL, request -> spanName)
            .addExtractor(
                new Attributes(instrumentation, specification.name(), specification.description()))
            .responseErrorType(TracingToolExecutor::errorType)
            .build();
    return Forwarding.wrap(
        ToolExecutor.class,
        delegate,
        method ->
            method.getName().startsWith("execute")
                    && method.getParameterCount() > 0
                    && method.getParameterTypes()[0] == ToolExecutionRequest.class
                ? (executor, self, invocation, args) ->
                    operation.call(
                        (ToolExecutionRequest) args[0], () -> invocation.invoke(executor, args))
                : null);
  }

  /** A result flagged as an error fails the span, though nothing was thrown. */
  @Nullable
  private static String errorType(Object result) {
    return result instanceof ToolExecutionResult && ((ToolExecutionResult) result).isError()
        ? "tool_error"
        : null;
  }

  /** What an {@code execute_tool} span records. */
  private static final class Attributes
      implements Operation.Extractor<ToolExecutionRequest, Object> {
    private final Instrumentation instrumentation;
    private final String name;
    @Nullable private final String description;

    Attributes(Instrumentation instrumentation, String name, @Nullable String description) {
      this.instrumentation = instrumentation;
      this.name = name;
      this.description = description;
    }

    @Override
    public void onStart(SpanBuilder span, @Nullable ToolExecutionRequest request) {
      span.setAttribute(
              SemconvAttributes.GEN_AI_OPERATION_NAME, SemconvAttributes.OperationName.EXECUTE_TOOL)
          .setAttribute(SemconvAttributes.GEN_AI_TOOL_NAME, name)
          .setAttribute(SemconvAttributes.GEN_AI_TOOL_TYPE, "function");
      if (description != null) {
        span.setAttribute(SemconvAttributes.GEN_AI_TOOL_DESCRIPTION, description);
      }
      if (request != null && request.id() != null) {
        span.setAttribute(SemconvAttributes.GEN_AI_TOOL_CALL_ID, request.id());
      }
      if (instrumentation.openLlmetryCompat()) {
        span.setAttribute(TraceloopAttributes.SPAN_KIND, "tool")
            .setAttribute(TraceloopAttributes.ENTITY_NAME, name);
      }
    }

    @Override
    public void onRecordingStart(Span span, @Nullable ToolExecutionRequest request) {
      if (request != null) {
        instrumentation.recordContent(
            span, SemconvAttributes.GEN_AI_TOOL_CALL_ARGUMENTS, request.arguments());
      }
    }

    @Override
    public void onEnd(
        Span span,
        @Nullable ToolExecutionRequest request,
        @Nullable Object result,
        @Nullable Throwable error) {
      if (!instrumentation.captureContent() || result == null) {
        return;
      }
      String text =
          result instanceof ToolExecutionResult
              ? ((ToolExecutionResult) result).resultText()
              : result.toString();
      instrumentation.recordContent(span, SemconvAttributes.GEN_AI_TOOL_CALL_RESULT, text);
    }
  }
}
