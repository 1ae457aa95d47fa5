package io.llmetry4j.viewer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Spans recorded by the OpenTelemetry SDK and encoded by its own OTLP marshaler decode, in either
 * format, to exactly what the SDK recorded.
 */
class OtlpRoundTripTest {

  enum Format {
    PROTOBUF(spans -> OtlpProtobufDecoder.decode(SdkSpans.protobuf(spans))),
    JSON(spans -> OtlpJsonDecoder.decode(SdkSpans.json(spans)));

    final Function<List<SpanData>, List<ViewSpan>> encodeAndDecode;

    Format(Function<List<SpanData>, List<ViewSpan>> encodeAndDecode) {
      this.encodeAndDecode = encodeAndDecode;
    }
  }

  private static List<SpanData> recorded;

  @BeforeAll
  static void recordSpans() {
    recorded = SdkSpans.record();
  }

  @ParameterizedTest
  @EnumSource(Format.class)
  void decodes_every_span_to_what_the_sdk_recorded(Format format) {
    List<ViewSpan> decoded = format.encodeAndDecode.apply(recorded);

    assertThat(decoded)
        .containsExactlyInAnyOrderElementsOf(recorded.stream().map(SdkSpans::expected).toList());
  }

  @ParameterizedTest
  @EnumSource(Format.class)
  void keeps_each_attribute_value_with_its_type(Format format) {
    ViewSpan chat = span(format.encodeAndDecode.apply(recorded), "chat gpt-4o");

    assertThat(chat.attributes())
        .containsExactlyInAnyOrderEntriesOf(
            Map.ofEntries(
                Map.entry("gen_ai.request.model", "gpt-4o"),
                Map.entry("gen_ai.usage.input_tokens", 42L),
                Map.entry("gen_ai.request.temperature", 0.7),
                Map.entry("gen_ai.request.stream", false),
                Map.entry("gen_ai.response.finish_reasons", List.of("stop", "length")),
                Map.entry("test.longs", List.of(Long.MIN_VALUE, -1L, 0L, Long.MAX_VALUE)),
                Map.entry(
                    "test.doubles",
                    List.of(-0.0, 1e-300, Double.MAX_VALUE, Double.NaN, Double.NEGATIVE_INFINITY)),
                Map.entry("test.booleans", List.of(true, false)),
                Map.entry("test.text", SdkSpans.AWKWARD_TEXT),
                Map.entry("test.long.negative", Long.MIN_VALUE),
                Map.entry("test.double.nan", Double.NaN),
                Map.entry("test.empty", ""),
                Map.entry("test.none", List.of())));
    assertThat(chat.attributes().get("gen_ai.usage.input_tokens")).isInstanceOf(Long.class);
    assertThat(chat.attributes().get("gen_ai.request.temperature")).isInstanceOf(Double.class);
    assertThat(chat.attributes().get("gen_ai.request.stream")).isInstanceOf(Boolean.class);
  }

  @ParameterizedTest
  @EnumSource(Format.class)
  void keeps_ids_times_kind_status_service_scope_and_events(Format format) {
    List<ViewSpan> decoded = format.encodeAndDecode.apply(recorded);
    ViewSpan chat = span(decoded, "chat gpt-4o");
    ViewSpan tool = span(decoded, "execute_tool get_weather");
    SpanData recordedChat =
        recorded.stream().filter(s -> s.getName().equals("chat gpt-4o")).findFirst().orElseThrow();

    assertThat(chat.traceId()).isEqualTo(recordedChat.getTraceId()).matches("[0-9a-f]{32}");
    assertThat(chat.spanId()).isEqualTo(recordedChat.getSpanId()).matches("[0-9a-f]{16}");
    assertThat(chat.parentSpanId()).isNull();
    assertThat(tool.traceId()).isEqualTo(chat.traceId());
    assertThat(tool.parentSpanId()).isEqualTo(chat.spanId());
    assertThat(chat.kind()).isEqualTo("CLIENT");
    assertThat(tool.kind()).isEqualTo("INTERNAL");
    assertThat(chat.startEpochNanos()).isEqualTo(SdkSpans.CHAT_START);
    assertThat(chat.endEpochNanos()).isEqualTo(SdkSpans.CHAT_END);
    assertThat(chat.statusCode()).isEqualTo(ViewSpan.ERROR);
    assertThat(chat.statusMessage()).isEqualTo("rate limited");
    assertThat(tool.statusCode()).isEqualTo(ViewSpan.UNSET);
    assertThat(tool.statusMessage()).isEmpty();
    assertThat(chat.serviceName()).isEqualTo("checkout");
    assertThat(chat.scopeName()).isEqualTo("io.llmetry4j.chat");
    assertThat(tool.scopeName()).isEqualTo("io.llmetry4j.tools");
    assertThat(chat.events())
        .extracting(ViewSpan.Event::name)
        .containsExactly("gen_ai.content.prompt", "without attributes", "exception");
    assertThat(chat.events().get(0))
        .isEqualTo(
            new ViewSpan.Event(
                "gen_ai.content.prompt",
                SdkSpans.PROMPT_EVENT_TIME,
                Map.of("gen_ai.prompt", "Hello?", "index", 0L)));
    assertThat(chat.events().get(2).attributes())
        .containsEntry("exception.type", "java.lang.IllegalStateException")
        .containsEntry("exception.message", "rate limited")
        .containsKey("exception.stacktrace");

    ViewSpan server = span(decoded, "POST /invoices");
    assertThat(server.kind()).isEqualTo("SERVER");
    assertThat(server.statusCode()).isEqualTo(ViewSpan.OK);
    assertThat(server.serviceName()).isEqualTo("billing");
    assertThat(server.scopeName()).isEqualTo("io.opentelemetry.http");
    assertThat(span(decoded, "publish invoices").kind()).isEqualTo("PRODUCER");
    assertThat(span(decoded, "process invoices").kind()).isEqualTo("CONSUMER");
  }

  @Test
  void both_formats_decode_to_the_same_spans_in_the_same_order() {
    assertThat(OtlpJsonDecoder.decode(SdkSpans.json(recorded)))
        .isEqualTo(OtlpProtobufDecoder.decode(SdkSpans.protobuf(recorded)));
  }

  @ParameterizedTest
  @EnumSource(Format.class)
  void decodes_a_request_without_spans_to_none(Format format) {
    assertThat(format.encodeAndDecode.apply(List.of())).isEmpty();
  }

  private static ViewSpan span(List<ViewSpan> spans, String name) {
    return spans.stream().filter(span -> span.name().equals(name)).findFirst().orElseThrow();
  }
}
