package io.llmetry4j.springtests;

import dev.langchain4j.agent.tool.Tool;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import org.springframework.stereotype.Component;

/** A tool bean whose work is observed the Micrometer way, as application code does it. */
@Component
public class GlossaryTools {

  private final ObservationRegistry observationRegistry;

  public GlossaryTools(ObservationRegistry observationRegistry) {
    this.observationRegistry = observationRegistry;
  }

  @Tool("Defines a term of the observability handbook")
  public String glossary(String term) {
    return Observation.createNotStarted("glossary.lookup", observationRegistry)
        .lowCardinalityKeyValue("glossary.term", term)
        .observe(() -> term + ": one timed operation of a trace.");
  }
}
