package io.llmetry4j.core.internal;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import javax.annotation.Nullable;

/**
 * A public no-argument method read by name: for values that only some LangChain4j versions or
 * provider modules have (a provider's cached tokens, the inputs of an {@code EmbeddingRequest} that
 * the oldest supported LangChain4j lacks), so that none of them is a compile-time dependency. The
 * method is looked up once per class; a class without it costs one lookup, then nothing.
 *
 * <p>Not public API: shared by the llmetry4j modules, may change without notice.
 */
public final class NoArgMethod {

  // Stands for "no such method", so that the common miss costs one ClassValue lookup.
  private static final MethodHandle NONE =
      MethodHandles.dropArguments(MethodHandles.constant(Object.class, null), 0, Object.class);

  private final String name;
  private final ClassValue<MethodHandle> accessors =
      new ClassValue<>() {
        @Override
        protected MethodHandle computeValue(Class<?> type) {
          return find(type, name);
        }
      };

  public NoArgMethod(String name) {
    this.name = name;
  }

  /** The method's result on {@code target}, or null if it has none or it threw. */
  @Nullable
  public Object read(@Nullable Object target) {
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
  public Long readLong(@Nullable Object target) {
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
