package io.llmetry4j.viewer.internal;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes protobuf's wire format for the cases the SDK's marshaler cannot produce: values it has no
 * attribute type for (key-value lists, bytes), old or unknown fields, and malformed input.
 */
final class ProtoBytes {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  static ProtoBytes message() {
    return new ProtoBytes();
  }

  ProtoBytes tag(int fieldNumber, int wireType) {
    return rawVarint((long) fieldNumber << 3 | wireType);
  }

  ProtoBytes varint(int fieldNumber, long value) {
    return tag(fieldNumber, ProtoReader.VARINT).rawVarint(value);
  }

  ProtoBytes fixed64(int fieldNumber, long value) {
    tag(fieldNumber, ProtoReader.FIXED64);
    for (int i = 0; i < 8; i++) {
      out.write((int) (value >>> (8 * i)));
    }
    return this;
  }

  ProtoBytes fixed32(int fieldNumber, int value) {
    tag(fieldNumber, ProtoReader.FIXED32);
    for (int i = 0; i < 4; i++) {
      out.write(value >>> (8 * i));
    }
    return this;
  }

  ProtoBytes bytes(int fieldNumber, byte[] value) {
    tag(fieldNumber, ProtoReader.LENGTH_DELIMITED).rawVarint(value.length);
    out.writeBytes(value);
    return this;
  }

  ProtoBytes string(int fieldNumber, String value) {
    return bytes(fieldNumber, value.getBytes(StandardCharsets.UTF_8));
  }

  ProtoBytes message(int fieldNumber, ProtoBytes message) {
    return bytes(fieldNumber, message.toByteArray());
  }

  ProtoBytes rawVarint(long value) {
    while ((value & ~0x7fL) != 0) {
      out.write((int) (value & 0x7f) | 0x80);
      value >>>= 7;
    }
    out.write((int) value);
    return this;
  }

  ProtoBytes raw(byte[] bytes) {
    out.writeBytes(bytes);
    return this;
  }

  byte[] toByteArray() {
    return out.toByteArray();
  }
}
