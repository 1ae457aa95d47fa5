package io.llmetry4j.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmetry4j.bootstrap.Llmetry;
import io.llmetry4j.bootstrap.LlmetryConfig;
import io.llmetry4j.chat.TracingChatModelListener;
import io.llmetry4j.core.testing.OtlpGrpcReceiver;
import io.llmetry4j.core.testing.OtlpHttpReceiver;
import io.llmetry4j.core.testing.SuiteOutputCapture;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The real OTLP exporters against receivers on 127.0.0.1 that are down, silent, flapping or
 * rejecting: the application's calls complete, never wait on export, never see an exception; memory
 * stays bounded; what is lost is reported.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ExporterFaultTest {

  private static final Duration WAIT = Duration.ofSeconds(20);

  @BeforeAll
  static void fastExports() {
    // Read by the SDK autoconfiguration at init: export every 100 ms, give up a call after 2 s.
    System.setProperty("otel.bsp.schedule.delay", "100");
    System.setProperty("otel.exporter.otlp.timeout", "2000");
  }

  @AfterAll
  static void restore() {
    System.clearProperty("otel.bsp.schedule.delay");
    System.clearProperty("otel.exporter.otlp.timeout");
  }

  /** Counts the spans the application finished, to compare with what a receiver got. */
  static final class EndedSpans implements SpanProcessor {
    final AtomicInteger count = new AtomicInteger();

    @Override
    public void onStart(Context parentContext, ReadWriteSpan span) {}

    @Override
    public boolean isStartRequired() {
      return false;
    }

    @Override
    public void onEnd(ReadableSpan span) {
      count.incrementAndGet();
    }

    @Override
    public boolean isEndRequired() {
      return true;
    }
  }

  static Llmetry init(String endpoint, String protocol, SpanProcessor... processors) {
    LlmetryConfig.Builder config =
        LlmetryConfig.tencentApm(endpoint, Secrets.TOKEN, "reliability")
            .protocol(protocol)
            .registerGlobal(false)
            .shutdownHook(false)
            .metrics(false)
            .shutdownTimeout(Duration.ofSeconds(3));
    for (SpanProcessor processor : processors) {
      config.spanProcessor(processor);
    }
    return Llmetry.init(config.build());
  }

  static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static void burst(Workload workload, int requests) throws Exception {
    for (int i = 0; i < requests; i++) {
      assertThat(workload.request(i, "conv-" + i)).isNotBlank();
    }
  }

  @Test
  void backend_down_calls_complete_and_the_failure_is_reported() throws Exception {
    Llmetry llmetry = init("http://127.0.0.1:" + closedPort(), "grpc");
    try (Workload workload = new Workload(llmetry.telemetry())) {
      burst(workload, 40);
      // Retries of a refused connection take seconds; the loss is then logged.
      assertThat(awaitLog(FAILED_EXPORT)).isTrue();
    } finally {
      llmetry.close();
    }
  }

  /** What the OTLP exporter logs for a lost batch: the loss is visible, with its size. */
  static final String FAILED_EXPORT = "Failed to export [0-9]+ spans\\.";

  @Test
  void black_hole_backend_never_makes_the_application_wait() throws Exception {
    try (OtlpGrpcReceiver receiver =
        OtlpGrpcReceiver.start().mode(OtlpGrpcReceiver.Mode.BLACK_HOLE)) {
      Llmetry llmetry = init(receiver.endpoint(), "grpc");
      try (Workload workload = new Workload(llmetry.telemetry())) {
        burst(workload, 4);
        assertThat(receiver.awaitFirstCall(WAIT)).isTrue();

        burst(workload, 40);

        // Every call above returned while the export call was still unanswered.
        assertThat(receiver.calls()).isPositive();
        assertThat(receiver.answered()).isZero();
      } finally {
        llmetry.close();
      }
    }
  }

  // Runs first: its log accounting must not see the retries of exporters closed by other tests.
  @Order(1)
  @Test
  void flapping_grpc_backend_loses_nothing_silently() throws Exception {
    EndedSpans ended = new EndedSpans();
    try (OtlpGrpcReceiver receiver = OtlpGrpcReceiver.start().unavailableFor(2)) {
      int logStart = SuiteOutputCapture.logRecords().length();
      Llmetry llmetry = init(receiver.endpoint(), "grpc", ended);
      try (Workload workload = new Workload(llmetry.telemetry())) {
        burst(workload, 20);
      } finally {
        llmetry.close();
      }
      assertEveryEndedSpanArrivedOrWasReportedLost(
          ended.count.get(), receiver.received().spans().size(), logStart);
      assertThat(receiver.calls()).isGreaterThan(2);
      SpanVault.addWireSpans(receiver.received().spans());
    }
  }

  @Order(2)
  @Test
  void flapping_http_backend_503_loses_nothing_silently() throws Exception {
    EndedSpans ended = new EndedSpans();
    try (OtlpHttpReceiver receiver = OtlpHttpReceiver.start().failNext(2, 503)) {
      int logStart = SuiteOutputCapture.logRecords().length();
      Llmetry llmetry = init(receiver.endpoint(), "http/protobuf", ended);
      try (Workload workload = new Workload(llmetry.telemetry())) {
        burst(workload, 20);
      } finally {
        llmetry.close();
      }
      assertEveryEndedSpanArrivedOrWasReportedLost(
          ended.count.get(), receiver.received().spans().size(), logStart);
      SpanVault.addWireSpans(receiver.received().spans());
    }
  }

  /**
   * The application's spans either reached the receiver once it was healthy or were reported lost
   * in the exporter's log, with their count: received + reported lost = ended, and the healthy
   * backend got the rest.
   */
  private static void assertEveryEndedSpanArrivedOrWasReportedLost(
      int ended, int received, int logStart) {
    java.util.regex.Matcher lost =
        java.util.regex.Pattern.compile("Failed to export ([0-9]+) spans\\.")
            .matcher(SuiteOutputCapture.logRecords().substring(logStart));
    int reportedLost = 0;
    while (lost.find()) {
      reportedLost += Integer.parseInt(lost.group(1));
    }
    assertThat(received).isPositive();
    assertThat(received + reportedLost).isEqualTo(ended);
  }

  @Test
  void rejecting_backends_lose_the_spans_visibly_and_calls_complete() throws Exception {
    try (OtlpGrpcReceiver grpc = OtlpGrpcReceiver.start().mode(OtlpGrpcReceiver.Mode.REJECT);
        OtlpHttpReceiver http = OtlpHttpReceiver.start().rejectAll()) {
      for (Llmetry llmetry :
          new Llmetry[] {init(grpc.endpoint(), "grpc"), init(http.endpoint(), "http/protobuf")}) {
        try (Workload workload = new Workload(llmetry.telemetry())) {
          burst(workload, 10);
        } finally {
          llmetry.close();
        }
      }
      assertThat(grpc.calls()).isPositive();
      assertThat(grpc.received().spans()).isEmpty();
      assertThat(http.received().spans()).isEmpty();
    }
    assertThat(SuiteOutputCapture.everything()).containsPattern(FAILED_EXPORT);
  }

  /** Bound on the heap the SDK keeps after 200,000 spans with the backend down. */
  static final long RETAINED_HEAP_BOUND = 32L * 1024 * 1024;

  @Test
  void two_hundred_thousand_spans_with_the_backend_down_keep_memory_bounded() throws Exception {
    Llmetry llmetry = init("http://127.0.0.1:" + closedPort(), "grpc");
    try {
      InProcessChatModel model =
          new InProcessChatModel(TracingChatModelListener.create(llmetry.telemetry()));
      long before = usedHeapAfterGc();
      for (int i = 0; i < 200_000; i++) {
        model.chat(Secrets.QUESTION);
      }
      long retained = usedHeapAfterGc() - before;
      System.out.printf(
          "reliability: heap retained after 200,000 spans with the backend down: %.1f MiB%n",
          retained / 1048576.0);
      assertThat(retained).isLessThan(RETAINED_HEAP_BOUND);
    } finally {
      llmetry.close();
    }
    assertThat(SuiteOutputCapture.everything())
        .containsPattern("BatchSpanProcessor dropped [0-9]+ span\\(s\\)");
  }

  @Test
  void spans_finished_during_a_short_outage_all_arrive() throws Exception {
    EndedSpans ended = new EndedSpans();
    int port = closedPort(); // nothing listens there: the backend is down
    // The exporter's timeout bounds a call with all its retries: give them room here.
    System.setProperty("otel.exporter.otlp.timeout", "15000");
    Llmetry llmetry = init("http://127.0.0.1:" + port, "grpc", ended);
    System.setProperty("otel.exporter.otlp.timeout", "2000");
    OtlpGrpcReceiver receiver = null;
    try {
      InProcessChatModel model =
          new InProcessChatModel(TracingChatModelListener.create(llmetry.telemetry()));
      for (int i = 0; i < 500; i++) {
        model.chat(Secrets.QUESTION);
      }
      // The outage lasts 1.5 s: exports are attempted every 100 ms, refused, and retried with
      // backoff (1 s, then 1.5 s, ...), so the backend comes back within the retry window.
      Thread.sleep(1500);
      receiver = OtlpGrpcReceiver.restart(port, new io.llmetry4j.core.testing.ReceivedTelemetry());
      OtlpGrpcReceiver restarted = receiver;
      assertThat(restarted.received().await(() -> restarted.received().spans().size() >= 500, WAIT))
          .isTrue();

      assertThat(ended.count.get()).isEqualTo(500);
      assertThat(receiver.received().spans()).hasSize(500);
    } finally {
      llmetry.close();
      if (receiver != null) {
        receiver.close();
      }
    }
  }

  private static boolean awaitLog(String pattern) throws InterruptedException {
    java.util.regex.Pattern compiled = java.util.regex.Pattern.compile(pattern);
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      if (compiled.matcher(SuiteOutputCapture.everything()).find()) {
        return true;
      }
      Thread.sleep(50); // polling a log: there is nothing to be notified by
    }
    return false;
  }

  private static long usedHeapAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(50); // lets reference processing finish between collections
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
