package io.llmetry4j.core.internal;

import io.opentelemetry.api.common.AttributeKey;
import java.util.List;

/**
 * Attribute names of the OpenTelemetry semantic conventions <b>v1.41.1</b> ({@code gen_ai.*},
 * {@code db.*}, {@code server.*}, {@code error.*}, and for MCP {@code mcp.*}, {@code jsonrpc.*},
 * {@code rpc.*}, {@code network.*}) used by llmetry4j.
 *
 * <p>Copied from the semconv model (as the semconv-java README advises libraries to do with
 * incubating attributes) so that llmetry4j has no runtime dependency on {@code
 * opentelemetry-semconv-incubating}. Types follow the {@code registry.yaml} files of that release.
 * A test checks every key here against the registry.
 */
public final class SemconvAttributes {

  /** Semconv release the constants are copied from. */
  public static final String SEMCONV_VERSION = "1.41.1";

  /** Schema URL of that release, set on the llmetry4j tracer and meter. */
  public static final String SCHEMA_URL = "https://opentelemetry.io/schemas/" + SEMCONV_VERSION;

  // gen_ai.* (model/gen-ai/registry.yaml)
  public static final AttributeKey<String> GEN_AI_OPERATION_NAME =
      AttributeKey.stringKey("gen_ai.operation.name");
  public static final AttributeKey<String> GEN_AI_PROVIDER_NAME =
      AttributeKey.stringKey("gen_ai.provider.name");
  public static final AttributeKey<String> GEN_AI_REQUEST_MODEL =
      AttributeKey.stringKey("gen_ai.request.model");
  public static final AttributeKey<Long> GEN_AI_REQUEST_MAX_TOKENS =
      AttributeKey.longKey("gen_ai.request.max_tokens");
  public static final AttributeKey<Long> GEN_AI_REQUEST_CHOICE_COUNT =
      AttributeKey.longKey("gen_ai.request.choice.count");
  public static final AttributeKey<Double> GEN_AI_REQUEST_TEMPERATURE =
      AttributeKey.doubleKey("gen_ai.request.temperature");
  public static final AttributeKey<Double> GEN_AI_REQUEST_TOP_P =
      AttributeKey.doubleKey("gen_ai.request.top_p");
  public static final AttributeKey<Double> GEN_AI_REQUEST_TOP_K =
      AttributeKey.doubleKey("gen_ai.request.top_k");
  public static final AttributeKey<List<String>> GEN_AI_REQUEST_STOP_SEQUENCES =
      AttributeKey.stringArrayKey("gen_ai.request.stop_sequences");
  public static final AttributeKey<Double> GEN_AI_REQUEST_FREQUENCY_PENALTY =
      AttributeKey.doubleKey("gen_ai.request.frequency_penalty");
  public static final AttributeKey<Double> GEN_AI_REQUEST_PRESENCE_PENALTY =
      AttributeKey.doubleKey("gen_ai.request.presence_penalty");
  public static final AttributeKey<List<String>> GEN_AI_REQUEST_ENCODING_FORMATS =
      AttributeKey.stringArrayKey("gen_ai.request.encoding_formats");
  public static final AttributeKey<Long> GEN_AI_REQUEST_SEED =
      AttributeKey.longKey("gen_ai.request.seed");
  public static final AttributeKey<Boolean> GEN_AI_REQUEST_STREAM =
      AttributeKey.booleanKey("gen_ai.request.stream");
  public static final AttributeKey<String> GEN_AI_RESPONSE_ID =
      AttributeKey.stringKey("gen_ai.response.id");
  public static final AttributeKey<String> GEN_AI_RESPONSE_MODEL =
      AttributeKey.stringKey("gen_ai.response.model");
  public static final AttributeKey<List<String>> GEN_AI_RESPONSE_FINISH_REASONS =
      AttributeKey.stringArrayKey("gen_ai.response.finish_reasons");
  public static final AttributeKey<Double> GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK =
      AttributeKey.doubleKey("gen_ai.response.time_to_first_chunk");
  public static final AttributeKey<Long> GEN_AI_USAGE_INPUT_TOKENS =
      AttributeKey.longKey("gen_ai.usage.input_tokens");
  public static final AttributeKey<Long> GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS =
      AttributeKey.longKey("gen_ai.usage.cache_read.input_tokens");
  public static final AttributeKey<Long> GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS =
      AttributeKey.longKey("gen_ai.usage.cache_creation.input_tokens");
  public static final AttributeKey<Long> GEN_AI_USAGE_OUTPUT_TOKENS =
      AttributeKey.longKey("gen_ai.usage.output_tokens");
  public static final AttributeKey<Long> GEN_AI_USAGE_REASONING_OUTPUT_TOKENS =
      AttributeKey.longKey("gen_ai.usage.reasoning.output_tokens");
  public static final AttributeKey<String> GEN_AI_TOKEN_TYPE =
      AttributeKey.stringKey("gen_ai.token.type");
  public static final AttributeKey<String> GEN_AI_CONVERSATION_ID =
      AttributeKey.stringKey("gen_ai.conversation.id");
  public static final AttributeKey<String> GEN_AI_AGENT_ID =
      AttributeKey.stringKey("gen_ai.agent.id");
  public static final AttributeKey<String> GEN_AI_AGENT_NAME =
      AttributeKey.stringKey("gen_ai.agent.name");
  public static final AttributeKey<String> GEN_AI_AGENT_DESCRIPTION =
      AttributeKey.stringKey("gen_ai.agent.description");
  public static final AttributeKey<String> GEN_AI_TOOL_NAME =
      AttributeKey.stringKey("gen_ai.tool.name");
  public static final AttributeKey<String> GEN_AI_TOOL_CALL_ID =
      AttributeKey.stringKey("gen_ai.tool.call.id");
  public static final AttributeKey<String> GEN_AI_TOOL_DESCRIPTION =
      AttributeKey.stringKey("gen_ai.tool.description");
  public static final AttributeKey<String> GEN_AI_TOOL_TYPE =
      AttributeKey.stringKey("gen_ai.tool.type");
  public static final AttributeKey<String> GEN_AI_TOOL_CALL_ARGUMENTS =
      AttributeKey.stringKey("gen_ai.tool.call.arguments");
  public static final AttributeKey<String> GEN_AI_TOOL_CALL_RESULT =
      AttributeKey.stringKey("gen_ai.tool.call.result");
  public static final AttributeKey<String> GEN_AI_TOOL_DEFINITIONS =
      AttributeKey.stringKey("gen_ai.tool.definitions");
  public static final AttributeKey<String> GEN_AI_DATA_SOURCE_ID =
      AttributeKey.stringKey("gen_ai.data_source.id");
  public static final AttributeKey<String> GEN_AI_OUTPUT_TYPE =
      AttributeKey.stringKey("gen_ai.output.type");
  public static final AttributeKey<Long> GEN_AI_EMBEDDINGS_DIMENSION_COUNT =
      AttributeKey.longKey("gen_ai.embeddings.dimension.count");
  public static final AttributeKey<String> GEN_AI_RETRIEVAL_DOCUMENTS =
      AttributeKey.stringKey("gen_ai.retrieval.documents");
  public static final AttributeKey<String> GEN_AI_RETRIEVAL_QUERY_TEXT =
      AttributeKey.stringKey("gen_ai.retrieval.query.text");
  public static final AttributeKey<String> GEN_AI_SYSTEM_INSTRUCTIONS =
      AttributeKey.stringKey("gen_ai.system_instructions");
  public static final AttributeKey<String> GEN_AI_INPUT_MESSAGES =
      AttributeKey.stringKey("gen_ai.input.messages");
  public static final AttributeKey<String> GEN_AI_OUTPUT_MESSAGES =
      AttributeKey.stringKey("gen_ai.output.messages");
  public static final AttributeKey<String> GEN_AI_WORKFLOW_NAME =
      AttributeKey.stringKey("gen_ai.workflow.name");
  public static final AttributeKey<String> GEN_AI_PROMPT_NAME =
      AttributeKey.stringKey("gen_ai.prompt.name");

  // db.* (model/db/registry.yaml)
  public static final AttributeKey<String> DB_SYSTEM_NAME =
      AttributeKey.stringKey("db.system.name");
  public static final AttributeKey<String> DB_COLLECTION_NAME =
      AttributeKey.stringKey("db.collection.name");
  public static final AttributeKey<String> DB_NAMESPACE = AttributeKey.stringKey("db.namespace");
  public static final AttributeKey<String> DB_OPERATION_NAME =
      AttributeKey.stringKey("db.operation.name");
  public static final AttributeKey<String> DB_QUERY_TEXT = AttributeKey.stringKey("db.query.text");
  public static final AttributeKey<Long> DB_OPERATION_BATCH_SIZE =
      AttributeKey.longKey("db.operation.batch.size");
  public static final AttributeKey<Long> DB_RESPONSE_RETURNED_ROWS =
      AttributeKey.longKey("db.response.returned_rows");

  // server.* (model/server/registry.yaml)
  public static final AttributeKey<String> SERVER_ADDRESS =
      AttributeKey.stringKey("server.address");
  public static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");

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

  // rpc.* (model/rpc/registry.yaml): for MCP, the JSON-RPC error code as a string
  public static final AttributeKey<String> RPC_RESPONSE_STATUS_CODE =
      AttributeKey.stringKey("rpc.response.status_code");

  // network.* (model/network/registry.yaml)
  public static final AttributeKey<String> NETWORK_TRANSPORT =
      AttributeKey.stringKey("network.transport");
  public static final AttributeKey<String> NETWORK_PROTOCOL_NAME =
      AttributeKey.stringKey("network.protocol.name");

  // error.* (model/error/registry.yaml)
  public static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

  /** Well-known values of {@code gen_ai.operation.name}. */
  public static final class OperationName {
    public static final String CHAT = "chat";
    public static final String EMBEDDINGS = "embeddings";
    public static final String RETRIEVAL = "retrieval";
    public static final String INVOKE_AGENT = "invoke_agent";
    public static final String EXECUTE_TOOL = "execute_tool";
    public static final String INVOKE_WORKFLOW = "invoke_workflow";

    private OperationName() {}
  }

  /** Values of {@code gen_ai.token.type}. */
  public static final class TokenType {
    public static final String INPUT = "input";
    public static final String OUTPUT = "output";

    private TokenType() {}
  }

  private SemconvAttributes() {}
}
