package io.llmetry4j.viewer.internal;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Reads the protobuf wire format (https://protobuf.dev/programming-guides/encoding/) from a byte
 * array: tags, varints, fixed 32- and 64-bit values, and length-delimited fields, which it reads as
 * a nested reader over the same array rather than a copy.
 *
 * <p>Hand-written because the application's classpath must not get protobuf-java from llmetry4j:
 * gRPC applications pin their own version. The input may come from the network, so every length is
 * checked against the bytes that remain before anything is read or allocated, group nesting is
 * bounded, and every malformed input ends in an {@link IllegalArgumentException}: never a loop that
 * does not advance, an {@code OutOfMemoryError} or an index exception.
 *
 * <p>Not public API.
 */
final class ProtoReader {

  static final int VARINT = 0;
  static final int FIXED64 = 1;
  static final int LENGTH_DELIMITED = 2;
  static final int START_GROUP = 3;
  static final int END_GROUP = 4;
  static final int FIXED32 = 5;

  /** How deeply groups (proto2's deprecated nested messages) may nest inside an unknown field. */
  static final int MAX_GROUP_DEPTH = 64;

  private static final int MAX_FIELD_NUMBER = (1 << 29) - 1;

  private final byte[] bytes;
  private final int limit;
  private int position;

  /** A reader over the whole of {@code bytes}, which it does not copy: do not change them. */
  ProtoReader(byte[] bytes) {
    this(bytes, 0, bytes.length);
  }

  private ProtoReader(byte[] bytes, int position, int limit) {
    this.bytes = bytes;
    this.position = position;
    this.limit = limit;
  }

  /** The tag of a field: its number and wire type, as it appears on the wire. */
  static int tag(int fieldNumber, int wireType) {
    return fieldNumber << 3 | wireType;
  }

  static int fieldNumber(int tag) {
    return tag >>> 3;
  }

  static int wireType(int tag) {
    return tag & 7;
  }

  boolean hasRemaining() {
    return position < limit;
  }

  /** Reads a field's tag; its field number is at least 1 and its wire type one of the six. */
  int readTag() {
    int tagPosition = position;
    long tag = readVarint();
    if (tag < 0 || tag > (((long) MAX_FIELD_NUMBER) << 3 | 7)) {
      throw malformed("tag out of range", tagPosition);
    }
    int fieldNumber = fieldNumber((int) tag);
    int wireType = wireType((int) tag);
    if (fieldNumber == 0) {
      throw malformed("field number 0", tagPosition);
    }
    if (wireType > FIXED32) {
      throw malformed("unknown wire type " + wireType, tagPosition);
    }
    return (int) tag;
  }

  /**
   * Reads a varint of up to ten bytes (int64, uint64, int32 — negative ones take ten — bool, enum).
   */
  long readVarint() {
    int start = position;
    long value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (position >= limit) {
        throw malformed("truncated varint", start);
      }
      byte b = bytes[position++];
      value |= (long) (b & 0x7f) << shift;
      if (b >= 0) {
        return value;
      }
    }
    throw malformed("varint longer than ten bytes", start);
  }

  /** Reads eight little-endian bytes (fixed64, sfixed64, double). */
  long readFixed64() {
    require(8, "truncated fixed64");
    long value = 0;
    for (int i = 7; i >= 0; i--) {
      value = value << 8 | (bytes[position + i] & 0xffL);
    }
    position += 8;
    return value;
  }

  /** Reads four little-endian bytes (fixed32, sfixed32, float). */
  int readFixed32() {
    require(4, "truncated fixed32");
    int value = 0;
    for (int i = 3; i >= 0; i--) {
      value = value << 8 | (bytes[position + i] & 0xff);
    }
    position += 4;
    return value;
  }

  /** Reads a length-delimited field as a reader over its bytes, and moves past them. */
  ProtoReader readMessage() {
    int length = readLength();
    ProtoReader message = new ProtoReader(bytes, position, position + length);
    position += length;
    return message;
  }

  /** Reads a length-delimited field's bytes (a copy). */
  byte[] readBytes() {
    int length = readLength();
    byte[] value = new byte[length];
    System.arraycopy(bytes, position, value, 0, length);
    position += length;
    return value;
  }

  /**
   * Reads a string field, which proto3 requires to be UTF-8: invalid UTF-8 is refused rather than
   * replaced, as the Collector refuses it.
   */
  String readString() {
    int length = readLength();
    int start = position;
    position += length;
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes, start, length))
          .toString();
    } catch (CharacterCodingException e) {
      throw malformed("string field that is not UTF-8", start);
    }
  }

  /**
   * Skips the value of a field whose tag was just read (an unknown field, or one read no further).
   */
  void skipField(int tag) {
    switch (wireType(tag)) {
      case VARINT:
        readVarint();
        break;
      case FIXED64:
        skip(8, "truncated fixed64");
        break;
      case LENGTH_DELIMITED:
        // Not `position += readLength()`: Java reads `position` before the call moves it.
        int length = readLength();
        position += length;
        break;
      case FIXED32:
        skip(4, "truncated fixed32");
        break;
      case START_GROUP:
        skipGroup(fieldNumber(tag));
        break;
      default:
        throw malformed("end-group tag without its start-group tag", position);
    }
  }

  /**
   * Skips a group's fields up to the end-group tag of {@code fieldNumber}, nested groups included.
   * Iterative, with the open groups' field numbers on a bounded stack, so that a long run of
   * start-group tags cannot overflow the thread's stack.
   */
  private void skipGroup(int fieldNumber) {
    int[] openGroups = new int[MAX_GROUP_DEPTH];
    int depth = 0;
    openGroups[depth++] = fieldNumber;
    while (depth > 0) {
      int tagPosition = position;
      if (!hasRemaining()) {
        throw malformed("group without its end-group tag", tagPosition);
      }
      int tag = readTag();
      if (wireType(tag) == START_GROUP) {
        if (depth == MAX_GROUP_DEPTH) {
          throw malformed("groups nested deeper than " + MAX_GROUP_DEPTH + " levels", tagPosition);
        }
        openGroups[depth++] = fieldNumber(tag);
      } else if (wireType(tag) == END_GROUP) {
        if (fieldNumber(tag) != openGroups[--depth]) {
          throw malformed("end-group tag of another group", tagPosition);
        }
      } else {
        skipField(tag);
      }
    }
  }

  private int readLength() {
    int lengthPosition = position;
    long length = readVarint();
    if (length < 0 || length > limit - position) {
      throw malformed(
          "length " + length + " beyond the " + (limit - position) + " bytes left", lengthPosition);
    }
    return (int) length;
  }

  private void require(int count, String problem) {
    if (limit - position < count) {
      throw malformed(problem, position);
    }
  }

  private void skip(int count, String problem) {
    require(count, problem);
    position += count;
  }

  private static IllegalArgumentException malformed(String problem, int position) {
    return new IllegalArgumentException("Malformed protobuf: " + problem + " at byte " + position);
  }
}
