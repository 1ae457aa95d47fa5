package io.llmetry4j.core;

import static org.assertj.core.api.Assertions.assertThat;

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
    assertThat(telemetry.content("a prompt")).isNull();
  }

  @Test
  void bootstrap_leaves_content_capture_off_by_default() {
    Llmetry llmetry =
        Llmetry.init(LlmetryConfig.builder().registerGlobal(false).shutdownHook(false).build());
    try {
      assertThat(llmetry.telemetry().captureContent()).isFalse();
    } finally {
      llmetry.close();
    }
  }

  @Test
  void long_values_are_cut_to_the_limit_with_a_marker_naming_the_original_length() {
    LlmTelemetry telemetry =
        LlmTelemetry.builder(OpenTelemetry.noop())
            .captureContent(true)
            .maxContentLength(10)
            .build();

    assertThat(telemetry.content("abcdefghijklmnop"))
        .isEqualTo("abcdefghij...[truncated, 16 chars]");
    assertThat(telemetry.content("abcdefghij")).isEqualTo("abcdefghij");
  }

  @Test
  void truncation_never_splits_a_surrogate_pair() {
    LlmTelemetry telemetry =
        LlmTelemetry.builder(OpenTelemetry.noop()).captureContent(true).maxContentLength(3).build();

    // "ab" + U+1F600 (two chars) + "c": the cut at 3 would fall inside the emoji.
    assertThat(telemetry.content("ab\uD83D\uDE00c")).isEqualTo("ab...[truncated, 5 chars]");
  }

  @Test
  void redactor_runs_before_truncation_on_every_value() {
    LlmTelemetry telemetry =
        LlmTelemetry.builder(OpenTelemetry.noop())
            .captureContent(true)
            .maxContentLength(12)
            .contentRedactor(s -> s.replaceAll("\\d", "#"))
            .build();

    assertThat(telemetry.content("card 4111 1111 1111 1111"))
        .isEqualTo("card #### ##...[truncated, 24 chars]");
    assertThat(telemetry.content("no digits")).isEqualTo("no digits");
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

      assertThat(telemetry.content("secret prompt one")).isNull();
      assertThat(telemetry.content("secret prompt two")).isNull();

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

    assertThat(telemetry.content("anything")).isNull();
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
