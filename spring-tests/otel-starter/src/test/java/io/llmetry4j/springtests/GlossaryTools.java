package io.llmetry4j.springtests;

import dev.langchain4j.agent.tool.Tool;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import org.springframework.stereotype.Component;

/** A tool bean that traces its own work with the application's OpenTelemetry. */
@Component
public class GlossaryTools {

  private final Tracer tracer;

  public GlossaryTools(OpenTelemetry openTelemetry) {
    this.tracer = openTelemetry.getTracer("glossary");
  }

  @Tool("Defines a term of the observability handbook")
  @SuppressWarnings("try") // the scope is only closed
  public String glossary(String term) {
    Span span =
        tracer.spanBuilder("glossary.lookup").setAttribute("glossary.term", term).startSpan();
    try (Scope ignored = span.makeCurrent()) {
      return term + ": one timed operation of a trace.";
    } finally {
      span.end();
    }
  }
}
