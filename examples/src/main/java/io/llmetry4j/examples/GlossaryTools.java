package io.llmetry4j.examples;

import dev.langchain4j.agent.tool.Tool;
import java.util.Locale;
import java.util.Map;

/** The demo's tool: a small glossary of observability terms. */
public final class GlossaryTools {

  private static final Map<String, String> TERMS =
      Map.of(
          "span", "a span is one timed operation of a trace.",
          "trace", "a trace is the tree of spans of one request.",
          "embedding", "an embedding is a vector that captures the meaning of a text.",
          "baggage", "baggage is key-value context that travels with a trace.",
          "token", "a token is the unit of text a language model reads and writes.");

  @Tool("Looks up the terms of a question in the observability glossary")
  public String glossary(String question) {
    String lower = question.toLowerCase(Locale.ROOT);
    return TERMS.entrySet().stream()
        .filter(term -> lower.contains(term.getKey()))
        .map(Map.Entry::getValue)
        .findFirst()
        .orElse("no glossary entry.");
  }
}
