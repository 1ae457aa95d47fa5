package io.llmetry4j.viewer.internal;

import static io.llmetry4j.viewer.internal.ProtoBytes.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What the SDK's marshaler cannot produce, written byte by byte (see {@link OtlpRoundTripTest} for
 * what it can): values without an attribute type in the API, field orders and fields it does not
 * write, and malformed input.
 */
class OtlpProtobufDecoderTest {

  private static final String TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
  private static final String SPAN_ID = "b7ad6b7169203331";

  @Test
  void renders_a_key_value_list_as_json_text() {
    ProtoBytes value =
        keyValueList(
            keyValue("city", string("Paris")),
            keyValue("count", integer(3)),
            keyValue("nested", keyValueList(keyValue("ok", bool(true)))),
            keyValue("mixed", array(dbl(1.5), string("x"))),
            keyValue("empty", message()),
            keyValue("nan", dbl(Double.NaN)),
            keyValue("quote\"d", string("line\nbreak")));

    assertThat(decodeOne(span().message(9, keyValue("weather", value))).attributes())
        .containsExactlyEntriesOf(
            Map.of(
                "weather",
                "{\"city\":\"Paris\",\"count\":3,\"nested\":{\"ok\":true},\"mixed\":[1.5,\"x\"],"
                    + "\"empty\":\"\",\"nan\":\"NaN\",\"quote\\\"d\":\"line\\nbreak\"}"));
  }

  @Test
  void keeps_bytes_as_standard_base64_text() {
    ViewSpan span =
        decodeOne(span().message(9, keyValue("digest", message().bytes(7, bytes("00fbff10")))));

    assertThat(span.attributes()).containsEntry("digest", "APv/EA==");
  }

  @Test
  void renders_an_array_that_holds_arrays_or_key_value_lists_as_json_text() {
    ViewSpan span =
        decodeOne(
            span()
                .message(9, keyValue("scalars", array(integer(-1), string("a"), bool(false))))
                .message(9, keyValue("nested", array(integer(1), array(integer(2)))))
                .message(9, keyValue("with.list", array(keyValueList(keyValue("a", string("b"))))))
                .message(9, keyValue("with.empty", array(string("a"), message()))));

    assertThat(span.attributes())
        .containsEntry("scalars", List.of(-1L, "a", false))
        .containsEntry("nested", "[1,[2]]")
        .containsEntry("with.list", "[{\"a\":\"b\"}]")
        .containsEntry("with.empty", List.of("a", ""));
  }

  @Test
  void reads_an_empty_value_as_the_empty_string_as_older_sdks_write_it() {
    ViewSpan span =
        decodeOne(
            span()
                .message(9, keyValue("empty", message()))
                .message(9, message().string(1, "no value field"))
                .message(9, keyValue("kept", string(""))));

    assertThat(span.attributes())
        .containsExactlyInAnyOrderEntriesOf(Map.of("empty", "", "no value field", "", "kept", ""));
  }

  @Test
  void reads_the_last_value_of_a_oneof_and_of_a_repeated_key() {
    ViewSpan span =
        decodeOne(
            span()
                .message(9, keyValue("a", message().string(1, "first").varint(3, 2)))
                .message(9, keyValue("b", string("one")))
                .message(9, keyValue("b", string("two"))));

    assertThat(span.attributes()).containsEntry("a", 2L).containsEntry("b", "two").hasSize(2);
  }

  @Test
  void reads_fields_in_any_order() {
    ProtoBytes reversedSpan =
        message()
            .message(15, message().varint(3, 2).string(2, "failed"))
            .fixed64(8, 20)
            .fixed64(7, 10)
            .varint(6, 2)
            .string(5, "reversed")
            .bytes(4, bytes("1111111111111111"))
            .bytes(2, bytes(SPAN_ID))
            .bytes(1, bytes(TRACE_ID));
    ProtoBytes scopeSpans =
        message().message(2, reversedSpan).message(1, message().string(1, "late.scope"));
    byte[] request =
        message()
            .message(
                1,
                message()
                    .message(2, scopeSpans)
                    .message(1, message().message(1, keyValue("service.name", string("late")))))
            .toByteArray();

    assertThat(OtlpProtobufDecoder.decode(request))
        .containsExactly(
            new ViewSpan(
                TRACE_ID,
                SPAN_ID,
                "1111111111111111",
                "reversed",
                "SERVER",
                10,
                20,
                ViewSpan.ERROR,
                "failed",
                "late",
                "late.scope",
                Map.of(),
                List.of()));
  }

  @Test
  void skips_unknown_fields_and_known_fields_of_another_wire_type() {
    ProtoBytes span =
        span()
            .varint(5, 1) // name as a varint: not the string field 5
            .string(3, "trace-state=1")
            .message(13, message().bytes(1, bytes(TRACE_ID)))
            .fixed32(16, 0x101)
            .tag(99, ProtoReader.START_GROUP)
            .string(1, "in a group")
            .tag(99, ProtoReader.END_GROUP)
            .fixed64(100, 1)
            .message(9, keyValue("kept", string("yes")));

    ViewSpan decoded = decodeOne(span);

    assertThat(decoded.name()).isEqualTo("span");
    assertThat(decoded.attributes()).containsExactlyEntriesOf(Map.of("kept", "yes"));
  }

  @Test
  void reads_instrumentation_library_spans_only_when_scope_spans_are_absent() {
    ProtoBytes oldScopeSpans =
        message().message(1, message().string(1, "old.library")).message(2, span());
    ProtoBytes newScopeSpans =
        message().message(1, message().string(1, "new.scope")).message(2, span());

    byte[] oldOnly = message().message(1, message().message(1000, oldScopeSpans)).toByteArray();
    byte[] both =
        message()
            .message(1, message().message(1000, oldScopeSpans).message(2, newScopeSpans))
            .toByteArray();

    assertThat(OtlpProtobufDecoder.decode(oldOnly))
        .extracting(ViewSpan::scopeName)
        .containsExactly("old.library");
    assertThat(OtlpProtobufDecoder.decode(both))
        .extracting(ViewSpan::scopeName)
        .containsExactly("new.scope");
  }

  @Test
  void reads_unspecified_and_unknown_enum_numbers_as_their_defaults() {
    assertThat(decodeOne(span().varint(6, 0)).kind()).isEqualTo("INTERNAL");
    assertThat(decodeOne(span().varint(6, 9)).kind()).isEqualTo("INTERNAL");
    assertThat(decodeOne(span().varint(6, -1)).kind()).isEqualTo("INTERNAL");
    assertThat(decodeOne(span().varint(6, 5)).kind()).isEqualTo("CONSUMER");
    assertThat(decodeOne(span().message(15, message().varint(3, 7))).statusCode())
        .isEqualTo(ViewSpan.UNSET);
    assertThat(decodeOne(span().message(15, message().varint(3, 1))).statusCode())
        .isEqualTo(ViewSpan.OK);
  }

  @Test
  void gives_defaults_for_a_span_with_ids_only_and_no_resource_or_scope() {
    assertThat(decodeOne(span()))
        .isEqualTo(
            new ViewSpan(
                TRACE_ID,
                SPAN_ID,
                null,
                "span",
                "INTERNAL",
                0,
                0,
                ViewSpan.UNSET,
                "",
                "",
                "",
                Map.of(),
                List.of()));
  }

  @Test
  void reads_an_all_zero_parent_span_id_as_none() {
    assertThat(decodeOne(span().bytes(4, new byte[8])).parentSpanId()).isNull();
    assertThat(decodeOne(span().bytes(4, new byte[0])).parentSpanId()).isNull();
  }

  @Test
  void rejects_ids_of_the_wrong_length() {
    assertThatThrownBy(() -> decodeOne(message().bytes(1, new byte[8]).bytes(2, bytes(SPAN_ID))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Malformed OTLP span: trace_id of 8 bytes, not 16");
    assertThatThrownBy(() -> decodeOne(message().bytes(1, bytes(TRACE_ID))))
        .hasMessage("Malformed OTLP span: span_id of 0 bytes, not 8");
    assertThatThrownBy(() -> decodeOne(span().bytes(4, new byte[4])))
        .hasMessage("Malformed OTLP span: parent_span_id of 4 bytes, not 8");
  }

  @Test
  void reads_values_nested_up_to_the_limit_and_rejects_deeper() {
    ProtoBytes atLimit = string("innermost");
    for (int depth = 1; depth < OtlpProtobufDecoder.MAX_VALUE_DEPTH; depth++) {
      atLimit = array(atLimit);
    }
    ProtoBytes deeper = array(atLimit);

    assertThat(decodeOne(span().message(9, keyValue("deep", atLimit))).stringAttribute("deep"))
        .startsWith("[[[[")
        .contains("\"innermost\"");
    assertThatThrownBy(() -> decodeOne(span().message(9, keyValue("deep", deeper))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nested deeper than 16 levels");
  }

  @Test
  void rejects_hostile_nesting_without_overflowing_the_stack() {
    ProtoBytes value = string("innermost");
    for (int depth = 0; depth < 2_000; depth++) {
      value = depth % 2 == 0 ? array(value) : keyValueList(keyValue("k", value));
    }
    ProtoBytes hostile = value;

    assertThatThrownBy(() -> decodeOne(span().message(9, keyValue("deep", hostile))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nested deeper");
  }

  @Test
  void decodes_an_empty_request_to_no_spans() {
    assertThat(OtlpProtobufDecoder.decode(new byte[0])).isEmpty();
    assertThat(OtlpProtobufDecoder.decode(message().message(1, message()).toByteArray())).isEmpty();
  }

  @Test
  void rejects_a_request_cut_short_and_a_length_larger_than_the_input() {
    byte[] request = SdkSpans.protobuf(SdkSpans.record());

    assertThatThrownBy(() -> OtlpProtobufDecoder.decode(Arrays.copyOf(request, request.length - 1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("beyond the");
    assertThatThrownBy(() -> OtlpProtobufDecoder.decode(new byte[] {0x0a, (byte) 0xff, 0x7f, 1}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Malformed protobuf: length 16383 beyond the 1 bytes left at byte 1");
  }

  @Test
  void decodes_every_prefix_of_a_request_or_rejects_it_with_illegal_argument_exception() {
    byte[] request = SdkSpans.protobuf(SdkSpans.record());

    for (int length = 0; length <= request.length; length++) {
      decodeOrReject(Arrays.copyOf(request, length));
    }
  }

  @Test
  @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void decodes_random_and_mutated_requests_or_rejects_them_with_illegal_argument_exception() {
    byte[] request = SdkSpans.protobuf(SdkSpans.record());
    Random random = new Random(20260315L);
    int decoded = 0;
    int rejected = 0;
    for (int i = 0; i < 5_000; i++) {
      byte[] input = i < 1_000 ? randomBytes(random, random.nextInt(300)) : mutate(request, random);
      if (decodeOrReject(input)) {
        decoded++;
      } else {
        rejected++;
      }
    }

    // Both outcomes, so that the mutations reach past the first malformed byte into the decoder.
    assertThat(decoded).isGreaterThan(100);
    assertThat(rejected).isGreaterThan(100);
  }

  /** Whether {@code input} decoded; fails the test on anything but IllegalArgumentException. */
  private static boolean decodeOrReject(byte[] input) {
    try {
      OtlpProtobufDecoder.decode(input);
      return true;
    } catch (IllegalArgumentException rejected) {
      return false;
    } catch (RuntimeException | Error e) {
      throw new AssertionError(
          "Not an IllegalArgumentException for " + Base64.getEncoder().encodeToString(input), e);
    }
  }

  private static byte[] mutate(byte[] request, Random random) {
    byte[] input = request.clone();
    switch (random.nextInt(4)) {
      case 0: // flip bits
        for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
          input[random.nextInt(input.length)] ^= (byte) (1 << random.nextInt(8));
        }
        return input;
      case 1: // overwrite a byte, as a corrupted length or tag would be
        input[random.nextInt(input.length)] = (byte) random.nextInt(256);
        return input;
      case 2: // cut a range out
        {
          int from = random.nextInt(input.length);
          int to = Math.min(input.length, from + 1 + random.nextInt(16));
          byte[] cut = new byte[input.length - (to - from)];
          System.arraycopy(input, 0, cut, 0, from);
          System.arraycopy(input, to, cut, from, input.length - to);
          return cut;
        }
      default: // insert random bytes
        {
          int at = random.nextInt(input.length + 1);
          byte[] inserted = randomBytes(random, 1 + random.nextInt(8));
          byte[] grown = new byte[input.length + inserted.length];
          System.arraycopy(input, 0, grown, 0, at);
          System.arraycopy(inserted, 0, grown, at, inserted.length);
          System.arraycopy(input, at, grown, at + inserted.length, input.length - at);
          return grown;
        }
    }
  }

  private static byte[] randomBytes(Random random, int length) {
    byte[] bytes = new byte[length];
    random.nextBytes(bytes);
    return bytes;
  }

  private static ViewSpan decodeOne(ProtoBytes span) {
    byte[] request =
        message().message(1, message().message(2, message().message(2, span))).toByteArray();
    List<ViewSpan> spans = OtlpProtobufDecoder.decode(request);
    assertThat(spans).hasSize(1);
    return spans.get(0);
  }

  /** A span with its ids and name "span", to which a test adds fields. */
  private static ProtoBytes span() {
    return message().bytes(1, bytes(TRACE_ID)).bytes(2, bytes(SPAN_ID)).string(5, "span");
  }

  private static ProtoBytes keyValue(String key, ProtoBytes anyValue) {
    return message().string(1, key).message(2, anyValue);
  }

  private static ProtoBytes string(String value) {
    return message().string(1, value);
  }

  private static ProtoBytes bool(boolean value) {
    return message().varint(2, value ? 1 : 0);
  }

  private static ProtoBytes integer(long value) {
    return message().varint(3, value);
  }

  private static ProtoBytes dbl(double value) {
    return message().fixed64(4, Double.doubleToRawLongBits(value));
  }

  private static ProtoBytes array(ProtoBytes... anyValues) {
    ProtoBytes array = message();
    for (ProtoBytes value : anyValues) {
      array.message(1, value);
    }
    return message().message(5, array);
  }

  private static ProtoBytes keyValueList(ProtoBytes... keyValues) {
    ProtoBytes list = message();
    for (ProtoBytes keyValue : keyValues) {
      list.message(1, keyValue);
    }
    return message().message(6, list);
  }

  static byte[] bytes(String hex) {
    byte[] bytes = new byte[hex.length() / 2];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) Integer.parseInt(hex.substring(2 * i, 2 * i + 2), 16);
    }
    return bytes;
  }
}
