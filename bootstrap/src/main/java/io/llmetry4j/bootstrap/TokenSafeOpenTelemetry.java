package io.llmetry4j.bootstrap;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.logs.LoggerProvider;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.context.propagation.ContextPropagators;

/**
 * The SDK that {@link Llmetry} built, as handed to the application: the SDK's own {@code toString}
 * prints its resource, which holds the Tencent token, so this one says what it is and nothing of
 * the resource. Everything else is the SDK's.
 */
final class TokenSafeOpenTelemetry implements OpenTelemetry {

  private final OpenTelemetry sdk;

  TokenSafeOpenTelemetry(OpenTelemetry sdk) {
    this.sdk = sdk;
  }

  @Override
  public TracerProvider getTracerProvider() {
    return sdk.getTracerProvider();
  }

  @Override
  public MeterProvider getMeterProvider() {
    return sdk.getMeterProvider();
  }

  @Override
  public LoggerProvider getLogsBridge() {
    return sdk.getLogsBridge();
  }

  @Override
  public ContextPropagators getPropagators() {
    return sdk.getPropagators();
  }

  @Override
  public String toString() {
    return "OpenTelemetrySdk{built by llmetry4j; resource and exporters not printed}";
  }
}
