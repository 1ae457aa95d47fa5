package io.llmetry4j.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.mcp.protocol.McpClientMessage;
import javax.annotation.Nullable;

/**
 * What a span needs of one outgoing MCP message, read from its JSON form: the message classes
 * differ between LangChain4j versions (a params map in 1.11, typed params later), the JSON that
 * goes on the wire does not.
 */
final class McpMessage {

  static final String TOOLS_CALL = "tools/call";
  static final String PROMPTS_GET = "prompts/get";
  static final String INITIALIZE = "initialize";
  static final String PING = "ping";
  static final String CANCELLED = "notifications/cancelled";

  // Only reads LangChain4j's own message classes, which it serialises with Jackson itself.
  private static final ObjectMapper JSON = new ObjectMapper();

  final McpClientMessage message;
  final String method;
  @Nullable final String id;
  @Nullable private final JsonNode params;

  private McpMessage(
      McpClientMessage message, String method, @Nullable String id, @Nullable JsonNode params) {
    this.message = message;
    this.method = method;
    this.id = id;
    this.params = params;
  }

  /** The message, or null when it is no request or notification (a response to the server). */
  @Nullable
  static McpMessage of(McpClientMessage message) {
    JsonNode json = JSON.valueToTree(message);
    JsonNode method = json.get("method");
    if (method == null || !method.isTextual()) {
      return null;
    }
    JsonNode id = json.get("id");
    return new McpMessage(
        message,
        method.asText(),
        id == null || id.isNull() ? null : id.asText(),
        json.get("params"));
  }

  boolean isNotification() {
    return method.startsWith("notifications/");
  }

  /** The tool of a {@code tools/call}, the prompt of a {@code prompts/get}. */
  @Nullable
  String target() {
    return TOOLS_CALL.equals(method) || PROMPTS_GET.equals(method) ? param("name") : null;
  }

  /** The span name: {@code {mcp.method.name} {target}}, or the method alone. */
  String spanName() {
    String target = target();
    return target == null ? method : method + " " + target;
  }

  @Nullable
  String resourceUri() {
    return method.startsWith("resources/") ? param("uri") : null;
  }

  /** The id of the request a {@code notifications/cancelled} cancels. */
  @Nullable
  String cancelledRequestId() {
    return CANCELLED.equals(method) ? param("requestId") : null;
  }

  /** The arguments of a {@code tools/call} as JSON text (content). */
  @Nullable
  String toolArguments() {
    JsonNode arguments = params == null ? null : params.get("arguments");
    return arguments == null || arguments.isNull() ? null : arguments.toString();
  }

  @Nullable
  private String param(String name) {
    JsonNode value = params == null ? null : params.get(name);
    return value == null || value.isNull() || value.isContainerNode() ? null : value.asText();
  }
}
