package io.llmetry4j.core.internal;

import io.opentelemetry.api.common.AttributeKey;

/**
 * Keys of the newest, unreleased GenAI conventions ({@code
 * open-telemetry/semantic-conventions-genai}, the snapshot named in the README) that differ from
 * semconv 1.41.1: emitted instead of their 1.41.1 forms only on the {@code
 * gen_ai_latest_experimental} opt-in.
 *
 * <p>Not public API: shared by the llmetry4j modules, may change without notice.
 */
public final class LatestGenAiAttributes {

  /** An int there (a double in 1.41.1). */
  public static final AttributeKey<Long> GEN_AI_REQUEST_TOP_K =
      AttributeKey.longKey("gen_ai.request.top_k");

  /** Replaces {@code gen_ai.request.top_k} on retrieval spans. */
  public static final AttributeKey<Long> GEN_AI_RETRIEVAL_TOP_K =
      AttributeKey.longKey("gen_ai.retrieval.top_k");

  /** Replaces {@code gen_ai.usage.cache_creation.input_tokens}. */
  public static final AttributeKey<Long> GEN_AI_USAGE_CACHE_WRITE_INPUT_TOKENS =
      AttributeKey.longKey("gen_ai.usage.cache_write.input_tokens");

  private LatestGenAiAttributes() {}
}
