package io.llmetry4j.spring;

import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.core.internal.ContextActivation;
import io.llmetry4j.core.internal.Instrumentation;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.otel.bridge.OtelSpan;
import io.micrometer.tracing.otel.bridge.OtelTracer;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import org.springframework.beans.factory.ObjectProvider;

/**
 * Under Micrometer Tracing's OpenTelemetry bridge, llmetry4j's spans become current for Micrometer
 * as well as for OpenTelemetry. The bridge reads the current span from an entry of its own in the
 * OpenTelemetry context, which an observation in scope (Spring MVC's server observation) has set: a
 * span made current only the OpenTelemetry way stays invisible to {@code Tracer.currentSpan()}, and
 * observations started under it (the model's {@code RestClient} call, the application's own) take
 * the server's span as parent. So the span is first put in scope through the bridge, then made
 * current as itself; both scopes close in reverse order.
 */
final class MicrometerTracingIntegration implements HostIntegration {

  private final ObjectProvider<Tracer> tracer;

  MicrometerTracingIntegration(ObjectProvider<Tracer> tracer) {
    this.tracer = tracer;
  }

  @Override
  public void customize(LlmTelemetry.Builder builder) {
    Tracer micrometer = tracer.getIfUnique();
    if (micrometer instanceof OtelTracer) {
      Instrumentation.setContextActivation(builder, new Activation(micrometer));
    }
  }

  private static final class Activation implements ContextActivation {
    private final Tracer tracer;

    Activation(Tracer tracer) {
      this.tracer = tracer;
    }

    @Override
    public Scope makeCurrent(Context context) {
      Span span = Span.fromContext(context);
      if (!span.getSpanContext().isValid() || Span.current() == span) {
        return context.makeCurrent();
      }
      Tracer.SpanInScope micrometerScope;
      try {
        // With the context it belongs to, so that the bridge's scope carries its other entries.
        micrometerScope = tracer.withSpan(OtelSpan.fromOtel(span, context));
      } catch (Throwable e) {
        return context.makeCurrent(); // the OpenTelemetry way still holds
      }
      Scope spanScope;
      try {
        // The span itself, not the bridge's stand-in for it, is what Span.current() returns.
        spanScope = Context.current().with(span).makeCurrent();
      } catch (Throwable e) {
        micrometerScope.close();
        throw e;
      }
      return () -> {
        spanScope.close();
        micrometerScope.close();
      };
    }
  }
}
