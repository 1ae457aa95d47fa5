package io.llmetry4j.reliability;

import java.util.List;

/**
 * Every piece of content this suite sends through instrumented calls with capture off, and the APM
 * token: the final scans prove none of it reached a span or a log line.
 */
final class Secrets {
  static final String TOKEN = "reliability-token-3c9d-never-logged";
  static final String QUESTION = "Which secret recipe does the Zephyrine bakery use?";
  static final String TOOL_ARGUMENT = "Zephyrine-Street-42";
  static final String DOCUMENT = "The Zephyrine bakery folds cardamom into every croissant.";
  static final String RECORDED_ANSWER_FRAGMENT = "struggling to";

  static final List<String> CONTENT =
      List.of(QUESTION, TOOL_ARGUMENT, DOCUMENT, RECORDED_ANSWER_FRAGMENT, "Zephyrine");

  private Secrets() {}
}
