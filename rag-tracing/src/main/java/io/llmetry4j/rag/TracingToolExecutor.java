package io.llmetry4j.rag;

import static java.util.Objects.requireNonNull;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.service.tool.ToolExecutionResult;
import dev.langchain4j.service.tool.ToolExecutor;
import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.core.internal.AgentContext;
import io.llmetry4j.core.internal.ErrorTypes;
import io.llmetry4j.core.internal.Forwarding;
import io.llmetry4j.core.internal.Instrumentation;
import io.llmetry4j.core.internal.Operation;
import io.llmetry4j.core.internal.SemconvAttributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
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
    Operation<ToolCall, Object> operation =
        Operation.<ToolCall, Object>builder(instrumentation, SpanKind.INTERNAL, call -> spanName)
            .addExtractor(
                new Attributes(instrumentation, specification.name(), specification.description()))
            .addOpenLlmetryExtractor(
                OpenLlmetryExtractors.tool(instrumentation, specification.name()))
            .responseError(TracingToolExecutor::errorType, ERROR_RESULT_DESCRIPTION)
            .metrics(
                (call, result, errorType, seconds) ->
                    instrumentation
                        .metrics()
                        .recordToolDuration(
                            seconds, specification.name(), call.agentName, errorType))
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
                        new ToolCall((ToolExecutionRequest) args[0]),
                        () -> invocation.invoke(executor, args))
                : null);
  }

  /** Status description of a span whose tool returned a result flagged as an error. */
  static final String ERROR_RESULT_DESCRIPTION = "the tool returned an error result";

  /** A result flagged as an error fails the span, though nothing was thrown. */
  @Nullable
  private static String errorType(Object result) {
    return isErrorResult(result) ? ErrorTypes.TOOL_ERROR : null;
  }

  /** The text of a tool's result, as the model receives it. */
  @Nullable
  static String resultText(Object result) {
    return result instanceof ToolExecutionResult
        ? ((ToolExecutionResult) result).resultText()
        : result.toString();
  }

  static boolean isErrorResult(@Nullable Object result) {
    return result instanceof ToolExecutionResult && ((ToolExecutionResult) result).isError();
  }

  /** One execution: the model's request, and the agent call it belongs to (from the context). */
  static final class ToolCall {
    @Nullable final ToolExecutionRequest request;
    @Nullable final String conversationId;
    @Nullable final String agentName;

    ToolCall(@Nullable ToolExecutionRequest request) {
      this.request = request;
      AgentContext agent = AgentContext.from(Context.current());
      this.conversationId = agent == null ? null : agent.conversationId();
      this.agentName = agent == null ? null : agent.agentName();
    }
  }

  /** What an {@code execute_tool} span records. */
  private static final class Attributes implements Operation.Extractor<ToolCall, Object> {
    private final Instrumentation instrumentation;
    private final String name;
    @Nullable private final String description;

    Attributes(Instrumentation instrumentation, String name, @Nullable String description) {
      this.instrumentation = instrumentation;
      this.name = name;
      this.description = description;
    }

    @Override
    public void onStart(SpanBuilder span, ToolCall call) {
      ToolExecutionRequest request = call.request;
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
      if (call.conversationId != null) {
        span.setAttribute(SemconvAttributes.GEN_AI_CONVERSATION_ID, call.conversationId);
      }
      // The newest conventions name the agent executing the tool.
      if (call.agentName != null && instrumentation.latestExperimental()) {
        span.setAttribute(SemconvAttributes.GEN_AI_AGENT_NAME, call.agentName);
      }
    }

    /**
     * Arguments and result share the conventions' part of the span's content budget (in
     * compatibility mode OpenLLMetry's entity input and output take the other half).
     */
    private int valueLimit() {
      return instrumentation.semconvContentBudget() / 2;
    }

    @Override
    public void onRecordingStart(Span span, ToolCall call) {
      if (call.request != null && instrumentation.captureContent()) {
        String arguments = instrumentation.contentJson(call.request.arguments(), valueLimit());
        if (arguments != null) {
          span.setAttribute(SemconvAttributes.GEN_AI_TOOL_CALL_ARGUMENTS, arguments);
        }
      }
    }

    @Override
    public void onEnd(
        Span span, ToolCall call, @Nullable Object result, @Nullable Throwable error) {
      // An error result is no result: the span's error says what happened.
      if (!instrumentation.captureContent() || result == null || isErrorResult(result)) {
        return;
      }
      String recorded = instrumentation.content(resultText(result), valueLimit());
      if (recorded != null) {
        span.setAttribute(SemconvAttributes.GEN_AI_TOOL_CALL_RESULT, recorded);
      }
    }
  }
}
