package io.opentelemetry.api.internal;

import io.opentelemetry.context.Context;

/**
 * Benchmark-only bridge, not part of llmetry4j, compiled only by the {@code
 * instrumenter-comparison} profile at the default OpenTelemetry version:
 * opentelemetry-instrumentation-api 2.15.0 (built on OpenTelemetry API 1.49) calls {@code
 * io.opentelemetry.api.internal.InstrumentationUtil}, which API 1.66 moved to {@code
 * io.opentelemetry.api.impl}. Without this class every {@code Instrumenter.shouldStart} fails with
 * NoClassDefFoundError. It delegates to the moved class, so the suppression semantics are the API's
 * own. Under {@code -Potel-1.49} or {@code -Potel-1.55} the API still has the original and this
 * class is left out (see benchmarks/pom.xml).
 */
public final class InstrumentationUtil {

  private InstrumentationUtil() {}

  public static boolean shouldSuppressInstrumentation(Context context) {
    return io.opentelemetry.api.impl.InstrumentationUtil.shouldSuppressInstrumentation(context);
  }

  public static void suppressInstrumentation(Runnable runnable) {
    io.opentelemetry.api.impl.InstrumentationUtil.suppressInstrumentation(runnable);
  }
}
