package io.llmetry4j.mcp;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.annotation.Nullable;

/**
 * Writes the propagation fields into an outgoing message's {@code params._meta}, where the MCP
 * conventions carry the trace context (SEP-414: unprefixed {@code traceparent}, {@code tracestate},
 * {@code baggage}). An entry already there (the application's own, or LangChain4j 1.13+'s {@code
 * McpMetaSupplier}'s) is never replaced.
 *
 * <p>The message is changed in place before the transport serialises it, through the public
 * accessors LangChain4j's message classes have in every supported version: {@code getParams()}
 * returning a map (1.11, where {@code _meta} is a key of it) or a params object with {@code
 * getMeta()}/{@code setMeta(Map)} (1.13+, serialised as {@code _meta}). A message with neither (in
 * 1.11: ping, resources/list, prompts/list) goes without.
 */
final class TraceMeta {

  static final String META = "_meta";

  private static final ClassValue<Accessors> ACCESSORS =
      new ClassValue<>() {
        @Override
        protected Accessors computeValue(Class<?> type) {
          return new Accessors(type);
        }
      };

  private TraceMeta() {}

  /** Adds {@code fields} to the {@code _meta} of {@code message}; false where it has no place. */
  static boolean inject(Object message, Map<String, String> fields)
      throws ReflectiveOperationException {
    if (fields.isEmpty()) {
      return false;
    }
    Accessors messageAccessors = ACCESSORS.get(message.getClass());
    Object params = messageAccessors.get(message);
    if (params == null) {
      params = messageAccessors.newParams(message);
      if (params == null) {
        return false;
      }
    }
    if (params instanceof Map) {
      @SuppressWarnings("unchecked")
      Map<String, Object> map = (Map<String, Object>) params;
      map.put(META, merged(map.get(META), fields));
      return true;
    }
    Accessors paramsAccessors = ACCESSORS.get(params.getClass());
    if (paramsAccessors.getMeta == null || paramsAccessors.setMeta == null) {
      return false;
    }
    paramsAccessors.setMeta.invoke(params, merged(paramsAccessors.getMeta.invoke(params), fields));
    return true;
  }

  /**
   * A copy of the existing {@code _meta} (never changed: it may be the application's) plus ours.
   */
  private static Map<String, Object> merged(@Nullable Object existing, Map<String, String> fields) {
    Map<String, Object> meta = new LinkedHashMap<>();
    if (existing instanceof Map) {
      ((Map<?, ?>) existing).forEach((key, value) -> meta.put(String.valueOf(key), value));
    }
    fields.forEach(meta::putIfAbsent);
    return meta;
  }

  /** The public params and meta accessors of one class, looked up once. */
  private static final class Accessors {
    @Nullable private final Method getParams;
    @Nullable private final Method setParams;
    @Nullable private final Constructor<?> newParams;
    @Nullable final Method getMeta;
    @Nullable final Method setMeta;

    Accessors(Class<?> type) {
      this.getParams = publicMethod(type, "getParams");
      Method setter = null;
      Constructor<?> constructor = null;
      for (Method method : type.getMethods()) {
        if (method.getName().equals("setParams") && method.getParameterCount() == 1) {
          try {
            constructor = method.getParameterTypes()[0].getConstructor();
            setter = method;
          } catch (NoSuchMethodException e) {
            // A params type without a public no-argument constructor: not ours to create.
          }
        }
      }
      this.setParams = setter;
      this.newParams = constructor;
      this.getMeta = publicMethod(type, "getMeta");
      Method metaSetter = null;
      try {
        metaSetter = type.getMethod("setMeta", Map.class);
      } catch (NoSuchMethodException e) {
        // No typed meta (LangChain4j 1.11).
      }
      this.setMeta = metaSetter;
    }

    @Nullable
    Object get(Object message) throws ReflectiveOperationException {
      return getParams == null ? null : getParams.invoke(message);
    }

    /** Empty params set on a message that has none yet (LangChain4j 1.13+ list requests). */
    @Nullable
    Object newParams(Object message) throws ReflectiveOperationException {
      if (setParams == null || newParams == null) {
        return null;
      }
      Object params = newParams.newInstance();
      setParams.invoke(message, params);
      return params;
    }

    @Nullable
    private static Method publicMethod(Class<?> type, String name) {
      try {
        return type.getMethod(name);
      } catch (NoSuchMethodException e) {
        return null;
      }
    }
  }
}
