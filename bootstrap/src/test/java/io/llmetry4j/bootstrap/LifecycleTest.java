package io.llmetry4j.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmetry4j.core.testing.OtlpGrpcReceiver;
import io.llmetry4j.core.testing.SuiteOutputCapture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Init and close as real applications race them, each in a forked JVM (the global instance is
 * JVM-wide), exporting to an OTLP/gRPC receiver on 127.0.0.1.
 */
class LifecycleTest {

  @Test
  void eight_concurrent_inits_share_one_sdk_and_leak_none() throws Exception {
    try (OtlpGrpcReceiver receiver = OtlpGrpcReceiver.start()) {
      String output = run("concurrent", receiver.endpoint());

      assertThat(output)
          .contains("tracerProviders=1")
          .contains("exporterThreads=1")
          .contains("exporterThreadsAfterClose=0")
          .contains("child done")
          .doesNotContain("Exception");
      assertThat(receiver.received().awaitSpans(8, Duration.ofSeconds(20))).isTrue();
    }
  }

  @Test
  void init_after_close_builds_a_working_sdk() throws Exception {
    try (OtlpGrpcReceiver receiver = OtlpGrpcReceiver.start()) {
      String output = run("reinit", receiver.endpoint());

      assertThat(output).contains("child done");
      assertThat(OtlpExportTest.spanNames(receiver.received()))
          .contains("before-close", "after-reinit");
    }
  }

  @Test
  void a_no_op_global_read_before_init_is_not_taken_for_an_agent() throws Exception {
    try (OtlpGrpcReceiver receiver = OtlpGrpcReceiver.start()) {
      String output = run("noop-first", receiver.endpoint());

      assertThat(output)
          .contains("child done")
          .containsOnlyOnce("GlobalOpenTelemetry was read before Llmetry.init and holds a no-op");
      assertThat(OtlpExportTest.spanNames(receiver.received())).contains("after-noop");
    }
  }

  private static String run(String scenario, String endpoint) throws Exception {
    List<String> command =
        List.of(
            Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
            "-cp",
            System.getProperty("java.class.path"),
            LifecycleChild.class.getName(),
            scenario,
            endpoint);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder
        .environment()
        .keySet()
        .removeIf(
            k -> k.startsWith("OTEL_") || k.startsWith("TRACELOOP_") || k.startsWith("LLMETRY4J_"));
    Process process = builder.start();
    process.getOutputStream().close();
    byte[] bytes = process.getInputStream().readAllBytes();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("child JVM did not exit");
    }
    String output = new String(bytes, StandardCharsets.UTF_8);
    SuiteOutputCapture.record(output);
    assertThat(process.exitValue()).as(output).isZero();
    return output;
  }
}
