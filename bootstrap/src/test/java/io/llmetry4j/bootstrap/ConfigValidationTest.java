package io.llmetry4j.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.llmetry4j.core.testing.SuiteOutputCapture;
import io.llmetry4j.core.testing.TestSecrets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Bad configuration fails at build/init with a message naming the setting, rule and value. */
class ConfigValidationTest {

  private static final String ENDPOINT = "http://127.0.0.1:4317";

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "too long        | aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa | must be at most 63 characters, was 64",
        "uppercase       | Rag-service | must be lowercase; found 'R'",
        "leading digit   | 1rag        | must start with a lowercase letter",
        "trailing dash   | rag-        | must end with a lowercase letter or digit",
        "underscore      | rag_service | may contain only lowercase letters, digits and '-'; found '_'",
        "dot             | rag.service | may contain only lowercase letters, digits and '-'; found '.'",
        "leading dash    | -rag        | must start with a lowercase letter",
      })
  void tencent_app_name_rule_is_enforced(String rule, String appName, String expected) {
    Throwable thrown =
        catchThrowable(
            () -> LlmetryConfig.tencentApm(ENDPOINT, TestSecrets.TOKEN, appName).build());
    SuiteOutputCapture.record(String.valueOf(thrown));

    assertThat(thrown)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("appName (Tencent Cloud APM application name)")
        .hasMessageContaining(expected)
        .hasMessageContaining(appName)
        .hasMessageNotContaining(TestSecrets.TOKEN);
  }

  @ParameterizedTest
  @CsvSource({
    "a",
    "rag-service-01",
    "a0",
    "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijk"
  })
  void valid_tencent_app_names_are_accepted(String appName) {
    assertThat(LlmetryConfig.tencentApm(ENDPOINT, TestSecrets.TOKEN, appName).build().appName)
        .isEqualTo(appName);
  }

  @Test
  void generic_config_accepts_any_service_name() {
    assertThat(LlmetryConfig.builder().appName("My RAG_Service.v2").build().appName)
        .isEqualTo("My RAG_Service.v2");
  }

  @ParameterizedTest
  @CsvSource(value = {"''", "'   '", "'\t'"})
  void blank_token_is_rejected_without_quoting_it(String token) {
    Throwable thrown = catchThrowable(() -> LlmetryConfig.tencentApm(ENDPOINT, token, "rag"));
    SuiteOutputCapture.record(String.valueOf(thrown));

    assertThat(thrown)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "token (Tencent Cloud APM token) must not be blank: copy it from the APM console's"
                + " access guide");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "no scheme       | 127.0.0.1:4317           | grpc          | must start with http:// or https://",
        "no scheme name  | localhost:4317           | grpc          | must start with http:// or https://",
        "other scheme    | ftp://127.0.0.1:4317     | grpc          | must start with http:// or https://",
        "no host         | http://:4317             | grpc          | must name a valid host",
        "malformed       | http://exa mple.com:4317 | grpc          | is not a valid URL",
        "grpc with path  | http://127.0.0.1:4317/v1/traces | grpc   | must not have a path with protocol grpc",
        "port too large  | http://127.0.0.1:99999   | grpc          | must have a port from 1 to 65535",
        "port too large  | http://127.0.0.1:99999   | http/protobuf | must have a port from 1 to 65535",
        "port zero       | http://127.0.0.1:0       | grpc          | must have a port from 1 to 65535",
        "credentials     | http://user:s3cret@:4317 | grpc          | must name a valid host",
      })
  void bad_endpoint_is_rejected(String rule, String endpoint, String protocol, String expected) {
    Throwable thrown =
        catchThrowable(
            () ->
                LlmetryConfig.tencentApm(endpoint, TestSecrets.TOKEN, "rag")
                    .protocol(protocol)
                    .build());
    SuiteOutputCapture.record(String.valueOf(thrown));

    assertThat(thrown)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("endpoint ")
        .hasMessageContaining(expected)
        .hasMessageNotContaining(endpoint)
        .hasMessageNotContaining("s3cret")
        .hasMessageNotContaining(TestSecrets.TOKEN);
  }

  @ParameterizedTest
  @CsvSource(value = {"grpc", "http/protobuf"})
  void a_ten_kilobyte_host_is_rejected_naming_the_setting_not_the_value(String protocol) {
    String host = "a".repeat(10 * 1024);
    Throwable thrown =
        catchThrowable(
            () ->
                LlmetryConfig.tencentApm("http://" + host + ":4317", TestSecrets.TOKEN, "rag")
                    .protocol(protocol)
                    .build());

    assertThat(thrown)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("endpoint must name a valid host")
        .hasMessageNotContaining("aaaaaaaa");
  }

  @Test
  void header_names_and_values_that_would_break_every_export_fail_at_build_unquoted() {
    Throwable badValue =
        catchThrowable(
            () ->
                LlmetryConfig.builder()
                    .headers(java.util.Map.of("authorization", "Bearer s3cret\r\nX-Evil: 1"))
                    .build());
    Throwable badName =
        catchThrowable(
            () ->
                LlmetryConfig.builder()
                    .headers(java.util.Map.of("x-api key\r\n", "s3cret"))
                    .build());

    assertThat(badValue)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "headers: the value of header 'authorization' contains a control character (CR, LF, ...)");
    assertThat(badName)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("headers: a header name is not an HTTP token")
        .hasMessageNotContaining("x-api key")
        .hasMessageNotContaining("s3cret");
  }

  @Test
  void what_init_returns_never_prints_the_token() {
    try (Llmetry llmetry =
        Llmetry.init(
            LlmetryConfig.tencentApm("http://127.0.0.1:4317", TestSecrets.TOKEN, "rag")
                .registerGlobal(false)
                .shutdownHook(false)
                .metrics(false)
                .build())) {
      assertThat(String.valueOf(llmetry.openTelemetry())).doesNotContain(TestSecrets.TOKEN);
      assertThat(String.valueOf(llmetry.telemetry())).doesNotContain(TestSecrets.TOKEN);
      assertThat(String.valueOf(llmetry.telemetry().openTelemetry()))
          .doesNotContain(TestSecrets.TOKEN);
      assertThat(String.valueOf(llmetry)).doesNotContain(TestSecrets.TOKEN);
    }
  }

  @Test
  void grpc_path_rule_applies_to_the_default_protocol_at_init() {
    LlmetryConfig config =
        LlmetryConfig.builder()
            .endpoint("http://127.0.0.1:4317/otlp")
            .registerGlobal(false)
            .build();

    assertThatThrownBy(() -> Llmetry.init(config))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("endpoint must not have a path with protocol grpc")
        .hasMessageNotContaining("/otlp");
  }

  @Test
  void http_endpoint_may_have_a_path() {
    LlmetryConfig config =
        LlmetryConfig.builder()
            .endpoint("https://127.0.0.1:4318/otlp")
            .protocol(LlmetryConfig.PROTOCOL_HTTP_PROTOBUF)
            .build();
    assertThat(config.endpoint).isEqualTo("https://127.0.0.1:4318/otlp");
  }

  @Test
  void unknown_protocol_is_rejected() {
    assertThatThrownBy(() -> LlmetryConfig.builder().protocol("http/json"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("protocol must be 'grpc' or 'http/protobuf', was 'http/json'");
  }

  @Test
  void numeric_settings_are_range_checked() {
    assertThatThrownBy(() -> LlmetryConfig.builder().telemetry(t -> t.maxContentLength(0)).build())
        .hasMessage("maxContentLength must be at least 1, was 0");
    assertThatThrownBy(() -> LlmetryConfig.builder().shutdownTimeout(java.time.Duration.ZERO))
        .hasMessage("shutdownTimeout must be positive, was PT0S");
  }

  @Test
  void to_string_masks_the_token_and_header_values() {
    String text =
        LlmetryConfig.tencentApm(ENDPOINT, TestSecrets.TOKEN, "rag")
            .headers(java.util.Map.of("authorization", "Bearer " + TestSecrets.TOKEN))
            .build()
            .toString();
    SuiteOutputCapture.record(text);

    assertThat(text)
        .doesNotContain(TestSecrets.TOKEN)
        .contains("token=****")
        .contains("authorization=****");
  }
}
