package io.llmetry4j.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmetry4j.core.internal.ErrorTypes;
import io.llmetry4j.core.internal.Instrumentation;
import io.llmetry4j.core.internal.Operation;
import io.llmetry4j.core.internal.SemconvAttributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.StatusCode;
import javax.annotation.Nullable;

/** What an MCP client span records (semconv 1.41.1, {@code span.mcp.client}). */
final class McpSpanAttributes implements Operation.Extractor<McpMessage, JsonNode> {

  /** Status description of a span whose tool returned a result flagged as an error. */
  static final String TOOL_ERROR_DESCRIPTION = "the tool returned an error result";

  private final Instrumentation instrumentation;
  private final McpEndpoint endpoint;
  private final McpSession session;

  McpSpanAttributes(Instrumentation instrumentation, McpEndpoint endpoint, McpSession session) {
    this.instrumentation = instrumentation;
    this.endpoint = endpoint;
    this.session = session;
  }

  @Override
  public void onStart(SpanBuilder span, McpMessage message) {
    span.setAttribute(SemconvAttributes.MCP_METHOD_NAME, message.method);
    if (message.id != null) {
      span.setAttribute(SemconvAttributes.JSONRPC_REQUEST_ID, message.id);
    }
    String target = message.target();
    if (McpMessage.TOOLS_CALL.equals(message.method)) {
      // The conventions' bridge to GenAI tool spans: the same operation name and tool name.
      span.setAttribute(
          SemconvAttributes.GEN_AI_OPERATION_NAME, SemconvAttributes.OperationName.EXECUTE_TOOL);
      if (target != null) {
        span.setAttribute(SemconvAttributes.GEN_AI_TOOL_NAME, target);
      }
    } else if (McpMessage.PROMPTS_GET.equals(message.method) && target != null) {
      span.setAttribute(SemconvAttributes.GEN_AI_PROMPT_NAME, target);
    }
    String uri = message.resourceUri();
    if (uri != null) {
      span.setAttribute(SemconvAttributes.MCP_RESOURCE_URI, uri);
    }
    endpoint.setOn(span);
    String protocolVersion = session.protocolVersion();
    if (protocolVersion != null) {
      span.setAttribute(SemconvAttributes.MCP_PROTOCOL_VERSION, protocolVersion);
    }
    String sessionId = session.id();
    if (sessionId != null) {
      span.setAttribute(SemconvAttributes.MCP_SESSION_ID, sessionId);
    }
  }

  @Override
  public void onRecordingStart(Span span, McpMessage message) {
    if (McpMessage.TOOLS_CALL.equals(message.method) && instrumentation.captureContent()) {
      String arguments = instrumentation.contentJson(message.toolArguments(), valueLimit());
      if (arguments != null) {
        span.setAttribute(SemconvAttributes.GEN_AI_TOOL_CALL_ARGUMENTS, arguments);
      }
    }
  }

  @Override
  public void onEnd(
      Span span, McpMessage message, @Nullable JsonNode response, @Nullable Throwable error) {
    if (McpMessage.INITIALIZE.equals(message.method)) {
      // The version the server agreed to: known only now, and for every later span.
      String negotiated = session.initialized(McpResponse.protocolVersion(response));
      if (negotiated != null) {
        span.setAttribute(SemconvAttributes.MCP_PROTOCOL_VERSION, negotiated);
      }
      String sessionId = session.id();
      if (sessionId != null) {
        span.setAttribute(SemconvAttributes.MCP_SESSION_ID, sessionId);
      }
    }
    if (response == null) {
      return; // failed without a response: Operation records the exception
    }
    String code = McpResponse.errorCode(response);
    if (code != null) {
      span.setAttribute(SemconvAttributes.ERROR_TYPE, code);
      span.setAttribute(SemconvAttributes.RPC_RESPONSE_STATUS_CODE, code);
      String description = McpResponse.errorMessage(response);
      span.setStatus(StatusCode.ERROR, description != null ? description : code);
      return;
    }
    if (!McpMessage.TOOLS_CALL.equals(message.method)) {
      return;
    }
    if (McpResponse.isToolError(response)) {
      // Never the result's text as the description: it is content.
      span.setAttribute(SemconvAttributes.ERROR_TYPE, ErrorTypes.TOOL_ERROR);
      span.setStatus(StatusCode.ERROR, TOOL_ERROR_DESCRIPTION);
    } else if (instrumentation.captureContent()) {
      String result = instrumentation.contentJson(McpResponse.resultJson(response), valueLimit());
      if (result != null) {
        span.setAttribute(SemconvAttributes.GEN_AI_TOOL_CALL_RESULT, result);
      }
    }
  }

  /** Arguments and result share the conventions' part of the span's content budget. */
  private int valueLimit() {
    return instrumentation.semconvContentBudget() / 2;
  }
}
