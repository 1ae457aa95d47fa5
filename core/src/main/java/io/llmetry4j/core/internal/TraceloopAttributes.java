package io.llmetry4j.core.internal;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.context.Context;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

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
   * Indexed items (prompts, completions, functions, embedded texts, result events) that get
   * OpenLLMetry's keys at most: each is one or more attributes, and they must never crowd a span's
   * own attributes out of the SDK's attribute count limit (128 by default).
   */
  public static final int MAX_INDEXED = 32;

  public static final IndexedKeys PROMPTS = new IndexedKeys("gen_ai.prompt.");
  public static final IndexedKeys COMPLETIONS = new IndexedKeys("gen_ai.completion.");
  public static final IndexedKeys FUNCTIONS = new IndexedKeys("llm.request.functions.");

  /**
   * OpenLLMetry's indexed keys, {@code prefix + N + "." + suffix}, built once each: no string is
   * formatted per call for an index below {@link #MAX_INDEXED}.
   */
  public static final class IndexedKeys {
    private final String prefix;
    private final Map<String, AttributeKey<String>>[] byIndex;

    @SuppressWarnings("unchecked")
    IndexedKeys(String prefix) {
      this.prefix = prefix;
      this.byIndex = new Map[MAX_INDEXED];
      for (int i = 0; i < MAX_INDEXED; i++) {
        byIndex[i] = new ConcurrentHashMap<>();
      }
    }

    public AttributeKey<String> key(int index, String suffix) {
      if (index >= MAX_INDEXED) {
        return AttributeKey.stringKey(prefix + index + "." + suffix);
      }
      Map<String, AttributeKey<String>> keys = byIndex[index];
      AttributeKey<String> key = keys.get(suffix);
      if (key == null) {
        // Suffixes are the few of OpenLLMetry's names, so each map stays small.
        key = AttributeKey.stringKey(prefix + index + "." + suffix);
        keys.putIfAbsent(suffix, key);
      }
      return key;
    }
  }

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

  /**
   * OpenLLMetry's entity of a span: what kind ({@code workflow}, {@code task}, ...) and its name.
   */
  public static void entity(SpanBuilder span, String kind, String name) {
    span.setAttribute(SPAN_KIND, kind).setAttribute(ENTITY_NAME, name);
  }

  /**
   * OpenLLMetry stamps its workflow name and task path on every span inside a workflow: from the
   * {@link WorkflowContext} the span starts in.
   */
  static void stampWorkflow(SpanBuilder builder, Context parent) {
    WorkflowContext workflow = WorkflowContext.from(parent);
    if (workflow == null) {
      return;
    }
    if (workflow.workflowName() != null) {
      builder.setAttribute(WORKFLOW_NAME, workflow.workflowName());
    }
    if (workflow.entityPath() != null) {
      builder.setAttribute(ENTITY_PATH, workflow.entityPath());
    }
  }

  private TraceloopAttributes() {}
}
