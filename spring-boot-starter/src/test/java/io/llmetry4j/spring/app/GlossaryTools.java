package io.llmetry4j.spring.app;

import dev.langchain4j.agent.tool.Tool;
import org.springframework.stereotype.Component;

/** A tool bean: LangChain4j's starter gives it to every AI Service (AUTOMATIC mode). */
@Component
public class GlossaryTools {

  @Tool("Defines a term of the observability handbook")
  public String glossary(String term) {
    return term + ": one timed operation of a trace.";
  }
}
