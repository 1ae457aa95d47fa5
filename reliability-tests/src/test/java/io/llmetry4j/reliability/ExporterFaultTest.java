package io.llmetry4j.reliability;

import static io.llmetry4j.core.testing.CapturedOutput.matching;
import static io.llmetry4j.core.testing.CapturedOutput.onCallsTo;
import static org.assertj.core.api.Assertions.assertThat;

import io.llmetry4j.bootstrap.Llmetry;
import io.llmetry4j.bootstrap.LlmetryConfig;
import io.llmetry4j.chat.TracingChatModelListener;
import io.llmetry4j.core.testing.CapturedOutput;
import io.llmetry4j.core.testing.OtlpGrpcReceiver;
import io.llmetry4j.core.testing.OtlpHttpReceiver;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real OTLP exporters against receivers on 127.0.0.1 that are down, silent, flapping or
 * rejecting: the application's calls complete, never wait on export, never see an exception; memory
 * stays bounded; what is lost is reported.
 */
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
    String endpoint = "http://127.0.0.1:" + closedPort();
    try (CapturedOutput output = CapturedOutput.start()) {
      Llmetry llmetry = init(endpoint, "grpc");
      try (Workload workload = new Workload(llmetry.telemetry())) {
        burst(workload, 40);
        // Retries of a refused connection take seconds; the loss is then logged, by this test's
        // exporter (on the thread of its call to the closed port), not by another test's.
        assertThat(output.awaitLogLine(onCallsTo(endpoint).and(matching(FAILED_EXPORT)), WAIT))
            .as(output.logText())
            .isTrue();
      } finally {
        llmetry.close();
      }
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

  @Test
  void flapping_grpc_backend_loses_nothing_silently() throws Exception {
    EndedSpans ended = new EndedSpans();
    try (OtlpGrpcReceiver receiver = OtlpGrpcReceiver.start().unavailableFor(2);
        CapturedOutput output = CapturedOutput.start()) {
      Llmetry llmetry = init(receiver.endpoint(), "grpc", ended);
      try (Workload workload = new Workload(llmetry.telemetry())) {
        burst(workload, 20);
      } finally {
        llmetry.close();
      }
      assertEveryEndedSpanArrivedOrWasReportedLost(
          ended.count.get(),
          receiver.received().spans().size(),
          reportedLost(output, receiver.endpoint()));
      assertThat(receiver.calls()).isGreaterThan(2);
      SpanVault.addWireSpans(receiver.received().spans());
    }
  }

  @Test
  void flapping_http_backend_503_loses_nothing_silently() throws Exception {
    EndedSpans ended = new EndedSpans();
    try (OtlpHttpReceiver receiver = OtlpHttpReceiver.start().failNext(2, 503);
        CapturedOutput output = CapturedOutput.start()) {
      Llmetry llmetry = init(receiver.endpoint(), "http/protobuf", ended);
      try (Workload workload = new Workload(llmetry.telemetry())) {
        burst(workload, 20);
      } finally {
        llmetry.close();
      }
      assertEveryEndedSpanArrivedOrWasReportedLost(
          ended.count.get(),
          receiver.received().spans().size(),
          reportedLost(output, receiver.endpoint()));
      SpanVault.addWireSpans(receiver.received().spans());
    }
  }

  /**
   * The application's spans either reached the receiver once it was healthy or were reported lost
   * in the exporter's log, with their count: received + reported lost = ended, and the healthy
   * backend got the rest.
   */
  private static void assertEveryEndedSpanArrivedOrWasReportedLost(
      int ended, int received, int reportedLost) {
    assertThat(received).isPositive();
    assertThat(received + reportedLost).isEqualTo(ended);
  }

  /**
   * The spans reported lost by the exporter sending to {@code endpoint} during this test: the
   * counts of its "Failed to export N spans." lines, logged on the threads of its calls there.
   * Exporters of other tests, still retrying, log on threads named after their own ports.
   */
  private static int reportedLost(CapturedOutput output, String endpoint) {
    int lost = 0;
    for (CapturedOutput.LogLine line : output.logLines(onCallsTo(endpoint))) {
      Matcher count = Pattern.compile("Failed to export ([0-9]+) spans\\.").matcher(line.text());
      while (count.find()) {
        lost += Integer.parseInt(count.group(1));
      }
    }
    return lost;
  }

  @Test
  void rejecting_backends_lose_the_spans_visibly_and_calls_complete() throws Exception {
    try (OtlpGrpcReceiver grpc = OtlpGrpcReceiver.start().mode(OtlpGrpcReceiver.Mode.REJECT);
        OtlpHttpReceiver http = OtlpHttpReceiver.start().rejectAll();
        CapturedOutput output = CapturedOutput.start()) {
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
      // Each exporter of this test reported its own loss.
      for (String endpoint : List.of(grpc.endpoint(), http.endpoint())) {
        assertThat(output.awaitLogLine(onCallsTo(endpoint).and(matching(FAILED_EXPORT)), WAIT))
            .as("loss reported for %s:%n%s", endpoint, output.logText())
            .isTrue();
      }
    }
  }

  /** Bound on the heap the SDK keeps after 200,000 spans with the backend down. */
  static final long RETAINED_HEAP_BOUND = 32L * 1024 * 1024;

  /**
   * The span queue of the SDK in the memory test: 2039 rather than the default 2048, so that the
   * processor's "dropped" warning, which names its queue size, is known to be this test's own.
   */
  static final int DISTINCT_QUEUE_SIZE = 2039;

  @Test
  void two_hundred_thousand_spans_with_the_backend_down_keep_memory_bounded() throws Exception {
    try (CapturedOutput output = CapturedOutput.start()) {
      // Read by the SDK autoconfiguration at init only.
      System.setProperty("otel.bsp.max.queue.size", Integer.toString(DISTINCT_QUEUE_SIZE));
      Llmetry llmetry;
      try {
        llmetry = init("http://127.0.0.1:" + closedPort(), "grpc");
      } finally {
        System.clearProperty("otel.bsp.max.queue.size");
      }
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
        // The spans that did not fit in the queue were dropped, and that was logged: by the SDK
        // from 1.61, by llmetry4j on older SDKs (which do not log it), naming this test's queue.
        assertThat(
                output.awaitLogLine(
                    matching(
                        "BatchSpanProcessor dropped [0-9]+ span\\(s\\) (since the last export"
                            + "|that never reached the exporter) because the queue is full"
                            + " \\(maxQueueSize="
                            + DISTINCT_QUEUE_SIZE
                            + "\\)"),
                    WAIT))
            .as(output.logText())
            .isTrue();
      } finally {
        llmetry.close();
      }
    }
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

  private static long usedHeapAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(50); // lets reference processing finish between collections
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
