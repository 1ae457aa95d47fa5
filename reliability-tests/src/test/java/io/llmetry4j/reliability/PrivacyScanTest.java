package io.llmetry4j.reliability;

import static io.llmetry4j.core.testing.CapturedOutput.containing;
import static io.llmetry4j.core.testing.CapturedOutput.onCallsTo;
import static org.assertj.core.api.Assertions.assertThat;

import io.llmetry4j.bootstrap.Llmetry;
import io.llmetry4j.bootstrap.LlmetryConfig;
import io.llmetry4j.core.testing.CapturedOutput;
import io.llmetry4j.core.testing.OtlpGrpcReceiver;
import io.llmetry4j.core.testing.OtlpHttpReceiver;
import io.llmetry4j.core.testing.SuiteOutputCapture;
import io.opentelemetry.proto.trace.v1.Span;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * With content capture off, no exported span attribute or event holds the questions, documents,
 * answers or tool arguments sent, and no log line holds them or the APM token. Each test runs its
 * own instrumented requests (sync chat, streaming chat, an AI Service with retrieval and a tool)
 * through the real bootstrap and exporters, checks that what it scans is really there, then scans
 * it. Run last in the module (its {@code junit-platform.properties} orders classes by
 * {@code @Order}), each also scans what the other tests exported and logged; run alone, each proves
 * that its suite-wide scan held at least its own spans and lines.
 */
@Order(Integer.MAX_VALUE)
class PrivacyScanTest {

  /** Each request kind of {@link Workload} twice. */
  private static final int REQUESTS = 8;

  private static Llmetry init(
      String endpoint, String protocol, Consumer<io.llmetry4j.core.LlmTelemetry.Builder> content) {
    return Llmetry.init(
        LlmetryConfig.tencentApm(endpoint, Secrets.TOKEN, "privacy-scan")
            .protocol(protocol)
            .registerGlobal(false)
            .shutdownHook(false)
            .metrics(false)
            // Ample: close waits only as long as the export takes, on a loaded machine too.
            .shutdownTimeout(Duration.ofSeconds(30))
            .telemetry(content)
            .build());
  }

  /** Runs the requests, then closes (which exports everything); returns what Ollama was sent. */
  private static List<String> run(Llmetry llmetry) throws Exception {
    try (Workload workload = new Workload(llmetry.telemetry())) {
      for (int i = 0; i < REQUESTS; i++) {
        assertThat(workload.request(i, "privacy-" + i)).isNotBlank();
      }
      return workload.ollama.requestBodies();
    } finally {
      llmetry.close();
    }
  }

  /** The spans a workload with these content settings exports, as text. */
  private static String exportedSpans(
      Consumer<io.llmetry4j.core.LlmTelemetry.Builder> content, boolean intoVault)
      throws Exception {
    try (OtlpGrpcReceiver receiver = OtlpGrpcReceiver.start()) {
      List<String> sent = run(init(receiver.endpoint(), "grpc", content));

      // The content really went out to the model.
      assertThat(String.join("\n", sent))
          .contains(Secrets.QUESTION)
          .contains(Secrets.TOOL_ARGUMENT)
          .contains(Secrets.DOCUMENT);
      List<Span> spans = receiver.received().spans();
      assertThat(spans)
          .extracting(Span::getName)
          .contains(
              "invoke_workflow request",
              "chat llama3",
              "retrieval bakery",
              "execute_tool findShop");
      if (intoVault) {
        SpanVault.addWireSpans(spans);
      }
      return SpanVault.wireText(spans);
    }
  }

  @Test
  void no_exported_span_holds_content_sent_with_capture_off() throws Exception {
    // The scan can see content: with capture on, the same requests put all of it in the spans.
    String captured = exportedSpans(t -> t.captureContent(true), false);
    for (String secret : Secrets.CONTENT) {
      assertThat(captured).as("captured with capture on").contains(secret);
    }

    int before = SpanVault.spans();
    String spans = exportedSpans(t -> t.captureContent(false), true);
    for (String secret : Secrets.CONTENT) {
      assertThat(spans).doesNotContain(secret);
    }
    // Also the spans the module's other tests exported with capture off (this class runs last by
    // its @Order); run alone, the vault holds this test's own spans, which proves it scans.
    assertThat(SpanVault.spans()).as("spans in the vault").isGreaterThan(before);
    String suite = SpanVault.text();
    assertThat(suite).contains("invoke_workflow request").contains("execute_tool findShop");
    for (String secret : Secrets.CONTENT) {
      assertThat(suite).doesNotContain(secret);
    }
  }

  @Test
  void no_log_line_holds_the_token_or_content() throws Exception {
    String logged;
    // llmetry4j and the OpenTelemetry SDK at every level: their FINE records are scanned too.
    try (CapturedOutput output = CapturedOutput.startVerbose("io.llmetry4j", "io.opentelemetry");
        OtlpGrpcReceiver rejectingGrpc =
            OtlpGrpcReceiver.start().mode(OtlpGrpcReceiver.Mode.REJECT);
        OtlpHttpReceiver rejectingHttp = OtlpHttpReceiver.start().rejectAll();
        OtlpGrpcReceiver silent = OtlpGrpcReceiver.start().mode(OtlpGrpcReceiver.Mode.BLACK_HOLE)) {

      // Backends that reject every export: the exporters log the losses.
      run(init(rejectingGrpc.endpoint(), "grpc", t -> t.captureContent(false)));
      run(init(rejectingHttp.endpoint(), "http/protobuf", t -> t.captureContent(false)));
      for (String endpoint : List.of(rejectingGrpc.endpoint(), rejectingHttp.endpoint())) {
        assertThat(
                output.awaitLogLine(
                    onCallsTo(endpoint).and(containing("Failed to export ")),
                    Duration.ofSeconds(10)))
            .as("loss logged for %s:%n%s", endpoint, output.logText())
            .isTrue();
      }

      // Capture on, and a redactor failing with the value in its message: the warning holds the
      // exception's class only.
      run(
          init(
              rejectingGrpc.endpoint(),
              "grpc",
              t ->
                  t.captureContent(true)
                      .contentRedactor(
                          value -> {
                            throw new IllegalStateException("cannot redact " + value);
                          })));
      assertThat(output.logText())
          .contains("llmetry4j: contentRedactor threw java.lang.IllegalStateException");

      // A backend that never answers: close gives up after the shutdown timeout, and says so.
      Llmetry stuck =
          Llmetry.init(
              LlmetryConfig.tencentApm(silent.endpoint(), Secrets.TOKEN, "privacy-scan")
                  .registerGlobal(false)
                  .shutdownHook(false)
                  .metrics(false)
                  .shutdownTimeout(Duration.ofSeconds(1))
                  .build());
      run(stuck);
      assertThat(output.logText())
          .contains("llmetry4j: telemetry not fully exported within 1000 ms at shutdown");

      // The hardened paths: a redactor that overflows the stack, bad header settings next to the
      // token, and what init returns printed as an application might print it.
      run(
          init(
              rejectingGrpc.endpoint(),
              "grpc",
              t ->
                  t.captureContent(true)
                      .contentRedactor(
                          value -> {
                            throw new StackOverflowError("cannot redact " + value);
                          })));
      for (java.util.Map<String, String> headers :
          List.of(
              java.util.Map.of("authorization", "Bearer " + Secrets.TOKEN + "\r\nX-Evil: 1"),
              java.util.Map.of("x-key " + Secrets.TOKEN, "v"))) {
        Throwable thrown =
            org.assertj.core.api.Assertions.catchThrowable(
                () ->
                    LlmetryConfig.tencentApm(silent.endpoint(), Secrets.TOKEN, "privacy-scan")
                        .headers(headers)
                        .build());
        java.util.logging.Logger.getLogger("application")
            .log(java.util.logging.Level.SEVERE, "init failed", thrown);
      }
      Llmetry printed =
          Llmetry.init(
              LlmetryConfig.tencentApm(silent.endpoint(), Secrets.TOKEN, "privacy-scan")
                  .registerGlobal(false)
                  .shutdownHook(false)
                  .metrics(false)
                  .shutdownTimeout(Duration.ofSeconds(1))
                  .build());
      java.util.logging.Logger.getLogger("application")
          .info("telemetry: " + printed.openTelemetry() + " " + printed.telemetry());
      printed.close();

      logged = output.everything();
    }

    assertThat(logged).doesNotContain(Secrets.TOKEN);
    for (String secret : Secrets.CONTENT) {
      assertThat(logged).doesNotContain(secret);
    }
    // Also everything the module's other tests logged and printed (this class runs last by its
    // @Order); run alone, the scan still covers this test's own output, which it proves.
    String suite =
        SuiteOutputCapture.everythingIncluding(
            "llmetry4j: contentRedactor threw java.lang.IllegalStateException");
    assertThat(suite).doesNotContain(Secrets.TOKEN);
    for (String secret : Secrets.CONTENT) {
      assertThat(suite).doesNotContain(secret);
    }
  }
}
