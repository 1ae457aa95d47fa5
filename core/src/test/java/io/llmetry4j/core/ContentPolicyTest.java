package io.llmetry4j.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmetry4j.core.internal.ContentPolicy;
import io.llmetry4j.core.internal.Instrumentation;
import io.opentelemetry.api.OpenTelemetry;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

class ContentPolicyTest {

  @Test
  void content_capture_is_off_by_default() {
    LlmTelemetry telemetry = LlmTelemetry.create(OpenTelemetry.noop());

    assertThat(telemetry.captureContent()).isFalse();
    assertThat(content(telemetry, "a prompt")).isNull();
  }

  @Test
  void long_values_are_cut_to_the_limit_with_a_marker_naming_the_original_length() {
    LlmTelemetry telemetry =
        LlmTelemetry.builder(OpenTelemetry.noop())
            .captureContent(true)
            .maxContentLength(10)
            .build();

    assertThat(content(telemetry, "abcdefghijklmnop"))
        .isEqualTo("abcdefghij...[truncated, 16 chars]");
    assertThat(content(telemetry, "abcdefghij")).isEqualTo("abcdefghij");
  }

  @Test
  void truncation_never_splits_a_surrogate_pair() {
    LlmTelemetry telemetry =
        LlmTelemetry.builder(OpenTelemetry.noop()).captureContent(true).maxContentLength(3).build();

    // "ab" + U+1F600 (two chars) + "c": the cut at 3 would fall inside the emoji.
    assertThat(content(telemetry, "ab\uD83D\uDE00c")).isEqualTo("ab...[truncated, 5 chars]");
  }

  @Test
  void redactor_runs_before_truncation_on_every_value() {
    LlmTelemetry telemetry =
        LlmTelemetry.builder(OpenTelemetry.noop())
            .captureContent(true)
            .maxContentLength(12)
            .contentRedactor(s -> s.replaceAll("\\d", "#"))
            .build();

    assertThat(content(telemetry, "card 4111 1111 1111 1111"))
        .isEqualTo("card #### ##...[truncated, 24 chars]");
    assertThat(content(telemetry, "no digits")).isEqualTo("no digits");
  }

  @Test
  void a_throwing_redactor_drops_the_value_and_warns_once_without_content() {
    List<LogRecord> records = new ArrayList<>();
    Handler handler = new RecordingHandler(records);
    Logger logger = Logger.getLogger(ContentPolicy.class.getName());
    logger.addHandler(handler);
    try {
      LlmTelemetry telemetry =
          LlmTelemetry.builder(OpenTelemetry.noop())
              .captureContent(true)
              .contentRedactor(
                  s -> {
                    throw new IllegalStateException("cannot redact " + s);
                  })
              .build();

      assertThat(content(telemetry, "secret prompt one")).isNull();
      assertThat(content(telemetry, "secret prompt two")).isNull();

      assertThat(records).hasSize(1);
      String message = new java.util.logging.SimpleFormatter().formatMessage(records.get(0));
      assertThat(message)
          .contains("contentRedactor threw java.lang.IllegalStateException")
          .doesNotContain("secret prompt");
    } finally {
      logger.removeHandler(handler);
    }
  }

  @Test
  void a_redactor_returning_null_drops_the_value() {
    LlmTelemetry telemetry =
        LlmTelemetry.builder(OpenTelemetry.noop())
            .captureContent(true)
            .contentRedactor(s -> null)
            .build();

    assertThat(content(telemetry, "anything")).isNull();
  }

  /** What an instrumentation records of {@code value} under {@code telemetry}'s policy. */
  private static String content(LlmTelemetry telemetry, String value) {
    return Instrumentation.of(telemetry).content(value);
  }

  private static final class RecordingHandler extends Handler {
    private final List<LogRecord> records;

    RecordingHandler(List<LogRecord> records) {
      this.records = records;
    }

    @Override
    public void publish(LogRecord record) {
      records.add(record);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }
}
