package io.llmetry4j.bootstrap;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import javax.annotation.Nullable;

/**
 * {@link GlobalOpenTelemetry} across the OpenTelemetry API versions llmetry4j supports (1.49 on).
 *
 * <p>{@code GlobalOpenTelemetry.isSet()} arrived in 1.57; it is looked up once and, where present,
 * tells whether an instance (e.g. a Java agent's) is registered before anything is built. Older
 * APIs have no side-effect-free probe: there {@code get()} registers a no-op instance when none is
 * set (after which {@code set} throws), and under the OpenTelemetry Java agent {@code set} is
 * ignored (with a warning) while {@code get()} returns the agent's instance. So without {@code
 * isSet} the SDK is built first and {@link #register} finds out afterwards.
 */
final class GlobalRegistration {

  @Nullable private static final MethodHandle IS_SET = lookUpIsSet();

  private GlobalRegistration() {}

  @Nullable
  private static MethodHandle lookUpIsSet() {
    try {
      return MethodHandles.publicLookup()
          .findStatic(GlobalOpenTelemetry.class, "isSet", MethodType.methodType(boolean.class));
    } catch (NoSuchMethodException | IllegalAccessException e) {
      return null;
    }
  }

  /**
   * The OpenTelemetry Java agent (and the vendor agents built on it, Tencent's among them) puts
   * this class on the bootstrap class path when it starts; it is not on any application's.
   */
  private static final String AGENT_BOOTSTRAP_CLASS =
      "io.opentelemetry.javaagent.bootstrap.AgentInitializer";

  /** The package of the agent's bridge, what {@code GlobalOpenTelemetry.get()} returns under it. */
  private static final String AGENT_BRIDGE_PACKAGE =
      "io.opentelemetry.javaagent.instrumentation.opentelemetryapi.";

  /**
   * Whether an OpenTelemetry Java agent 2.x is attached and provides the global instance, found
   * before anything is built and without a warning from the agent: on every agent version,
   * including those that do not bridge {@code isSet()} (before 2.23). The agent's bootstrap class
   * is looked up without loading it; {@code get()} is asked only then (under the agent it returns
   * the bridge, with no side effect), and not when the agent was started disabled ({@code
   * otel.javaagent.enabled=false}), where {@code get()} would fix a no-op instance.
   */
  static boolean agentProvidesGlobal() {
    try {
      Class.forName(AGENT_BOOTSTRAP_CLASS, false, null);
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
    String enabled = System.getProperty("otel.javaagent.enabled");
    if (enabled == null) {
      enabled = System.getenv("OTEL_JAVAAGENT_ENABLED");
    }
    if (enabled != null && enabled.trim().equalsIgnoreCase("false")) {
      return false;
    }
    return GlobalOpenTelemetry.get().getClass().getName().startsWith(AGENT_BRIDGE_PACKAGE);
  }

  /** Whether this OpenTelemetry API can tell, without side effects, if a global is registered. */
  static boolean canProbe() {
    return IS_SET != null;
  }

  /**
   * Whether an OpenTelemetry instance is registered globally. Only when {@link #canProbe()}.
   *
   * @throws IllegalStateException on an API without {@code isSet()}
   */
  static boolean isSet() {
    if (IS_SET == null) {
      throw new IllegalStateException("GlobalOpenTelemetry.isSet() is not available");
    }
    try {
      return (boolean) IS_SET.invokeExact();
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Registers {@code openTelemetry} as the global instance, unless another one is in place. Returns
   * whether {@code openTelemetry} is now what {@link GlobalOpenTelemetry#get()} returns: false when
   * an instance was set before ({@code set} throws) or a Java agent provides the global one ({@code
   * set} is ignored).
   */
  static boolean register(OpenTelemetry openTelemetry) {
    try {
      GlobalOpenTelemetry.set(openTelemetry);
    } catch (IllegalStateException alreadySet) {
      return false;
    }
    // Set now, so get() cannot register a no-op. The global wrapper hands out the wrapped
    // instance's own tracer provider: the same object unless something else answers get().
    return GlobalOpenTelemetry.get().getTracerProvider() == openTelemetry.getTracerProvider();
  }
}
