package io.llmetry4j.chat;

import io.llmetry4j.core.internal.NoArgMethod;

/**
 * Values that only provider modules expose (OpenAI's cached and reasoning tokens, the seed of the
 * OpenAI and Ollama parameters, Anthropic's cache counts), read by method name so that no provider
 * module is a dependency.
 */
final class ProviderExtras {

  static final NoArgMethod SEED = new NoArgMethod("seed");
  static final NoArgMethod INPUT_TOKENS_DETAILS = new NoArgMethod("inputTokensDetails");
  static final NoArgMethod OUTPUT_TOKENS_DETAILS = new NoArgMethod("outputTokensDetails");
  static final NoArgMethod CACHED_TOKENS = new NoArgMethod("cachedTokens");
  static final NoArgMethod REASONING_TOKENS = new NoArgMethod("reasoningTokens");
  static final NoArgMethod CACHE_READ_INPUT_TOKENS = new NoArgMethod("cacheReadInputTokens");
  static final NoArgMethod CACHE_CREATION_INPUT_TOKENS =
      new NoArgMethod("cacheCreationInputTokens");

  // OpenAI's parameters and response metadata.
  static final NoArgMethod SERVICE_TIER = new NoArgMethod("serviceTier");
  static final NoArgMethod SYSTEM_FINGERPRINT = new NoArgMethod("systemFingerprint");

  private ProviderExtras() {}
}
