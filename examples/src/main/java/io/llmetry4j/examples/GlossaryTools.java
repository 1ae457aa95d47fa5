package io.llmetry4j.examples;

import dev.langchain4j.agent.tool.Tool;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The demo's tool: a small glossary of observability terms. */
public final class GlossaryTools {

  // Ordered: the first term found in the question wins, the same on every run.
  private static final List<Map.Entry<String, String>> TERMS =
      List.of(
          Map.entry("span", "a span is one timed operation of a trace."),
          Map.entry("trace", "a trace is the tree of spans of one request."),
          Map.entry("embedding", "an embedding is a vector that captures the meaning of a text."),
          Map.entry("baggage", "baggage is key-value context that travels with a trace."),
          Map.entry("token", "a token is the unit of text a language model reads and writes."));

  @Tool("Looks up the terms of a question in the observability glossary")
  public String glossary(String question) {
    String lower = question.toLowerCase(Locale.ROOT);
    return TERMS.stream()
        .filter(term -> lower.contains(term.getKey()))
        .map(Map.Entry::getValue)
        .findFirst()
        .orElse("no glossary entry.");
  }
}
