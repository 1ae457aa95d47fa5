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
  void without_telemetry_settings_the_content_length_is_the_default() {
    // Content capture and compatibility by default depend on the environment: they are proven in
    // forked JVMs with a known one (EnvironmentConfigTest), so that this class passes in any.
    LlmetryConfig config =
        LlmetryConfig.builder().registerGlobal(false).shutdownHook(false).build();

    try (Llmetry llmetry = Llmetry.init(config)) {
      assertThat(llmetry.telemetry().maxContentLength())
          .isEqualTo(LlmTelemetry.DEFAULT_MAX_CONTENT_LENGTH);
    }
  }

  @Test
  void the_tencent_preset_leaves_compatibility_to_the_settings_that_say_so() {
    try (Llmetry llmetry =
        Llmetry.init(
            LlmetryConfig.tencentApm("http://127.0.0.1:4317", "token-of-this-test", "compat")
                .registerGlobal(false)
                .shutdownHook(false)
                .metrics(false)
                .telemetry(t -> t.openLlmetryCompat(false))
                .build())) {
      assertThat(llmetry.telemetry().openLlmetryCompat()).isFalse();
    }
    // A system property ranks above the environment: what it says holds in any environment.
    System.setProperty(SdkAssembly.OPENLLMETRY_COMPAT_PROPERTY, "false");
    try (Llmetry llmetry =
        Llmetry.init(
            LlmetryConfig.tencentApm("http://127.0.0.1:4317", "token-of-this-test", "compat")
                .registerGlobal(false)
                .shutdownHook(false)
                .metrics(false)
                .build())) {
      assertThat(llmetry.telemetry().openLlmetryCompat()).isFalse();
    } finally {
      System.clearProperty(SdkAssembly.OPENLLMETRY_COMPAT_PROPERTY);
    }
  }

  @Test
  void the_content_modes_of_the_environment_are_read_and_a_bad_one_fails_naming_the_setting() {
    System.setProperty(SdkAssembly.CAPTURE_CONTENT_PROPERTY, "EVENT_ONLY");
    try (Llmetry llmetry =
        Llmetry.init(LlmetryConfig.builder().registerGlobal(false).shutdownHook(false).build())) {
      assertThat(llmetry.telemetry().contentCapture())
          .isEqualTo(io.llmetry4j.core.ContentCapture.EVENT_ONLY);
      assertThat(llmetry.telemetry().captureContent()).as("nothing on spans").isFalse();
    } finally {
      System.clearProperty(SdkAssembly.CAPTURE_CONTENT_PROPERTY);
    }
    System.setProperty(SdkAssembly.CAPTURE_CONTENT_PROPERTY, "sometimes-s3cret");
    try {
      Throwable thrown =
          org.assertj.core.api.Assertions.catchThrowable(
              () ->
                  Llmetry.init(
                      LlmetryConfig.builder().registerGlobal(false).shutdownHook(false).build()));
      assertThat(thrown)
          .hasStackTraceContaining("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT")
          .hasStackTraceContaining("must be true, false, NO_CONTENT");
      assertThat(thrown.toString()).doesNotContain("s3cret");
    } finally {
      System.clearProperty(SdkAssembly.CAPTURE_CONTENT_PROPERTY);
    }
  }

  @Test
  void the_config_says_how_many_telemetry_settings_it_holds_and_nothing_of_them() {
    LlmetryConfig config =
        LlmetryConfig.builder().telemetry(t -> t.contentRedactor(s -> "secret-redactor")).build();

    assertThat(config.toString()).contains("telemetrySettings=1").doesNotContain("secret");
  }
}
