package io.llmetry4j.bootstrap;

import static io.llmetry4j.core.testing.CapturedOutput.containing;
import static io.llmetry4j.core.testing.CapturedOutput.onCallsTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.llmetry4j.core.internal.Instrumentation;
import io.llmetry4j.core.testing.CapturedOutput;
import io.llmetry4j.core.testing.OtlpGrpcReceiver;
import io.llmetry4j.core.testing.OtlpHttpReceiver;
import io.llmetry4j.core.testing.SuiteOutputCapture;
import io.llmetry4j.core.testing.TestSecrets;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import java.time.Duration;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The APM token is never logged or printed. The test itself runs every path of the bootstrap that
 * logs or prints while the token is configured (as the Tencent preset's resource attribute and as a
 * header): exports a backend rejects (gRPC and HTTP), a backend that never answers (the shutdown
 * timeout warning), an agent's instance already registered, invalid settings (exception messages,
 * logged as an application would), the configuration's toString, the trace trees printed when no
 * backend is configured, and a forked JVM taking the token from {@code OTEL_*} variables. It
 * captures what was logged and printed meanwhile, checks that each expected line is really there,
 * and only then that the token is in none of it.
 */
@Order(Integer.MAX_VALUE) // last in the module (src/test/resources/junit-platform.properties)
class TokenNeverLoggedTest {

  private static final String TOKEN = TestSecrets.TOKEN;
  private static final Logger application = Logger.getLogger("token-scan-application");

  @AfterEach
  void resetGlobal() {
    GlobalOpenTelemetry.resetForTest();
  }

  private static LlmetryConfig.Builder tencent(String endpoint) {
    return LlmetryConfig.tencentApm(endpoint, TOKEN, "token-scan")
        .headers(Map.of("authorization", "Bearer " + TOKEN))
        .registerGlobal(false)
        .shutdownHook(false)
        .metrics(false);
  }

  /** Inits, finishes one span, closes (which exports it). */
  private static void exportOneSpan(LlmetryConfig config) {
    Llmetry llmetry = Llmetry.init(config);
    Instrumentation.of(llmetry.telemetry())
        .tracer()
        .spanBuilder("token-scan-span")
        .startSpan()
        .end();
    llmetry.close();
  }

  @Test
  void no_log_line_printed_line_or_exception_message_contains_the_token() throws Exception {
    String captured;
    // llmetry4j and the OpenTelemetry SDK at every level: their FINE records are scanned too.
    try (CapturedOutput output = CapturedOutput.startVerbose("io.llmetry4j", "io.opentelemetry");
        OtlpGrpcReceiver rejectingGrpc =
            OtlpGrpcReceiver.start().mode(OtlpGrpcReceiver.Mode.REJECT);
        OtlpHttpReceiver rejectingHttp = OtlpHttpReceiver.start().rejectAll();
        OtlpGrpcReceiver silent = OtlpGrpcReceiver.start().mode(OtlpGrpcReceiver.Mode.BLACK_HOLE)) {

      // A backend that rejects every export: the exporters log the loss.
      exportOneSpan(tencent(rejectingGrpc.endpoint()).protocol("grpc").build());
      assertThat(rejectingGrpc.lastHeaders()).containsEntry("authorization", "Bearer " + TOKEN);
      assertThat(
              output.awaitLogLine(
                  onCallsTo(rejectingGrpc.endpoint()).and(containing("Failed to export 1 spans.")),
                  Duration.ofSeconds(10)))
          .as(output.logText())
          .isTrue();
      exportOneSpan(tencent(rejectingHttp.endpoint()).protocol("http/protobuf").build());
      assertThat(
              output.awaitLogLine(
                  onCallsTo(rejectingHttp.endpoint()).and(containing("Failed to export 1 spans.")),
                  Duration.ofSeconds(10)))
          .as(output.logText())
          .isTrue();

      // A backend that never answers: close gives up after the shutdown timeout, and says so.
      exportOneSpan(
          tencent(silent.endpoint())
              .protocol("grpc")
              .shutdownTimeout(Duration.ofSeconds(1))
              .build());
      assertThat(output.logText())
          .contains("llmetry4j: telemetry not fully exported within 1000 ms at shutdown");

      // An agent's instance already registered: init logs that it reuses it (registering, so that
      // the instance is found on OpenTelemetry APIs without isSet() too).
      GlobalOpenTelemetry.resetForTest();
      GlobalOpenTelemetry.set(OpenTelemetrySdk.builder().build());
      exportOneSpan(tencent(rejectingGrpc.endpoint()).registerGlobal(true).build());
      GlobalOpenTelemetry.resetForTest();
      assertThat(output.logText()).contains("an OpenTelemetry instance is already registered");

      // Invalid settings next to the token: the messages, logged as an application logs them.
      for (Runnable invalid :
          new Runnable[] {
            () -> LlmetryConfig.tencentApm("http://127.0.0.1:4317", TOKEN, "Token_Scan").build(),
            () -> tencent("127.0.0.1:4317").build(),
            () -> tencent("http://127.0.0.1:4317/v1/traces").protocol("grpc").build()
          }) {
        Throwable thrown = catchThrowable(invalid::run);
        assertThat(thrown).isInstanceOf(IllegalArgumentException.class);
        application.log(Level.SEVERE, "llmetry4j init failed", thrown);
      }
      assertThat(output.logText())
          .contains("appName (Tencent Cloud APM application name)")
          .contains("'Token_Scan'")
          .contains("endpoint must start with http:// or https://")
          .contains("must not have a path with protocol grpc");

      // The configuration, printed as an application prints it at startup.
      System.out.println("config: " + tencent(rejectingGrpc.endpoint()).build());
      assertThat(output.printed()).contains("token=****").contains("authorization=****");

      // No backend configured: traces are printed to stderr as trees.
      exportOneSpan(
          LlmetryConfig.builder()
              .appName("token-scan")
              .resourceAttribute("token", TOKEN)
              .registerGlobal(false)
              .shutdownHook(false)
              .build());
      assertThat(output.printed()).contains("token-scan-span  [INTERNAL]");

      // A forked JVM with the token in the OTEL_* environment, exporting to the rejecting backend.
      EnvironmentConfigTest.ChildRun child =
          EnvironmentConfigTest.runChild(
              Map.of(
                  "OTEL_EXPORTER_OTLP_ENDPOINT", rejectingGrpc.endpoint(),
                  "OTEL_RESOURCE_ATTRIBUTES", "token=" + TOKEN,
                  "OTEL_EXPORTER_OTLP_HEADERS", "authorization=Bearer%20" + TOKEN));
      output.record(child.output());
      assertThat(child.exitCode()).as(child.output()).isZero();
      assertThat(child.output()).contains("Failed to export 1 spans.").contains("child done");

      captured = output.everything();
    }

    assertThat(captured).doesNotContain(TOKEN);
    // Also everything the module's other tests logged and printed before it (this class runs last
    // by its @Order); run alone, the scan still covers this test's own output, which it proves.
    assertThat(SuiteOutputCapture.everythingIncluding("Failed to export")).doesNotContain(TOKEN);
  }
}
