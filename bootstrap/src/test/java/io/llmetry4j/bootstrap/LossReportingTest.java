package io.llmetry4j.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The loss counts llmetry4j logs for OpenTelemetry SDKs before 1.59 / 1.61, exercised directly so
 * that they are tested whichever SDK the build runs (the OTLP pipeline wraps nothing on newer
 * ones).
 */
class LossReportingTest {

  private final Logger logger = Logger.getLogger(LossReporting.class.getName());
  private final List<String> logged = new CopyOnWriteArrayList<>();
  private final Handler handler =
      new Handler() {
        private final SimpleFormatter formatter = new SimpleFormatter();

        @Override
        public void publish(LogRecord record) {
          logged.add(formatter.formatMessage(record));
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  @BeforeEach
  void listen() {
    logger.addHandler(handler);
  }

  @AfterEach
  void stopListening() {
    logger.removeHandler(handler);
  }

  @Test
  void sdk_versions_compare_by_major_and_minor() {
    assertThat(LossReporting.sdkAtLeast("1.49.0", 1, 59)).isFalse();
    assertThat(LossReporting.sdkAtLeast("1.58.2", 1, 59)).isFalse();
    assertThat(LossReporting.sdkAtLeast("1.59.0", 1, 59)).isTrue();
    assertThat(LossReporting.sdkAtLeast("1.68.0", 1, 61)).isTrue();
    assertThat(LossReporting.sdkAtLeast("1.61.0-SNAPSHOT", 1, 61)).isTrue();
    assertThat(LossReporting.sdkAtLeast("2.0.0", 1, 61)).isTrue();
    assertThat(LossReporting.sdkAtLeast("0.99.0", 1, 49)).isFalse();
    // Unknown: assumed to report its losses itself.
    assertThat(LossReporting.sdkAtLeast(null, 1, 61)).isTrue();
    assertThat(LossReporting.sdkAtLeast("dev", 1, 61)).isTrue();
  }

  @Test
  void the_spans_of_failed_exports_are_logged_with_their_number() {
    LossReporting.CountingExporter exporter =
        new LossReporting.CountingExporter(new FailingExporter(), true);
    exporter.export(List.of(span(), span(), span()));
    exporter.export(List.of(span(), span()));
    exporter.shutdown();

    assertThat(sum(Pattern.compile("Failed to export ([0-9]+) spans\\."))).isEqualTo(5);
    assertThat(exporter.handed.get()).isEqualTo(5);
  }

  @Test
  void spans_dropped_by_a_full_queue_are_logged_with_their_number() throws Exception {
    StalledExporter stalled = new StalledExporter();
    LossReporting.CountingExporter exporter = new LossReporting.CountingExporter(stalled, false);
    BatchSpanProcessor batch =
        BatchSpanProcessor.builder(exporter)
            .setMaxQueueSize(4)
            .setMaxExportBatchSize(2)
            .setScheduleDelay(Duration.ofMillis(1))
            .build();
    SdkTracerProvider provider =
        SdkTracerProvider.builder()
            .addSpanProcessor(new LossReporting.DropAccounting(batch, exporter, 4 + 2, 4))
            .build();
    Tracer tracer = provider.get("test");
    for (int i = 0; i < 100; i++) {
      tracer.spanBuilder("s" + i).startSpan().end();
    }
    // The exporter holds its first batch: the queue is full and drops were logged on the way.
    Pattern dropped = Pattern.compile("BatchSpanProcessor dropped ([0-9]+) span\\(s\\)");
    assertThat(sum(dropped)).isPositive();

    stalled.release();
    assertThat(provider.shutdown().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
    // Everything ended either reached the exporter or was counted as dropped, exactly.
    assertThat(sum(dropped) + exporter.handed.get()).isEqualTo(100);
  }

  private long sum(Pattern pattern) {
    long sum = 0;
    for (String line : logged) {
      Matcher matcher = pattern.matcher(line);
      while (matcher.find()) {
        sum += Long.parseLong(matcher.group(1));
      }
    }
    return sum;
  }

  private static SpanData span() {
    return io.opentelemetry.sdk.testing.trace.TestSpanData.builder()
        .setName("s")
        .setKind(io.opentelemetry.api.trace.SpanKind.INTERNAL)
        .setStatus(io.opentelemetry.sdk.trace.data.StatusData.unset())
        .setStartEpochNanos(1)
        .setEndEpochNanos(2)
        .setHasEnded(true)
        .build();
  }

  private static final class FailingExporter implements SpanExporter {
    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      return CompletableResultCode.ofFailure();
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }

  /** Answers no export until released, then every one at once. */
  private static final class StalledExporter implements SpanExporter {
    private final List<CompletableResultCode> pending = new CopyOnWriteArrayList<>();
    private volatile boolean released;

    @Override
    public synchronized CompletableResultCode export(Collection<SpanData> spans) {
      if (released) {
        return CompletableResultCode.ofSuccess();
      }
      CompletableResultCode result = new CompletableResultCode();
      pending.add(result);
      return result;
    }

    synchronized void release() {
      released = true;
      pending.forEach(CompletableResultCode::succeed);
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }
}
