package io.llmetry4j.viewer.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.exporter.internal.marshal.Marshaler;
import io.opentelemetry.exporter.internal.otlp.logs.LogsRequestMarshaler;
import io.opentelemetry.exporter.internal.otlp.metrics.MetricsRequestMarshaler;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.logs.SdkLoggerProvider;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.logs.export.SimpleLogRecordProcessor;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.export.CollectionRegistration;
import io.opentelemetry.sdk.metrics.export.MetricReader;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What OTLP/JSON allows beyond what the SDK's marshaler writes (see {@link OtlpRoundTripTest} for
 * that), what it forbids, and the Collector's file format.
 */
class OtlpJsonDecoderTest {

  private static final String TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
  private static final String SPAN_ID = "b7ad6b7169203331";
  private static final String IDS =
      "\"traceId\": \"" + TRACE_ID + "\", \"spanId\": \"" + SPAN_ID + "\"";

  @Test
  void reads_the_proto_field_names_in_snake_case() {
    String json =
        """
        {"resource_spans": [{
          "resource": {"attributes": [{"key": "service.name", "value": {"string_value": "svc"}}]},
          "scope_spans": [{"scope": {"name": "scope"}, "spans": [{
            "trace_id": "%s", "span_id": "%s", "parent_span_id": "1111111111111111",
            "name": "snake", "kind": 3,
            "start_time_unix_nano": "10", "end_time_unix_nano": "20",
            "attributes": [
              {"key": "i", "value": {"int_value": "7"}},
              {"key": "d", "value": {"double_value": 0.5}},
              {"key": "b", "value": {"bool_value": true}},
              {"key": "a", "value": {"array_value": {"values": [{"string_value": "x"}]}}},
              {"key": "kv", "value": {"kvlist_value": {"values": [
                {"key": "k", "value": {"bytes_value": "AQI="}}]}}}],
            "events": [{"time_unix_nano": 15, "name": "e", "attributes": []}],
            "status": {"code": 2, "message": "bad"}}]}]}]}
        """
            .formatted(TRACE_ID, SPAN_ID);

    assertThat(OtlpJsonDecoder.decode(json))
        .containsExactly(
            new ViewSpan(
                TRACE_ID,
                SPAN_ID,
                "1111111111111111",
                "snake",
                "CLIENT",
                10,
                20,
                ViewSpan.ERROR,
                "bad",
                "svc",
                "scope",
                Map.of("i", 7L, "d", 0.5, "b", true, "a", List.of("x"), "kv", "{\"k\":\"AQI=\"}"),
                List.of(new ViewSpan.Event("e", 15, Map.of()))));
  }

  @Test
  void reads_enums_as_names_or_numbers() {
    assertThat(decodeOne("\"kind\": \"SPAN_KIND_SERVER\"").kind()).isEqualTo("SERVER");
    assertThat(decodeOne("\"kind\": \"SPAN_KIND_UNSPECIFIED\"").kind()).isEqualTo("INTERNAL");
    assertThat(decodeOne("\"kind\": 4").kind()).isEqualTo("PRODUCER");
    assertThat(decodeOne("\"kind\": 0").kind()).isEqualTo("INTERNAL");
    assertThat(decodeOne("\"kind\": 42").kind()).isEqualTo("INTERNAL");
    assertThat(decodeOne("\"status\": {\"code\": \"STATUS_CODE_OK\"}").statusCode())
        .isEqualTo(ViewSpan.OK);
    assertThat(decodeOne("\"status\": {\"code\": 2}").statusCode()).isEqualTo(ViewSpan.ERROR);
    assertThat(decodeOne("\"status\": {\"code\": 9}").statusCode()).isEqualTo(ViewSpan.UNSET);
    assertThat(decodeOne("\"status\": {}").statusCode()).isEqualTo(ViewSpan.UNSET);

    assertThatThrownBy(() -> decodeOne("\"kind\": \"CLIENT\""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Malformed OTLP JSON: kind is not a SpanKind: \"CLIENT\"");
    assertThatThrownBy(() -> decodeOne("\"status\": {\"code\": \"ERROR\"}"))
        .hasMessage("Malformed OTLP JSON: status code is not a StatusCode: \"ERROR\"");
  }

  @Test
  void reads_64_bit_integers_as_strings_or_numbers() {
    ViewSpan span =
        decodeOne(
            """
            "startTimeUnixNano": 1700000000123456789, "endTimeUnixNano": "1700000000223456789",
            "attributes": [
              {"key": "string", "value": {"intValue": "-9223372036854775808"}},
              {"key": "number", "value": {"intValue": 42}},
              {"key": "exponent", "value": {"intValue": 1e3}}]
            """);

    assertThat(span.startEpochNanos()).isEqualTo(1_700_000_000_123_456_789L);
    assertThat(span.endEpochNanos()).isEqualTo(1_700_000_000_223_456_789L);
    assertThat(span.attributes())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("string", Long.MIN_VALUE, "number", 42L, "exponent", 1000L));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "\"intValue\": \"4.5\"",
        "\"intValue\": 4.5",
        "\"intValue\": \"9223372036854775808\"",
        "\"intValue\": 1e19",
        "\"intValue\": true",
        "\"doubleValue\": \"0x1p3\"",
        "\"doubleValue\": \" 1\"",
        "\"doubleValue\": \"nan\"",
        "\"boolValue\": \"true\"",
        "\"stringValue\": 1",
        "\"bytesValue\": \"not base64!\"",
        "\"arrayValue\": []",
        "\"kvlistValue\": {\"values\": [1]}"
      })
  void rejects_a_value_of_the_wrong_type(String value) {
    assertThatThrownBy(
            () -> decodeOne("\"attributes\": [{\"key\": \"k\", \"value\": {" + value + "}}]"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Malformed OTLP JSON: ");
  }

  @Test
  void reads_doubles_as_numbers_or_strings() {
    ViewSpan span =
        decodeOne(
            """
            "attributes": [
              {"key": "integral", "value": {"doubleValue": 2}},
              {"key": "string", "value": {"doubleValue": "2.5e-1"}},
              {"key": "nan", "value": {"doubleValue": "NaN"}},
              {"key": "infinity", "value": {"doubleValue": "Infinity"}},
              {"key": "negative.infinity", "value": {"doubleValue": "-Infinity"}}]
            """);

    assertThat(span.attributes())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "integral", 2.0,
                "string", 0.25,
                "nan", Double.NaN,
                "infinity", Double.POSITIVE_INFINITY,
                "negative.infinity", Double.NEGATIVE_INFINITY));
  }

  @Test
  void renders_key_value_lists_and_arrays_that_hold_them_or_arrays_as_json_text() {
    ViewSpan span =
        decodeOne(
            """
            "attributes": [
              {"key": "kv", "value": {"kvlistValue": {"values": [
                {"key": "city", "value": {"stringValue": "Paris"}},
                {"key": "n", "value": {"intValue": "3"}},
                {"key": "empty", "value": {}},
                {"key": "nested", "value": {"kvlistValue": {}}}]}}},
              {"key": "nested", "value": {"arrayValue": {"values": [
                {"intValue": 1}, {"arrayValue": {"values": [{"boolValue": false}]}}]}}},
              {"key": "none", "value": {"arrayValue": {}}},
              {"key": "with.empty", "value": {"arrayValue": {"values": [{}]}}}]
            """);

    assertThat(span.attributes())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "kv",
                "{\"city\":\"Paris\",\"n\":3,\"empty\":\"\",\"nested\":{}}",
                "nested",
                "[1,[false]]",
                "none",
                List.of(),
                "with.empty",
                List.of("")));
  }

  @Test
  void keeps_bytes_as_standard_base64_whichever_alphabet_the_request_used() {
    ViewSpan span =
        decodeOne(
            """
            "attributes": [
              {"key": "standard", "value": {"bytesValue": "APv/EA=="}},
              {"key": "url.safe.unpadded", "value": {"bytesValue": "APv_EA"}}]
            """);

    assertThat(span.attributes())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("standard", "APv/EA==", "url.safe.unpadded", "APv/EA=="));
  }

  @Test
  void reads_an_empty_value_as_the_empty_string_and_null_as_absent() {
    ViewSpan span =
        decodeOne(
            """
            "parentSpanId": null, "name": null, "status": null, "events": null,
            "attributes": [
              {"key": "empty", "value": {}},
              {"key": "null", "value": null},
              {"key": "no.value"},
              {"key": "string.null", "value": {"stringValue": null, "intValue": "1"}}]
            """);

    assertThat(span.parentSpanId()).isNull();
    assertThat(span.name()).isEmpty();
    assertThat(span.statusCode()).isEqualTo(ViewSpan.UNSET);
    assertThat(span.events()).isEmpty();
    assertThat(span.attributes())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("empty", "", "null", "", "no.value", "", "string.null", 1L));
  }

  @Test
  void reads_ids_in_either_case_as_lowercase_and_an_empty_or_zero_parent_as_none() {
    ViewSpan upper =
        decodeSpan(
            "\"traceId\": \"%s\", \"spanId\": \"%s\", \"parentSpanId\": \"ABCDEF0123456789\""
                .formatted(TRACE_ID.toUpperCase(), SPAN_ID.toUpperCase()));

    assertThat(upper.traceId()).isEqualTo(TRACE_ID);
    assertThat(upper.spanId()).isEqualTo(SPAN_ID);
    assertThat(upper.parentSpanId()).isEqualTo("abcdef0123456789");
    assertThat(decodeOne("\"parentSpanId\": \"\"").parentSpanId()).isNull();
    assertThat(decodeOne("\"parentSpanId\": \"0000000000000000\"").parentSpanId()).isNull();
  }

  @Test
  void rejects_ids_that_are_not_hex_of_the_right_length() {
    assertThatThrownBy(() -> decodeSpan("\"traceId\": \"abc\", \"spanId\": \"" + SPAN_ID + "\""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Malformed OTLP JSON: traceId of 3 characters, not 32 hex digits");
    assertThatThrownBy(
            () -> decodeSpan("\"traceId\": \"" + TRACE_ID + "\", \"spanId\": \"b7ad6b716920333g\""))
        .hasMessage("Malformed OTLP JSON: spanId is not hex: \"b7ad6b716920333g\"");
    assertThatThrownBy(() -> decodeSpan("\"traceId\": \"" + TRACE_ID + "\""))
        .hasMessage("Malformed OTLP JSON: spanId of 0 characters, not 16 hex digits");
    // Base64, as protobuf's generic JSON mapping would write bytes; OTLP says hex.
    assertThatThrownBy(
            () ->
                decodeSpan(
                    "\"traceId\": \"CvdlGRbNQ92ESOshHIAxnA==\", \"spanId\": \"" + SPAN_ID + "\""))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> decodeOne("\"parentSpanId\": \"b7ad\""))
        .hasMessage("Malformed OTLP JSON: parentSpanId of 4 characters, not 16 hex digits");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "[]",
        "\"resourceSpans\"",
        "{\"resourceSpans\": {}}",
        "{\"resourceSpans\": [1]}",
        "{\"resourceSpans\": [{\"scopeSpans\": [{\"spans\": {}}]}]}",
        "{\"resourceSpans\": [{\"scopeSpans\": [{\"spans\": [null]}]}]}",
        "{\"resourceSpans\": [{\"resource\": []}]}",
        "{\"resourceSpans\": [{\"resource\": {\"attributes\": [{\"key\": 1}]}}]}",
        "{\"resourceSpans\": [{\"scopeSpans\": [{\"scope\": {\"name\": 7}}]}]}"
      })
  void rejects_a_request_of_the_wrong_shape(String json) {
    assertThatThrownBy(() -> OtlpJsonDecoder.decode(json))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Malformed OTLP JSON: ");
  }

  @Test
  void ignores_unknown_fields() {
    String json =
        """
        {"resourceSpans": [{"schemaUrl": "x", "future": {"a": [1, 2]},
          "scopeSpans": [{"scope": {"name": "s", "version": "1"}, "spans": [{%s,
            "traceState": "a=b", "flags": 257, "links": [{"traceId": "zz"}],
            "droppedAttributesCount": 3, "somethingNew": null}]}]}],
         "partialSuccess": {}}
        """
            .formatted(IDS);

    assertThat(OtlpJsonDecoder.decode(json)).extracting(ViewSpan::scopeName).containsExactly("s");
  }

  @Test
  void reads_instrumentation_library_spans_only_when_scope_spans_are_absent() {
    String oldOnly =
        """
        {"resourceSpans": [{"instrumentationLibrarySpans": [
          {"instrumentationLibrary": {"name": "old.library"}, "spans": [{%s}]}]}]}
        """
            .formatted(IDS);
    String both =
        """
        {"resourceSpans": [{
          "instrumentationLibrarySpans": [
            {"instrumentationLibrary": {"name": "old.library"}, "spans": [{%1$s}]}],
          "scopeSpans": [{"scope": {"name": "new.scope"}, "spans": [{%1$s}]}]}]}
        """
            .formatted(IDS);

    assertThat(OtlpJsonDecoder.decode(oldOnly))
        .extracting(ViewSpan::scopeName)
        .containsExactly("old.library");
    assertThat(OtlpJsonDecoder.decode(both))
        .extracting(ViewSpan::scopeName)
        .containsExactly("new.scope");
  }

  @Test
  void decodes_utf8_bytes_and_rejects_bytes_that_are_not_utf8() {
    String json =
        "{\"resourceSpans\": [{\"scopeSpans\": [{\"spans\": [{%s, \"name\": \"é😀\"}]}]}]}"
            .formatted(IDS);

    assertThat(OtlpJsonDecoder.decode(json.getBytes(StandardCharsets.UTF_8)))
        .extracting(ViewSpan::name)
        .containsExactly("é😀");
    assertThatThrownBy(() -> OtlpJsonDecoder.decode(new byte[] {'{', (byte) 0xc3, '}'}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Malformed JSON: not UTF-8");
  }

  @Test
  void rejects_values_nested_beyond_the_json_depth_limit() {
    String value = "{\"stringValue\": \"x\"}";
    for (int depth = 0; depth < 40; depth++) {
      value = "{\"arrayValue\": {\"values\": [" + value + "]}}";
    }
    String deep = value;

    assertThatThrownBy(
            () -> decodeOne("\"attributes\": [{\"key\": \"k\", \"value\": " + deep + "}]"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nested deeper than 64 levels");
  }

  @Test
  void decodes_a_collector_file_and_skips_blank_lines_and_other_signals() throws IOException {
    List<SpanData> recorded = SdkSpans.record();
    List<SpanData> firstBatch = recorded.subList(0, 2);
    List<SpanData> secondBatch = recorded.subList(2, recorded.size());
    String metrics = metricsLine();
    String logs = logsLine();
    assertThat(metrics).startsWith("{\"resourceMetrics\":[").contains("gen_ai.client.token.usage");
    assertThat(logs).startsWith("{\"resourceLogs\":[").contains("a log line, not a span");
    String file =
        SdkSpans.json(firstBatch)
            + "\n"
            + metrics
            + "\r\n\n   \n"
            + logs
            + "\n"
            + SdkSpans.json(secondBatch)
            + "\n";

    List<ViewSpan> decoded = OtlpJsonDecoder.decodeJsonLines(new StringReader(file));

    assertThat(decoded)
        .containsExactlyInAnyOrderElementsOf(recorded.stream().map(SdkSpans::expected).toList());
  }

  @Test
  void names_the_line_of_a_malformed_request_in_a_collector_file() {
    String file =
        SdkSpans.json(SdkSpans.record()) + "\n\n{\"resourceSpans\": [{\"scopeSpans\": [}]}\n";

    assertThatThrownBy(() -> OtlpJsonDecoder.decodeJsonLines(new StringReader(file)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Line 3: Malformed JSON: unexpected character, expected a value at position 35");
    assertThatThrownBy(
            () -> OtlpJsonDecoder.decodeJsonLines(new StringReader("\n{\"resourceSpans\": 1}")))
        .hasMessage("Line 2: Malformed OTLP JSON: resourceSpans is not an array");
  }

  @Test
  @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void decodes_mutated_requests_or_rejects_them_with_illegal_argument_exception() {
    String request = SdkSpans.json(SdkSpans.record());
    char[] alphabet =
        "{}[]:,\"\\0123456789abcdefABCDEF-.eE nulltruefalse\u00e9\ud83d".toCharArray();
    Random random = new Random(20260316L);
    int decoded = 0;
    int rejected = 0;
    for (int i = 0; i < 5_000; i++) {
      StringBuilder input = new StringBuilder(request);
      for (int mutations = 1 + random.nextInt(3); mutations > 0; mutations--) {
        int at = random.nextInt(input.length());
        switch (random.nextInt(3)) {
          case 0:
            input.setCharAt(at, alphabet[random.nextInt(alphabet.length)]);
            break;
          case 1:
            input.deleteCharAt(at);
            break;
          default:
            input.insert(at, alphabet[random.nextInt(alphabet.length)]);
        }
      }
      try {
        OtlpJsonDecoder.decode(input.toString());
        decoded++;
      } catch (IllegalArgumentException expected) {
        rejected++;
      } catch (RuntimeException | Error e) {
        throw new AssertionError("Not an IllegalArgumentException for " + input, e);
      }
    }

    assertThat(decoded).isGreaterThan(100);
    assertThat(rejected).isGreaterThan(100);
  }

  /** The one span of a request whose span holds valid ids and {@code spanFields}. */
  private static ViewSpan decodeOne(String spanFields) {
    return decodeSpan(IDS + ", " + spanFields);
  }

  /** The one span of a request whose span holds {@code spanFields} only. */
  private static ViewSpan decodeSpan(String spanFields) {
    List<ViewSpan> spans =
        OtlpJsonDecoder.decode(
            "{\"resourceSpans\": [{\"scopeSpans\": [{\"spans\": [{" + spanFields + "}]}]}]}");
    assertThat(spans).hasSize(1);
    return spans.get(0);
  }

  /** A line of metrics as the Collector's file exporter writes it (the SDK's own marshaler). */
  private static String metricsLine() {
    CollectingMetricReader reader = new CollectingMetricReader();
    try (SdkMeterProvider meterProvider =
        SdkMeterProvider.builder().registerMetricReader(reader).build()) {
      meterProvider
          .get("io.llmetry4j.chat")
          .counterBuilder("gen_ai.client.token.usage")
          .build()
          .add(42);
      return json(MetricsRequestMarshaler.create(reader.registration.collectAllMetrics()));
    }
  }

  /** A line of logs as the Collector's file exporter writes it (the SDK's own marshaler). */
  private static String logsLine() {
    List<LogRecordData> logs = new ArrayList<>();
    LogRecordExporter exporter =
        new LogRecordExporter() {
          @Override
          public CompletableResultCode export(Collection<LogRecordData> records) {
            logs.addAll(records);
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
        };
    try (SdkLoggerProvider loggerProvider =
        SdkLoggerProvider.builder()
            .addLogRecordProcessor(SimpleLogRecordProcessor.create(exporter))
            .build()) {
      loggerProvider
          .get("io.llmetry4j.chat")
          .logRecordBuilder()
          .setSeverity(Severity.INFO)
          .setBody("a log line, not a span")
          .setAttribute(AttributeKey.stringKey("spanId"), SPAN_ID)
          .emit();
    }
    return json(LogsRequestMarshaler.create(logs));
  }

  private static String json(Marshaler marshaler) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      marshaler.writeJsonTo(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /** The in-memory metric reader of opentelemetry-sdk-testing, which is not a dependency here. */
  private static final class CollectingMetricReader implements MetricReader {

    private CollectionRegistration registration = CollectionRegistration.noop();

    @Override
    public void register(CollectionRegistration registration) {
      this.registration = registration;
    }

    @Override
    public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
      return AggregationTemporality.CUMULATIVE;
    }

    @Override
    public CompletableResultCode forceFlush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }
}
