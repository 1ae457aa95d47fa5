package io.llmetry4j.chat;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import javax.annotation.Nullable;

/**
 * Values that only provider modules expose (OpenAI's cached and reasoning tokens, the seed of the
 * OpenAI and Ollama parameters, Anthropic's cache counts), read by method name so that no provider
 * module is a dependency. Lookups are cached per class; a missing method costs one lookup.
 */
final class ProviderExtras {

  // Stands for "no such method" so that the common case (a plain LangChain4j class) costs one
  // ClassValue lookup and no invocation.
  private static final MethodHandle NONE =
      MethodHandles.dropArguments(MethodHandles.constant(Object.class, null), 0, Object.class);

  private final String methodName;
  private final ClassValue<MethodHandle> accessors =
      new ClassValue<>() {
        @Override
        protected MethodHandle computeValue(Class<?> type) {
          return find(type, methodName);
        }
      };

  static final ProviderExtras SEED = new ProviderExtras("seed");
  static final ProviderExtras INPUT_TOKENS_DETAILS = new ProviderExtras("inputTokensDetails");
  static final ProviderExtras OUTPUT_TOKENS_DETAILS = new ProviderExtras("outputTokensDetails");
  static final ProviderExtras CACHED_TOKENS = new ProviderExtras("cachedTokens");
  static final ProviderExtras REASONING_TOKENS = new ProviderExtras("reasoningTokens");
  static final ProviderExtras CACHE_READ_INPUT_TOKENS = new ProviderExtras("cacheReadInputTokens");
  static final ProviderExtras CACHE_CREATION_INPUT_TOKENS =
      new ProviderExtras("cacheCreationInputTokens");

  private ProviderExtras(String methodName) {
    this.methodName = methodName;
  }

  /** The no-argument method's result on {@code target}, or null if it has no such method. */
  @Nullable
  Object read(@Nullable Object target) {
    if (target == null) {
      return null;
    }
    MethodHandle accessor = accessors.get(target.getClass());
    if (accessor == NONE) {
      return null;
    }
    try {
      return accessor.invoke(target);
    } catch (Throwable e) {
      return null;
    }
  }

  @Nullable
  Long readLong(@Nullable Object target) {
    Object value = read(target);
    return value instanceof Number ? ((Number) value).longValue() : null;
  }

  private static MethodHandle find(Class<?> type, String name) {
    try {
      Method method = type.getMethod(name);
      if (Modifier.isStatic(method.getModifiers())) {
        return NONE;
      }
      return MethodHandles.publicLookup()
          .unreflect(method)
          .asType(MethodType.methodType(Object.class, Object.class));
    } catch (ReflectiveOperationException | RuntimeException e) {
      return NONE;
    }
  }
}
