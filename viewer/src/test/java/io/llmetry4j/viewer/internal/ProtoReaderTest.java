package io.llmetry4j.viewer.internal;

import static io.llmetry4j.viewer.internal.ProtoBytes.message;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ProtoReaderTest {

  @ParameterizedTest
  @ValueSource(
      longs = {
        0,
        1,
        127,
        128,
        300,
        16_383,
        16_384,
        Integer.MAX_VALUE,
        -1,
        Long.MIN_VALUE,
        Long.MAX_VALUE
      })
  void reads_a_varint_of_any_length(long value) {
    ProtoReader reader = new ProtoReader(message().varint(1, value).toByteArray());

    assertThat(reader.readTag()).isEqualTo(ProtoReader.tag(1, ProtoReader.VARINT));
    assertThat(reader.readVarint()).isEqualTo(value);
    assertThat(reader.hasRemaining()).isFalse();
  }

  @Test
  void reads_negative_numbers_as_ten_byte_varints() {
    byte[] bytes = message().rawVarint(-1).toByteArray();

    assertThat(bytes).hasSize(10);
    assertThat(new ProtoReader(bytes).readVarint()).isEqualTo(-1);
  }

  @Test
  void rejects_a_varint_longer_than_ten_bytes() {
    byte[] eleven = {
      (byte) 0x80,
      (byte) 0x80,
      (byte) 0x80,
      (byte) 0x80,
      (byte) 0x80,
      (byte) 0x80,
      (byte) 0x80,
      (byte) 0x80,
      (byte) 0x80,
      (byte) 0x80,
      0x01
    };

    assertThatThrownBy(() -> new ProtoReader(eleven).readVarint())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Malformed protobuf: varint longer than ten bytes at byte 0");
  }

  @Test
  void reads_fixed_width_values_little_endian() {
    byte[] bytes = message().fixed64(1, 0x0102030405060708L).fixed32(2, 0xfffffffe).toByteArray();
    ProtoReader reader = new ProtoReader(bytes);

    assertThat(bytes[1]).isEqualTo((byte) 0x08);
    assertThat(reader.readTag()).isEqualTo(ProtoReader.tag(1, ProtoReader.FIXED64));
    assertThat(reader.readFixed64()).isEqualTo(0x0102030405060708L);
    assertThat(reader.readTag()).isEqualTo(ProtoReader.tag(2, ProtoReader.FIXED32));
    assertThat(reader.readFixed32()).isEqualTo(0xfffffffe);
  }

  @Test
  void reads_a_length_delimited_field_as_a_nested_reader_and_moves_past_it() {
    byte[] bytes =
        message().message(1, message().string(1, "inner")).string(2, "after").toByteArray();
    ProtoReader reader = new ProtoReader(bytes);

    reader.readTag();
    ProtoReader inner = reader.readMessage();
    inner.readTag();
    assertThat(inner.readString()).isEqualTo("inner");
    assertThat(inner.hasRemaining()).isFalse();
    reader.readTag();
    assertThat(reader.readString()).isEqualTo("after");
  }

  @Test
  void skips_fields_of_every_wire_type_and_nested_groups() {
    byte[] bytes =
        message()
            .varint(1, -1)
            .fixed64(2, 7)
            .string(3, "skipped")
            .fixed32(4, 7)
            .tag(5, ProtoReader.START_GROUP)
            .varint(1, 1)
            .tag(6, ProtoReader.START_GROUP)
            .string(2, "in a nested group")
            .tag(6, ProtoReader.END_GROUP)
            .tag(5, ProtoReader.END_GROUP)
            .string(9, "kept")
            .toByteArray();
    ProtoReader reader = new ProtoReader(bytes);

    for (int skipped = 0; skipped < 5; skipped++) {
      reader.skipField(reader.readTag());
    }
    assertThat(reader.readTag()).isEqualTo(ProtoReader.tag(9, ProtoReader.LENGTH_DELIMITED));
    assertThat(reader.readString()).isEqualTo("kept");
  }

  @Test
  void rejects_malformed_groups() {
    byte[] endWithoutStart = message().tag(5, ProtoReader.END_GROUP).toByteArray();
    byte[] endOfAnotherGroup =
        message().tag(5, ProtoReader.START_GROUP).tag(6, ProtoReader.END_GROUP).toByteArray();
    byte[] unterminated = message().tag(5, ProtoReader.START_GROUP).varint(1, 1).toByteArray();
    ProtoBytes deep = message();
    for (int i = 0; i < 100_000; i++) {
      deep.tag(5, ProtoReader.START_GROUP);
    }

    assertThatThrownBy(() -> skipFirstField(endWithoutStart))
        .hasMessageContaining("end-group tag without its start-group tag");
    assertThatThrownBy(() -> skipFirstField(endOfAnotherGroup))
        .hasMessageContaining("end-group tag of another group");
    assertThatThrownBy(() -> skipFirstField(unterminated))
        .hasMessageContaining("group without its end-group tag");
    assertThatThrownBy(() -> skipFirstField(deep.toByteArray()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("groups nested deeper than 64 levels");
  }

  @Test
  void rejects_field_number_zero_and_unknown_wire_types() {
    assertThatThrownBy(() -> new ProtoReader(new byte[] {0x02}).readTag())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Malformed protobuf: field number 0 at byte 0");
    assertThatThrownBy(() -> new ProtoReader(new byte[] {0x0e}).readTag())
        .hasMessage("Malformed protobuf: unknown wire type 6 at byte 0");
    assertThatThrownBy(() -> new ProtoReader(new byte[] {0x0f}).readTag())
        .hasMessage("Malformed protobuf: unknown wire type 7 at byte 0");
    assertThatThrownBy(() -> new ProtoReader(message().rawVarint(1L << 32).toByteArray()).readTag())
        .hasMessage("Malformed protobuf: tag out of range at byte 0");
  }

  @Test
  void rejects_a_length_beyond_the_bytes_left() {
    byte[] tooLong = {0x0a, 0x05, 'a', 'b'};
    byte[] negative = message().tag(1, ProtoReader.LENGTH_DELIMITED).rawVarint(-1).toByteArray();
    byte[] huge =
        message().tag(1, ProtoReader.LENGTH_DELIMITED).rawVarint(Integer.MAX_VALUE).toByteArray();

    assertThatThrownBy(() -> skipFirstField(tooLong))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Malformed protobuf: length 5 beyond the 2 bytes left at byte 1");
    assertThatThrownBy(() -> skipFirstField(negative)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> skipFirstField(huge)).isInstanceOf(IllegalArgumentException.class);
    ProtoReader reader = new ProtoReader(huge);
    reader.readTag();
    assertThatThrownBy(reader::readBytes).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rejects_truncated_fixed_width_values() {
    assertThatThrownBy(() -> new ProtoReader(new byte[7]).readFixed64())
        .hasMessage("Malformed protobuf: truncated fixed64 at byte 0");
    assertThatThrownBy(() -> new ProtoReader(new byte[3]).readFixed32())
        .hasMessage("Malformed protobuf: truncated fixed32 at byte 0");
    assertThatThrownBy(() -> skipFirstField(new byte[] {0x09, 1, 2}))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> skipFirstField(new byte[] {0x0d, 1, 2}))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "c328", // a lead byte without its continuation
        "c080", // an overlong NUL
        "eda080", // a surrogate encoded in UTF-8
        "f4908080", // beyond U+10FFFF
        "ff"
      })
  void rejects_a_string_that_is_not_utf8(String hex) {
    byte[] bytes = message().bytes(1, OtlpProtobufDecoderTest.bytes(hex)).toByteArray();
    ProtoReader reader = new ProtoReader(bytes);
    reader.readTag();

    assertThatThrownBy(reader::readString)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Malformed protobuf: string field that is not UTF-8 at byte 2");
  }

  private static void skipFirstField(byte[] bytes) {
    ProtoReader reader = new ProtoReader(bytes);
    reader.skipField(reader.readTag());
  }
}
