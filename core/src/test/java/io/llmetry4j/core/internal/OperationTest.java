package io.llmetry4j.core.internal;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.equalTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.langchain4j.exception.HttpException;
import io.llmetry4j.core.LlmTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingResult;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import javax.annotation.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OperationTest {

  private static final AttributeKey<String> REQUEST = AttributeKey.stringKey("test.request");
  private static final AttributeKey<String> RESPONSE = AttributeKey.stringKey("test.response");

  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final List<Attributes> sampledWith = new ArrayList<>();
  private final List<String> metrics = new ArrayList<>();
  private OpenTelemetrySdk sdk;
  private Operation<String, String> operation;

  @BeforeEach
  void setUp() {
    sdk =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .setSampler(new RecordingSampler(sampledWith))
                    .addSpanProcessor(SimpleSpanProcessor.create(spans))
                    .build())
            .build();
    operation = operation(new Recording());
  }

  @AfterEach
  void tearDown() {
    sdk.close();
  }

  private Operation<String, String> operation(Operation.Extractor<String, String> extractor) {
    return Operation.<String, String>builder(
            Instrumentation.of(LlmTelemetry.create(sdk)), SpanKind.CLIENT, r -> "op " + r)
        .addExtractor(extractor)
        .metrics(
            (request, response, errorType, seconds) ->
                metrics.add(request + "|" + response + "|" + errorType))
        .responseError(
            response -> response.startsWith("failed") ? "tool_error" : null, "the tool failed")
        .build();
  }

  @Test
  void attributes_set_at_start_are_seen_by_the_sampler_and_the_span_is_current_inside() {
    AtomicReference<Span> inside = new AtomicReference<>();
    Span parent = sdk.getTracer("test").spanBuilder("parent").startSpan();
    String result;
    try (var ignored = parent.makeCurrent()) {
      result =
          operation.call(
              "a",
              () -> {
                inside.set(Span.current());
                return "answer";
              });
    } finally {
      parent.end();
    }

    assertThat(result).isEqualTo("answer");
    assertThat(sampledWith).anySatisfy(a -> assertThat(a.get(REQUEST)).isEqualTo("a"));
    SpanData span = span("op a");
    assertThat(span)
        .hasKind(SpanKind.CLIENT)
        .hasParentSpanId(parent.getSpanContext().getSpanId())
        .hasStatus(StatusData.unset())
        .hasAttributesSatisfyingExactly(equalTo(REQUEST, "a"), equalTo(RESPONSE, "answer"));
    assertThat(inside.get().getSpanContext()).isEqualTo(span.getSpanContext());
    assertThat(metrics).containsExactly("a|answer|null");
  }

  @Test
  void a_checked_exception_thrown_without_being_declared_ends_the_span_and_reaches_the_caller() {
    IOException io = new IOException("disk gone");

    Throwable thrown = catchThrowable(() -> operation.call("b", () -> sneakyThrow(io)));

    assertThat(thrown).isSameAs(io);
    assertThat(span("op b"))
        .hasStatus(StatusData.create(StatusCode.ERROR, "disk gone"))
        .hasAttributesSatisfyingExactly(
            equalTo(REQUEST, "b"), equalTo(SemconvAttributes.ERROR_TYPE, "java.io.IOException"))
        .hasEventsSatisfyingExactly(e -> e.hasName("exception"));
    assertThat(metrics).containsExactly("b|null|java.io.IOException");
  }

  @Test
  void an_error_ends_the_span_and_is_rethrown_unchanged() {
    StackOverflowError overflow = new StackOverflowError();

    Throwable thrown =
        catchThrowable(
            () ->
                operation.run(
                    "c",
                    () -> {
                      throw overflow;
                    }));

    assertThat(thrown).isSameAs(overflow);
    assertThat(span("op c"))
        .hasStatus(StatusData.create(StatusCode.ERROR, "java.lang.StackOverflowError"))
        .hasAttributesSatisfying(
            equalTo(SemconvAttributes.ERROR_TYPE, "java.lang.StackOverflowError"));
  }

  @Test
  void an_exception_whose_message_throws_still_reaches_the_caller_unchanged() {
    RuntimeException hostile =
        new RuntimeException() {
          @Override
          public String getMessage() {
            throw new IllegalStateException("no message for you");
          }
        };

    Throwable thrown =
        catchThrowable(
            () ->
                operation.call(
                    "d",
                    () -> {
                      throw hostile;
                    }));

    assertThat(thrown).isSameAs(hostile);
    SpanData span = span("op d");
    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(span.getStatus().getDescription()).isEqualTo(hostile.getClass().getName());
  }

  @Test
  void an_http_status_anywhere_in_the_cause_chain_is_the_error_type() {
    RuntimeException wrapped = new RuntimeException("call failed", new HttpException(503, "busy"));

    catchThrowable(
        () ->
            operation.call(
                "e",
                () -> {
                  throw wrapped;
                }));

    assertThat(span("op e"))
        .hasStatus(StatusData.create(StatusCode.ERROR, "call failed"))
        .hasAttributesSatisfying(equalTo(SemconvAttributes.ERROR_TYPE, "503"));
    assertThat(metrics).containsExactly("e|null|503");
  }

  @Test
  void a_response_reporting_a_failure_marks_the_span_with_a_description() {
    String result = operation.call("f", () -> "failed: no such city");

    assertThat(result).isEqualTo("failed: no such city");
    assertThat(span("op f"))
        .hasStatus(StatusData.create(StatusCode.ERROR, "the tool failed"))
        .hasAttributesSatisfying(equalTo(SemconvAttributes.ERROR_TYPE, "tool_error"));
    assertThat(metrics).containsExactly("f|failed: no such city|tool_error");
  }

  @Test
  void an_extractor_that_fails_at_start_leaves_the_work_running_untraced_and_logs_once() {
    List<LogRecord> logged = new ArrayList<>();
    Handler handler = new RecordingHandler(logged);
    Logger logger = Logger.getLogger(Operation.class.getName());
    logger.addHandler(handler);
    try {
      Operation<String, String> broken =
          operation(
              new Recording() {
                @Override
                public void onStart(SpanBuilder span, String request) {
                  throw new IllegalStateException("extractor bug");
                }
              });
      AtomicInteger runs = new AtomicInteger();

      assertThat(broken.call("g", () -> "ok" + runs.incrementAndGet())).isEqualTo("ok1");
      assertThat(broken.call("g", () -> "ok" + runs.incrementAndGet())).isEqualTo("ok2");

      assertThat(spans.getFinishedSpanItems()).isEmpty();
      assertThat(logged).hasSize(1);
      assertThat(logged.get(0).getParameters()[0]).isEqualTo(IllegalStateException.class.getName());
    } finally {
      logger.removeHandler(handler);
    }
  }

  @Test
  void a_call_ends_once_whatever_reports_its_end() {
    Operation.Call<String> call = operation.start(Context.root(), "h");

    operation.end(call, "first", null);
    operation.end(call, null, new IllegalStateException("late"));

    assertThat(call.isEnded()).isTrue();
    assertThat(spans.getFinishedSpanItems()).hasSize(1);
    assertThat(span("op h")).hasStatus(StatusData.unset()).hasParentSpanId("0000000000000000");
    assertThat(metrics).containsExactly("h|first|null");
  }

  private SpanData span(String name) {
    List<SpanData> finished = spans.getFinishedSpanItems();
    assertThat(finished).extracting(SpanData::getName).contains(name);
    return finished.stream().filter(s -> s.getName().equals(name)).findFirst().orElseThrow();
  }

  @SuppressWarnings("unchecked")
  private static <T, E extends Throwable> T sneakyThrow(Throwable error) throws E {
    throw (E) error;
  }

  /** Records the request at start and the response at the end. */
  private static class Recording implements Operation.Extractor<String, String> {
    @Override
    public void onStart(SpanBuilder span, String request) {
      span.setAttribute(REQUEST, request);
    }

    @Override
    public void onEnd(
        Span span, String request, @Nullable String response, @Nullable Throwable error) {
      if (response != null) {
        span.setAttribute(RESPONSE, response);
      }
    }
  }

  /** Samples everything, keeping the attributes it was shown. */
  private static final class RecordingSampler implements Sampler {
    private final List<Attributes> seen;

    RecordingSampler(List<Attributes> seen) {
      this.seen = seen;
    }

    @Override
    public SamplingResult shouldSample(
        Context parentContext,
        String traceId,
        String name,
        SpanKind spanKind,
        Attributes attributes,
        List<LinkData> parentLinks) {
      seen.add(attributes);
      return SamplingResult.recordAndSample();
    }

    @Override
    public String getDescription() {
      return "recording";
    }
  }

  private static final class RecordingHandler extends Handler {
    private final List<LogRecord> records;

    RecordingHandler(List<LogRecord> records) {
      this.records = records;
    }

    @Override
    public void publish(LogRecord record) {
      records.add(record);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }
}
