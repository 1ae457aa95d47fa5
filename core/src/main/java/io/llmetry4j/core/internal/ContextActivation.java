package io.llmetry4j.core.internal;

import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;

/**
 * How llmetry4j makes a context holding one of its spans current. By default the OpenTelemetry way,
 * {@link Context#makeCurrent()}; a host that reads the current span through a context of its own as
 * well (Micrometer Tracing's OpenTelemetry bridge, under Spring Boot) gets one that also makes the
 * span current there, so that the host's instrumentation (HTTP clients, JDBC, the application's
 * observations) nests under llmetry4j's spans.
 *
 * <p>Not public API: shared by the llmetry4j modules, may change without notice.
 */
@FunctionalInterface
public interface ContextActivation {

  /** OpenTelemetry's own: the context becomes {@link Context#current()}. */
  ContextActivation OPENTELEMETRY = Context::makeCurrent;

  /**
   * Makes {@code context} current on this thread until the returned scope closes. Must restore
   * exactly what was current before on close, and never throw.
   */
  Scope makeCurrent(Context context);
}
