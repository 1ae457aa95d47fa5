package io.llmetry4j.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.core.internal.Instrumentation;
import org.junit.jupiter.api.Test;

/** The content settings have one home, LlmTelemetry.Builder, reached through the bootstrap. */
class TelemetrySettingsTest {

  @Test
  void telemetry_settings_of_the_config_reach_the_telemetry_that_init_returns() {
    LlmetryConfig config =
        LlmetryConfig.builder()
            .registerGlobal(false)
            .shutdownHook(false)
            .telemetry(t -> t.captureContent(true).maxContentLength(7))
            .telemetry(t -> t.openLlmetryCompat(true).contentRedactor(s -> s.replace('4', '#')))
            .build();

    try (Llmetry llmetry = Llmetry.init(config)) {
      LlmTelemetry telemetry = llmetry.telemetry();
      assertThat(telemetry.captureContent()).isTrue();
      assertThat(telemetry.maxContentLength()).isEqualTo(7);
      assertThat(telemetry.openLlmetryCompat()).isTrue();
      assertThat(Instrumentation.of(telemetry).content("card 4111 1111"))
          .isEqualTo("card #1...[truncated, 14 chars]");
    }
  }

  @Test
  void without_telemetry_settings_content_capture_and_compatibility_are_off() {
    LlmetryConfig config =
        LlmetryConfig.builder().registerGlobal(false).shutdownHook(false).build();

    try (Llmetry llmetry = Llmetry.init(config)) {
      assertThat(llmetry.telemetry().captureContent()).isFalse();
      assertThat(llmetry.telemetry().openLlmetryCompat()).isFalse();
      assertThat(llmetry.telemetry().maxContentLength())
          .isEqualTo(LlmTelemetry.DEFAULT_MAX_CONTENT_LENGTH);
      assertThat(Instrumentation.of(llmetry.telemetry()).content("a prompt")).isNull();
    }
  }

  @Test
  void the_config_says_how_many_telemetry_settings_it_holds_and_nothing_of_them() {
    LlmetryConfig config =
        LlmetryConfig.builder().telemetry(t -> t.contentRedactor(s -> "secret-redactor")).build();

    assertThat(config.toString()).contains("telemetrySettings=1").doesNotContain("secret");
  }
}
