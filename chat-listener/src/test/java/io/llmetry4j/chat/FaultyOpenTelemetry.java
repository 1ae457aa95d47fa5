package io.llmetry4j.chat;

import io.opentelemetry.api.OpenTelemetry;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Test double, deliberately broken on demand: a real OpenTelemetry (an SDK whose spans and metrics
 * the test reads) behind proxies. Every API object reached from it (tracer, span builder, span,
 * meter, histogram builders, histograms) is proxied the same way, and while a fault is switched on
 * for {@code "Interface.method"} (e.g. {@code "Span.setAttribute"}, {@code
 * "DoubleHistogram.record"}) that method throws instead of running. Everything else reaches the
 * real SDK.
 */
final class FaultyOpenTelemetry {

  private final Map<String, Supplier<? extends Throwable>> faults = new ConcurrentHashMap<>();
  private final OpenTelemetry openTelemetry;

  FaultyOpenTelemetry(OpenTelemetry real) {
    this.openTelemetry = wrap(real, OpenTelemetry.class);
  }

  OpenTelemetry openTelemetry() {
    return openTelemetry;
  }

  /** From now on, {@code method} (as {@code "Interface.method"}, all overloads) throws. */
  FaultyOpenTelemetry fail(String method, Supplier<? extends Throwable> error) {
    faults.put(method, error);
    return this;
  }

  /** Switches every fault off. */
  void heal() {
    faults.clear();
  }

  private <T> T wrap(Object target, Class<T> type) {
    InvocationHandler handler =
        (proxy, method, args) -> {
          if (method.getDeclaringClass() == Object.class) {
            return method.invoke(target, args);
          }
          Supplier<? extends Throwable> fault =
              faults.get(method.getDeclaringClass().getSimpleName() + "." + method.getName());
          if (fault != null) {
            throw fault.get();
          }
          Object result;
          try {
            result = method.invoke(target, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
          if (result == target) {
            return proxy; // a builder's "return this"
          }
          Class<?> returned = method.getReturnType();
          if (result != null
              && returned.isInterface()
              && returned.getName().startsWith("io.opentelemetry.api.")) {
            return wrap(result, returned);
          }
          return result;
        };
    return type.cast(
        Proxy.newProxyInstance(
            FaultyOpenTelemetry.class.getClassLoader(), new Class<?>[] {type}, handler));
  }
}
