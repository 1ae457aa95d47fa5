package io.llmetry4j.mcp.internal;

import io.opentelemetry.api.common.AttributeKey;

/**
 * Attribute names of the OpenTelemetry semantic conventions <b>v1.41.1</b> for MCP client spans
 * ({@code model/mcp}, {@code model/jsonrpc}, {@code model/rpc}, {@code model/network} and {@code
 * gen_ai.prompt.name} of {@code model/gen-ai}) that core's {@code SemconvAttributes} does not hold
 * yet. Copied from the semconv model for the same reason as those: no runtime dependency on {@code
 * opentelemetry-semconv-incubating}. Candidates to move into core.
 *
 * <p>Not public API: may change without notice.
 */
public final class McpAttributes {

  // mcp.* (model/mcp/registry.yaml)
  public static final AttributeKey<String> MCP_METHOD_NAME =
      AttributeKey.stringKey("mcp.method.name");
  public static final AttributeKey<String> MCP_SESSION_ID =
      AttributeKey.stringKey("mcp.session.id");
  public static final AttributeKey<String> MCP_RESOURCE_URI =
      AttributeKey.stringKey("mcp.resource.uri");
  public static final AttributeKey<String> MCP_PROTOCOL_VERSION =
      AttributeKey.stringKey("mcp.protocol.version");

  // jsonrpc.* (model/jsonrpc/registry.yaml)
  public static final AttributeKey<String> JSONRPC_REQUEST_ID =
      AttributeKey.stringKey("jsonrpc.request.id");

  // rpc.* (model/rpc/registry.yaml): the JSON-RPC error code, as a string
  public static final AttributeKey<String> RPC_RESPONSE_STATUS_CODE =
      AttributeKey.stringKey("rpc.response.status_code");

  // network.* (model/network/registry.yaml)
  public static final AttributeKey<String> NETWORK_TRANSPORT =
      AttributeKey.stringKey("network.transport");
  public static final AttributeKey<String> NETWORK_PROTOCOL_NAME =
      AttributeKey.stringKey("network.protocol.name");

  // gen_ai.* (model/gen-ai/registry.yaml)
  public static final AttributeKey<String> GEN_AI_PROMPT_NAME =
      AttributeKey.stringKey("gen_ai.prompt.name");

  /** {@code error.type} of a {@code tools/call} whose result has {@code isError: true}. */
  public static final String TOOL_ERROR = "tool_error";

  private McpAttributes() {}
}
