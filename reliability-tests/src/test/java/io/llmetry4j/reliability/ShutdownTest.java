package io.llmetry4j.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmetry4j.core.testing.OtlpGrpcReceiver;
import io.llmetry4j.core.testing.SuiteOutputCapture;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Shutdown in forked JVMs: everything finished is delivered; a dead backend cannot hold the exit.
 */
class ShutdownTest {

  /** Exit code, and milliseconds from "finished" to the process's exit. */
  record Run(int exitCode, long exitMillis, String output) {}

  @Test
  void ten_thousand_spans_all_arrive_through_close() throws Exception {
    try (OtlpGrpcReceiver receiver = OtlpGrpcReceiver.start()) {
      Run run = fork(receiver.endpoint(), "close", 10_000, 10_000);

      assertThat(run.exitCode()).as(run.output()).isZero();
      assertThat(receiver.received().spans()).hasSize(10_000);
    }
  }

  @Test
  void ten_thousand_spans_all_arrive_through_the_shutdown_hook() throws Exception {
    try (OtlpGrpcReceiver receiver = OtlpGrpcReceiver.start()) {
      Run run = fork(receiver.endpoint(), "hook", 10_000, 10_000);

      assertThat(run.exitCode()).as(run.output()).isZero();
      assertThat(receiver.received().spans()).hasSize(10_000);
    }
  }

  @Test
  void with_the_backend_down_the_jvm_exits_within_the_timeout_plus_two_seconds() throws Exception {
    long timeoutMillis = 2_000;
    try (OtlpGrpcReceiver receiver =
        OtlpGrpcReceiver.start().mode(OtlpGrpcReceiver.Mode.BLACK_HOLE)) {
      for (String mode : List.of("close", "hook")) {
        Run run = fork(receiver.endpoint(), mode, 1_000, timeoutMillis);

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.exitMillis()).as(mode).isLessThanOrEqualTo(timeoutMillis + 2_000);
      }
      assertThat(receiver.answered()).isZero();
    }
  }

  private static Run fork(String endpoint, String mode, int spans, long timeoutMillis)
      throws Exception {
    ProcessBuilder builder =
        new ProcessBuilder(
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                ShutdownChild.class.getName(),
                endpoint,
                mode,
                Long.toString(timeoutMillis),
                Integer.toString(spans))
            .redirectErrorStream(true);
    builder.environment().keySet().removeIf(k -> k.startsWith("OTEL_"));
    // A queue that holds all spans of the burst; export promptly.
    builder.environment().put("OTEL_BSP_MAX_QUEUE_SIZE", "20000");
    builder.environment().put("OTEL_BSP_SCHEDULE_DELAY", "200");
    Process process = builder.start();
    process.getOutputStream().close();
    StringBuilder output = new StringBuilder();
    long finishedAt = 0;
    try (BufferedReader lines =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null) {
        if (line.equals("finished")) {
          finishedAt = System.nanoTime();
        }
        output.append(line).append('\n');
      }
    }
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("child JVM did not exit:\n" + output);
    }
    long exitMillis = (System.nanoTime() - finishedAt) / 1_000_000;
    SuiteOutputCapture.record(output.toString());
    return new Run(process.exitValue(), exitMillis, output.toString());
  }
}
