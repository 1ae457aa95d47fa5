package io.llmetry4j.viewer.internal;

import static io.opentelemetry.api.common.AttributeKey.booleanArrayKey;
import static io.opentelemetry.api.common.AttributeKey.doubleArrayKey;
import static io.opentelemetry.api.common.AttributeKey.longArrayKey;
import static io.opentelemetry.api.common.AttributeKey.longKey;
import static io.opentelemetry.api.common.AttributeKey.stringArrayKey;
import static io.opentelemetry.api.common.AttributeKey.stringKey;
import static java.util.concurrent.TimeUnit.NANOSECONDS;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.internal.otlp.traces.TraceRequestMarshaler;
import io.opentelemetry.sdk.common.Clock;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.IdGenerator;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Spans recorded by the OpenTelemetry SDK, their OTLP encodings by the SDK's own marshaler (the one
 * its OTLP exporters send with), and the {@link ViewSpan} a decoder must make of each.
 */
final class SdkSpans {

  static final AttributeKey<String> SERVICE_NAME = stringKey("service.name");

  static final long CHAT_START = 1_700_000_000_123_456_789L;
  static final long CHAT_END = 1_700_000_001_000_000_001L;
  static final long PROMPT_EVENT_TIME = 1_700_000_000_200_000_000L;

  /** Every attribute type, and text that needs escaping in JSON or more than two bytes in UTF-8. */
  static final String AWKWARD_TEXT =
      "naïve \"quoted\" line\nbreak\ttab \u0001 \\ / emoji \uD83D\uDE00 中文 \u2028";

  private SdkSpans() {}

  /**
   * A CLIENT chat span with an error, events and attributes of every type, its INTERNAL child in
   * another scope, and SERVER, PRODUCER and CONSUMER spans of another service.
   */
  static List<SpanData> record() {
    List<SpanData> finished = Collections.synchronizedList(new ArrayList<>());
    // Ids and times from a fixed seed and a fake clock: the same bytes every run, so that the
    // fuzz tests that mutate them are reproducible.
    Random random = new Random(4242L);
    IdGenerator ids =
        new IdGenerator() {
          @Override
          public String generateSpanId() {
            return String.format("%016x", random.nextLong() | 1);
          }

          @Override
          public String generateTraceId() {
            return String.format("%016x%016x", random.nextLong(), random.nextLong() | 1);
          }
        };
    Clock clock =
        new Clock() {
          private final AtomicLong nanos = new AtomicLong(CHAT_START);

          @Override
          public long now() {
            return nanos.addAndGet(1_000_000);
          }

          @Override
          public long nanoTime() {
            return now();
          }
        };
    Resource checkout =
        Resource.create(
            Attributes.of(
                SERVICE_NAME, "checkout", stringKey("deployment.environment.name"), "test"));
    Resource billing = Resource.create(Attributes.of(SERVICE_NAME, "billing"));
    try (SdkTracerProvider checkoutProvider = provider(checkout, ids, clock, finished);
        SdkTracerProvider billingProvider = provider(billing, ids, clock, finished)) {
      Tracer chat = checkoutProvider.get("io.llmetry4j.chat", "0.1.0");
      Tracer tools = checkoutProvider.get("io.llmetry4j.tools");
      Tracer http = billingProvider.get("io.opentelemetry.http");

      Span parent =
          chat.spanBuilder("chat gpt-4o")
              .setSpanKind(SpanKind.CLIENT)
              .setStartTimestamp(CHAT_START, NANOSECONDS)
              .setAttribute("gen_ai.request.model", "gpt-4o")
              .setAttribute("gen_ai.usage.input_tokens", 42L)
              .setAttribute("gen_ai.request.temperature", 0.7)
              .setAttribute("gen_ai.request.stream", false)
              .setAttribute(
                  stringArrayKey("gen_ai.response.finish_reasons"), List.of("stop", "length"))
              .setAttribute(
                  longArrayKey("test.longs"), List.of(Long.MIN_VALUE, -1L, 0L, Long.MAX_VALUE))
              .setAttribute(
                  doubleArrayKey("test.doubles"),
                  List.of(-0.0, 1e-300, Double.MAX_VALUE, Double.NaN, Double.NEGATIVE_INFINITY))
              .setAttribute(booleanArrayKey("test.booleans"), List.of(true, false))
              .setAttribute("test.text", AWKWARD_TEXT)
              .setAttribute("test.long.negative", Long.MIN_VALUE)
              .setAttribute("test.double.nan", Double.NaN)
              .setAttribute("test.empty", "")
              .setAttribute(stringArrayKey("test.none"), List.of())
              .startSpan();
      parent.addEvent(
          "gen_ai.content.prompt",
          Attributes.of(stringKey("gen_ai.prompt"), "Hello?", longKey("index"), 0L),
          PROMPT_EVENT_TIME,
          NANOSECONDS);
      parent.addEvent("without attributes");
      parent.recordException(new IllegalStateException("rate limited"));
      parent.setStatus(StatusCode.ERROR, "rate limited");
      tools
          .spanBuilder("execute_tool get_weather")
          .setParent(Context.root().with(parent))
          .startSpan()
          .setAttribute("gen_ai.tool.name", "get_weather")
          .end();
      parent.end(CHAT_END, NANOSECONDS);

      http.spanBuilder("POST /invoices")
          .setSpanKind(SpanKind.SERVER)
          .startSpan()
          .setStatus(StatusCode.OK)
          .end();
      http.spanBuilder("publish invoices").setSpanKind(SpanKind.PRODUCER).startSpan().end();
      http.spanBuilder("process invoices").setSpanKind(SpanKind.CONSUMER).startSpan().end();
    }
    return List.copyOf(finished);
  }

  private static SdkTracerProvider provider(
      Resource resource, IdGenerator ids, Clock clock, List<SpanData> finished) {
    return SdkTracerProvider.builder()
        .setResource(resource)
        .setIdGenerator(ids)
        .setClock(clock)
        .addSpanProcessor(SimpleSpanProcessor.create(new CollectingExporter(finished)))
        .build();
  }

  static byte[] protobuf(Collection<SpanData> spans) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      TraceRequestMarshaler.create(spans).writeBinaryTo(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static String json(Collection<SpanData> spans) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      TraceRequestMarshaler.create(spans).writeJsonTo(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /** What a decoder must make of {@code span}, read from the SDK's own data. */
  static ViewSpan expected(SpanData span) {
    List<ViewSpan.Event> events = new ArrayList<>();
    span.getEvents()
        .forEach(
            event ->
                events.add(
                    new ViewSpan.Event(
                        event.getName(),
                        event.getEpochNanos(),
                        attributes(event.getAttributes()))));
    return new ViewSpan(
        span.getTraceId(),
        span.getSpanId(),
        span.getParentSpanContext().isValid() ? span.getParentSpanId() : null,
        span.getName(),
        span.getKind().name(),
        span.getStartEpochNanos(),
        span.getEndEpochNanos(),
        span.getStatus().getStatusCode().name(),
        span.getStatus().getDescription(),
        span.getResource().getAttribute(SERVICE_NAME),
        span.getInstrumentationScopeInfo().getName(),
        attributes(span.getAttributes()),
        events);
  }

  /** The SDK's attribute values are the viewer's types already: String, Long, … and their lists. */
  private static Map<String, Object> attributes(Attributes attributes) {
    Map<String, Object> values = new LinkedHashMap<>();
    attributes.forEach((key, value) -> values.put(key.getKey(), value));
    return values;
  }

  /**
   * Keeps the spans of both tracer providers past their shutdown, which empties the SDK's {@code
   * InMemorySpanExporter}.
   */
  private static final class CollectingExporter implements SpanExporter {

    private final List<SpanData> finished;

    CollectingExporter(List<SpanData> finished) {
      this.finished = finished;
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      finished.addAll(spans);
      return CompletableResultCode.ofSuccess();
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
