package io.llmetry4j.core.internal;

import io.opentelemetry.api.common.AttributeKey;

/** OpenLLMetry's {@code traceloop.*} attribute names, emitted in compatibility mode only. */
public final class TraceloopAttributes {

  public static final AttributeKey<String> SPAN_KIND =
      AttributeKey.stringKey("traceloop.span.kind");
  public static final AttributeKey<String> WORKFLOW_NAME =
      AttributeKey.stringKey("traceloop.workflow.name");
  public static final AttributeKey<String> ENTITY_NAME =
      AttributeKey.stringKey("traceloop.entity.name");
  public static final AttributeKey<String> ENTITY_PATH =
      AttributeKey.stringKey("traceloop.entity.path");
  public static final AttributeKey<String> ENTITY_INPUT =
      AttributeKey.stringKey("traceloop.entity.input");
  public static final AttributeKey<String> ENTITY_OUTPUT =
      AttributeKey.stringKey("traceloop.entity.output");
  public static final String ASSOCIATION_PREFIX = "traceloop.association.properties.";

  // OpenLLMetry's LLM keys (opentelemetry-semantic-conventions-ai, early-2025 names).
  public static final AttributeKey<String> GEN_AI_SYSTEM = AttributeKey.stringKey("gen_ai.system");
  public static final AttributeKey<String> LLM_REQUEST_TYPE =
      AttributeKey.stringKey("llm.request.type");
  public static final AttributeKey<Boolean> LLM_IS_STREAMING =
      AttributeKey.booleanKey("llm.is_streaming");
  public static final AttributeKey<Long> LLM_USAGE_TOTAL_TOKENS =
      AttributeKey.longKey("llm.usage.total_tokens");
  public static final AttributeKey<Long> GEN_AI_USAGE_PROMPT_TOKENS =
      AttributeKey.longKey("gen_ai.usage.prompt_tokens");
  public static final AttributeKey<Long> GEN_AI_USAGE_COMPLETION_TOKENS =
      AttributeKey.longKey("gen_ai.usage.completion_tokens");

  /**
   * {@code gen_ai.system} as OpenLLMetry's instrumentation of each provider spells it ({@code
   * "Ollama"} with a capital O, {@code "Anthropic"}, ...), from the semconv provider name.
   */
  public static String system(String providerName) {
    switch (providerName) {
      case "ollama":
        return "Ollama";
      case "anthropic":
        return "Anthropic";
      case "mistral_ai":
        return "MistralAI";
      case "cohere":
        return "Cohere";
      case "aws.bedrock":
        return "AWS";
      case "azure.ai.openai":
        return "Azure";
      case "gcp.vertex_ai":
        return "Vertex AI";
      case "gcp.gemini":
        return "Gemini";
      case "ibm.watsonx.ai":
        return "Watsonx";
      default:
        return providerName;
    }
  }

  private TraceloopAttributes() {}
}
