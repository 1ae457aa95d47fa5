package io.llmetry4j.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The bootstrap's one setting that starts the local trace viewer beside the SDK it builds. */
class ViewerSettingTest {

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void viewer_on_serves_the_spans_of_the_sdk_and_prints_its_address_once() throws Exception {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream originalErr = System.err;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    Llmetry llmetry;
    try {
      llmetry =
          Llmetry.init(
              LlmetryConfig.builder()
                  .appName("viewer-setting-test")
                  .viewer(true)
                  .registerGlobal(false)
                  .shutdownHook(false)
                  .build());
    } finally {
      System.setErr(originalErr);
    }
    String url;
    try {
      url = llmetry.viewerUrl().orElseThrow();
      assertThat(url).matches("http://127\\.0\\.0\\.1:\\d+/");
      assertThat(err.toString(StandardCharsets.UTF_8)).containsOnlyOnce("llmetry4j viewer: " + url);

      String traceId =
          llmetry
              .telemetry()
              .workflow("viewer-check")
              .call(() -> io.opentelemetry.api.trace.Span.current().getSpanContext().getTraceId());
      String list = "";
      for (int i = 0; i < 100 && !list.contains(traceId); i++) {
        Thread.sleep(50);
        list = get(url + "api/traces").body();
      }
      assertThat(list)
          .contains("\"traceId\":\"" + traceId + "\"")
          .contains("\"rootName\":\"invoke_workflow viewer-check\"")
          .contains("\"service\":\"viewer-setting-test\"");
    } finally {
      llmetry.close();
    }
    // Closing the SDK stops the viewer.
    assertThatThrownBy(() -> get(url + "api/version")).isInstanceOf(ConnectException.class);
  }

  @Test
  void viewer_off_by_default() {
    try (Llmetry llmetry =
        Llmetry.init(LlmetryConfig.builder().registerGlobal(false).shutdownHook(false).build())) {
      assertThat(llmetry.viewerUrl()).isEmpty();
    }
  }

  @Test
  void a_bad_viewer_setting_fails_at_init_naming_the_setting_not_its_value() throws Exception {
    assertThatThrownBy(
            () ->
                Llmetry.init(
                    LlmetryConfig.builder()
                        .properties(
                            Map.of("llmetry4j.viewer", "true", "llmetry4j.viewer.port", "s3cr3t"))
                        .registerGlobal(false)
                        .shutdownHook(false)
                        .build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("LLMETRY4J_VIEWER_PORT")
        .hasMessageNotContaining("s3cr3t");
    assertThatThrownBy(
            () ->
                Llmetry.init(
                    LlmetryConfig.builder()
                        .viewer(true)
                        .properties(Map.of("llmetry4j.viewer.max.traces", "-5s3cr3t"))
                        .registerGlobal(false)
                        .shutdownHook(false)
                        .build()))
        .hasMessage("LLMETRY4J_VIEWER_MAX_TRACES must be a positive number");
    assertThatThrownBy(
            () ->
                Llmetry.init(
                    LlmetryConfig.builder()
                        .viewer(true)
                        .properties(Map.of("llmetry4j.viewer.host", "192.0.2.1"))
                        .registerGlobal(false)
                        .shutdownHook(false)
                        .build()))
        .hasMessage(
            "LLMETRY4J_VIEWER_HOST is not a loopback address: set LLMETRY4J_VIEWER_TOKEN too");
    try (java.net.ServerSocket taken =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      assertThatThrownBy(
              () ->
                  Llmetry.init(
                      LlmetryConfig.builder()
                          .viewer(true)
                          .viewerPort(taken.getLocalPort())
                          .registerGlobal(false)
                          .shutdownHook(false)
                          .build()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("LLMETRY4J_VIEWER_PORT: the viewer's port cannot be bound");
    }
    assertThatThrownBy(() -> LlmetryConfig.builder().viewerPort(70000))
        .hasMessage("viewerPort must be between 0 and 65535");
  }

  @Test
  void the_environment_variable_turns_it_on() throws Exception {
    EnvironmentConfigTest.ChildRun run =
        EnvironmentConfigTest.runChild(Map.of("LLMETRY4J_VIEWER", "true"));
    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.output())
        .containsPattern("viewerUrl=http://127\\.0\\.0\\.1:\\d+/")
        .containsPattern("llmetry4j viewer: http://127\\.0\\.0\\.1:\\d+/");
  }

  @Test
  void under_an_instance_already_registered_no_viewer_starts_and_a_warning_says_what_to_do() {
    java.util.logging.Logger logger = java.util.logging.Logger.getLogger(Llmetry.class.getName());
    java.util.List<String> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.logging.Handler handler =
        new java.util.logging.Handler() {
          @Override
          public void publish(java.util.logging.LogRecord record) {
            warnings.add(record.getMessage());
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    logger.addHandler(handler);
    try (io.opentelemetry.sdk.OpenTelemetrySdk agents =
        io.opentelemetry.sdk.OpenTelemetrySdk.builder().build()) {
      io.opentelemetry.api.GlobalOpenTelemetry.set(agents);
      try (Llmetry llmetry =
          Llmetry.init(LlmetryConfig.builder().viewer(true).shutdownHook(false).build())) {
        assertThat(llmetry.viewerUrl()).isEmpty();
      }
      assertThat(warnings)
          .anyMatch(
              w ->
                  w.contains("the viewer is on")
                      && w.contains("OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318"));
    } finally {
      logger.removeHandler(handler);
      io.opentelemetry.api.GlobalOpenTelemetry.resetForTest();
    }
  }

  private HttpResponse<String> get(String url) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
