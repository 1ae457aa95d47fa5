package io.llmetry4j.spring;

import io.llmetry4j.core.LlmTelemetry;
import io.opentelemetry.api.OpenTelemetry;

/**
 * What the application's framework needs from llmetry4j over the application's {@code
 * OpenTelemetry}: its types never name the framework's, so that this starter loads without it.
 * Implemented for Micrometer Tracing ({@link MicrometerTracingIntegration}) and Micrometer's
 * metrics ({@link MicrometerMetricsIntegration}), each defined only when its classes are present.
 */
interface HostIntegration {

  /** The instance llmetry4j reports to, given the application's. */
  default OpenTelemetry openTelemetry(OpenTelemetry applications) {
    return applications;
  }

  /** Settings of the telemetry llmetry4j builds over it. */
  default void customize(LlmTelemetry.Builder builder) {}
}
