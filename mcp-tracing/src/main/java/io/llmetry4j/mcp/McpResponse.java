package io.llmetry4j.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import javax.annotation.Nullable;

/**
 * What a span records of the JSON-RPC response LangChain4j's transport completes its future with.
 */
final class McpResponse {

  private McpResponse() {}

  /** The JSON-RPC error code of an error response, as text; null for a result. */
  @Nullable
  static String errorCode(@Nullable JsonNode response) {
    JsonNode code = error(response, "code");
    return code == null ? null : code.asText();
  }

  /** The JSON-RPC error's message (the conventions' status description). */
  @Nullable
  static String errorMessage(@Nullable JsonNode response) {
    JsonNode message = error(response, "message");
    return message == null ? null : message.asText();
  }

  /** A {@code tools/call} result with {@code isError: true}: the tool failed, the call did not. */
  static boolean isToolError(@Nullable JsonNode response) {
    JsonNode isError = result(response, "isError");
    return isError != null && isError.asBoolean(false);
  }

  @Nullable
  static String protocolVersion(@Nullable JsonNode response) {
    JsonNode version = result(response, "protocolVersion");
    return version == null || !version.isTextual() ? null : version.asText();
  }

  /** The result object as JSON text (content, for a {@code tools/call}). */
  @Nullable
  static String resultJson(@Nullable JsonNode response) {
    JsonNode result = response == null ? null : response.get("result");
    return result == null || result.isNull() ? null : result.toString();
  }

  @Nullable
  private static JsonNode error(@Nullable JsonNode response, String field) {
    JsonNode error = response == null ? null : response.get("error");
    JsonNode value = error == null ? null : error.get(field);
    return value == null || value.isNull() ? null : value;
  }

  @Nullable
  private static JsonNode result(@Nullable JsonNode response, String field) {
    JsonNode result = response == null ? null : response.get("result");
    JsonNode value = result == null ? null : result.get(field);
    return value == null || value.isNull() ? null : value;
  }
}
