package io.llmetry4j.rag.internal;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.service.tool.ToolExecutionResult;
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
import javax.annotation.Nullable;

/**
 * The one {@code execute_tool {name}} span (INTERNAL) of every traced tool execution, whoever sees
 * it: an AI Service's tool executor ({@code TracingTools}) or an agentic system's tool callbacks.
 * Arguments and result only with content capture on; a result flagged as an error marks the span
 * ({@code error.type=tool_error}).
 *
 * <p>Not public API: shared by the llmetry4j modules, may change without notice.
 */
public final class ToolSpans {

  /** Status description of a span whose tool returned a result flagged as an error. */
  public static final String ERROR_RESULT_DESCRIPTION = "the tool returned an error result";

  private ToolSpans() {}

  /**
   * The operation of tool {@code name}: its result is LangChain4j's {@code ToolExecutionResult} or
   * the tool's own return value.
   */
  public static Operation<Call, Object> operation(
      Instrumentation instrumentation, String name, @Nullable String description) {
    String spanName = "execute_tool " + name;
    return Operation.<Call, Object>builder(instrumentation, SpanKind.INTERNAL, call -> spanName)
        .addExtractor(new Attributes(instrumentation, name, description))
        .addOpenLlmetryExtractor(
            new OpenLlmetryEntity<Call, Object>(
                instrumentation,
                call -> "tool",
                call -> name,
                call -> call.request == null ? null : new Object[] {call.request.arguments()},
                // An error result is no result: the span's error says what happened.
                result -> isErrorResult(result) ? null : resultText(result)))
        .responseError(
            result -> isErrorResult(result) ? ErrorTypes.TOOL_ERROR : null,
            ERROR_RESULT_DESCRIPTION)
        .metrics(
            (call, result, errorType, seconds) ->
                instrumentation
                    .metrics()
                    .recordToolDuration(seconds, name, call.agentName, errorType))
        .build();
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
  public static final class Call {
    @Nullable final ToolExecutionRequest request;
    @Nullable final String conversationId;
    @Nullable final String agentName;

    public Call(@Nullable ToolExecutionRequest request) {
      this.request = request;
      AgentContext agent = AgentContext.from(Context.current());
      this.conversationId = agent == null ? null : agent.conversationId();
      this.agentName = agent == null ? null : agent.agentName();
    }
  }

  /** What an {@code execute_tool} span records. */
  private static final class Attributes implements Operation.Extractor<Call, Object> {
    private final Instrumentation instrumentation;
    private final String name;
    @Nullable private final String description;

    Attributes(Instrumentation instrumentation, String name, @Nullable String description) {
      this.instrumentation = instrumentation;
      this.name = name;
      this.description = description;
    }

    @Override
    public void onStart(SpanBuilder span, Call call) {
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
    public void onRecordingStart(Span span, Call call) {
      if (call.request != null && instrumentation.captureContent()) {
        String arguments = instrumentation.contentJson(call.request.arguments(), valueLimit());
        if (arguments != null) {
          span.setAttribute(SemconvAttributes.GEN_AI_TOOL_CALL_ARGUMENTS, arguments);
        }
      }
    }

    @Override
    public void onEnd(Span span, Call call, @Nullable Object result, @Nullable Throwable error) {
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
