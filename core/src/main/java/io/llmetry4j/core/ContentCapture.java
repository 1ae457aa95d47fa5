package io.llmetry4j.core;

import java.util.Locale;

/**
 * Where captured content (prompts, answers, documents, queries, tool arguments) goes: the values of
 * {@code OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT} that OpenTelemetry's GenAI
 * instrumentations use.
 */
public enum ContentCapture {
  /** Nowhere: the default. */
  NO_CONTENT,
  /** On span attributes ({@code gen_ai.input.messages}, ...). */
  SPAN_ONLY,
  /** On the {@code gen_ai.client.inference.operation.details} event only. */
  EVENT_ONLY,
  /** On span attributes and on the event. */
  SPAN_AND_EVENT;

  public boolean onSpans() {
    return this == SPAN_ONLY || this == SPAN_AND_EVENT;
  }

  public boolean onEvents() {
    return this == EVENT_ONLY || this == SPAN_AND_EVENT;
  }

  /**
   * The mode a configuration value names: one of the constants (any case), or {@code true} ({@link
   * #SPAN_ONLY}) / {@code false} ({@link #NO_CONTENT}).
   *
   * @throws IllegalArgumentException naming {@code setting} (never the value) for anything else
   */
  public static ContentCapture parse(String setting, String value) {
    String normalized = value.trim().toUpperCase(Locale.ROOT);
    switch (normalized) {
      case "TRUE":
        return SPAN_ONLY;
      case "FALSE":
      case "":
        return NO_CONTENT;
      default:
        for (ContentCapture mode : values()) {
          if (mode.name().equals(normalized)) {
            return mode;
          }
        }
        throw new IllegalArgumentException(
            setting + " must be true, false, NO_CONTENT, SPAN_ONLY, EVENT_ONLY or SPAN_AND_EVENT");
    }
  }
}
