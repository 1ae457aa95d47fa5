package io.llmetry4j.rag;

import static java.util.Objects.requireNonNull;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.invocation.InvocationContext;
import dev.langchain4j.service.tool.ToolExecutionResult;
import dev.langchain4j.service.tool.ToolExecutor;
import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.core.internal.Instrumentation;
import io.llmetry4j.core.internal.SemconvAttributes;
import io.llmetry4j.core.internal.TracedCall;
import io.llmetry4j.core.internal.TraceloopAttributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import javax.annotation.Nullable;

/**
 * A {@link ToolExecutor} that records an {@code execute_tool {name}} span (INTERNAL) around the
 * executor it wraps; arguments and result only with content capture on. A tool that throws gives an
 * error span and the same exception; a result flagged as an error marks the span too.
 */
public final class TracingToolExecutor implements ToolExecutor {

  private final ToolExecutor delegate;
  private final LlmTelemetry telemetry;
  private final String name;
  private final String spanName;
  @Nullable private final String description;
  private final TracedCall traced = new TracedCall();

  private TracingToolExecutor(
      LlmTelemetry telemetry, ToolSpecification specification, ToolExecutor delegate) {
    this.telemetry = requireNonNull(telemetry, "telemetry");
    this.delegate = requireNonNull(delegate, "delegate");
    this.name = specification.name();
    this.spanName = "execute_tool " + name;
    this.description = specification.description();
  }

  public static TracingToolExecutor wrap(
      LlmTelemetry telemetry, ToolSpecification specification, ToolExecutor delegate) {
    return new TracingToolExecutor(telemetry, specification, delegate);
  }

  @Override
  public String execute(ToolExecutionRequest request, Object memoryId) {
    return traced.call(
        start(request), () -> delegate.execute(request, memoryId), this::onResultText);
  }

  @Override
  public ToolExecutionResult executeWithContext(
      ToolExecutionRequest request, InvocationContext context) {
    return traced.call(
        start(request), () -> delegate.executeWithContext(request, context), this::onResult);
  }

  private Span start(@Nullable ToolExecutionRequest request) {
    try {
      SpanBuilder span =
          Instrumentation.of(telemetry)
              .tracer()
              .spanBuilder(spanName)
              .setSpanKind(SpanKind.INTERNAL)
              .setAttribute(
                  SemconvAttributes.GEN_AI_OPERATION_NAME,
                  SemconvAttributes.OperationName.EXECUTE_TOOL)
              .setAttribute(SemconvAttributes.GEN_AI_TOOL_NAME, name)
              .setAttribute(SemconvAttributes.GEN_AI_TOOL_TYPE, "function");
      if (description != null) {
        span.setAttribute(SemconvAttributes.GEN_AI_TOOL_DESCRIPTION, description);
      }
      if (request != null && request.id() != null) {
        span.setAttribute(SemconvAttributes.GEN_AI_TOOL_CALL_ID, request.id());
      }
      if (telemetry.captureContent() && request != null) {
        String arguments = Instrumentation.of(telemetry).content(request.arguments());
        if (arguments != null) {
          span.setAttribute(SemconvAttributes.GEN_AI_TOOL_CALL_ARGUMENTS, arguments);
        }
      }
      if (telemetry.openLlmetryCompat()) {
        span.setAttribute(TraceloopAttributes.SPAN_KIND, "tool")
            .setAttribute(TraceloopAttributes.ENTITY_NAME, name);
      }
      return span.startSpan();
    } catch (RuntimeException | LinkageError e) {
      traced.instrumentationFailed(e);
      return Span.getInvalid();
    }
  }

  private void onResultText(Span span, @Nullable String result) {
    if (telemetry.captureContent()) {
      String captured = Instrumentation.of(telemetry).content(result);
      if (captured != null) {
        span.setAttribute(SemconvAttributes.GEN_AI_TOOL_CALL_RESULT, captured);
      }
    }
  }

  private void onResult(Span span, @Nullable ToolExecutionResult result) {
    if (result == null) {
      return;
    }
    if (result.isError()) {
      span.setStatus(StatusCode.ERROR);
      span.setAttribute(SemconvAttributes.ERROR_TYPE, "tool_error");
    }
    onResultText(span, result.resultText());
  }
}
