package io.llmetry4j.core.internal;

import javax.annotation.Nullable;

/**
 * The tokens one call to a model used, in the conventions' counts: {@code inputTokens} includes
 * cache reads and writes, {@code outputTokens} includes reasoning; a count a provider does not
 * report is 0.
 *
 * <p>Not public API: shared by the llmetry4j modules, may change without notice.
 */
public record ModelUsage(
    @Nullable String provider,
    @Nullable String model,
    long inputTokens,
    long cacheReadTokens,
    long cacheWriteTokens,
    long outputTokens,
    long reasoningTokens) {

  /** An embeddings or scoring call: input tokens only. */
  public static ModelUsage input(@Nullable String provider, @Nullable String model, long tokens) {
    return new ModelUsage(provider, model, tokens, 0, 0, 0, 0);
  }
}
