package io.llmetry4j.examples;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the few fields the QuickStart test checks from an OTLP {@code ExportTraceServiceRequest}
 * (protobuf wire format, field numbers of opentelemetry-proto): span names, their attributes and
 * the resource attributes. Hand-written because this module must not carry a protobuf runtime:
 * Milvus's gRPC stack in the demo needs its own, older one.
 */
final class OtlpProtobufReader {

  record Field(int number, byte[] bytes) {}

  /** A decoded span: name and string attributes. */
  record SpanInfo(String name, Map<String, String> attributes) {}

  final List<SpanInfo> spans = new ArrayList<>();
  final Map<String, String> resource = new LinkedHashMap<>();

  static OtlpProtobufReader read(byte[] request) {
    OtlpProtobufReader reader = new OtlpProtobufReader();
    for (Field resourceSpans : fields(request)) { // ExportTraceServiceRequest.resource_spans = 1
      for (Field field : fields(resourceSpans.bytes())) {
        if (field.number() == 1) { // ResourceSpans.resource
          reader.resource.putAll(attributes(field.bytes(), 1));
        } else if (field.number() == 2) { // ResourceSpans.scope_spans
          for (Field scopeField : fields(field.bytes())) {
            if (scopeField.number() == 2) { // ScopeSpans.spans
              String name = "";
              for (Field spanField : fields(scopeField.bytes())) {
                if (spanField.number() == 5) { // Span.name
                  name = new String(spanField.bytes(), StandardCharsets.UTF_8);
                }
              }
              reader.spans.add(new SpanInfo(name, attributes(scopeField.bytes(), 9)));
            }
          }
        }
      }
    }
    return reader;
  }

  /** String-valued KeyValues at {@code fieldNumber} of a message (Resource: 1, Span: 9). */
  private static Map<String, String> attributes(byte[] message, int fieldNumber) {
    Map<String, String> attributes = new LinkedHashMap<>();
    for (Field field : fields(message)) {
      if (field.number() == fieldNumber) {
        String key = null;
        String value = null;
        for (Field kv : fields(field.bytes())) {
          if (kv.number() == 1) {
            key = new String(kv.bytes(), StandardCharsets.UTF_8);
          } else if (kv.number() == 2) {
            for (Field any : fields(kv.bytes())) {
              if (any.number() == 1) { // AnyValue.string_value
                value = new String(any.bytes(), StandardCharsets.UTF_8);
              }
            }
          }
        }
        if (key != null && value != null) {
          attributes.put(key, value);
        }
      }
    }
    return attributes;
  }

  /** The length-delimited fields of a message; other wire types are skipped. */
  static List<Field> fields(byte[] message) {
    List<Field> fields = new ArrayList<>();
    int[] pos = {0};
    while (pos[0] < message.length) {
      long tag = varint(message, pos);
      int number = (int) (tag >>> 3);
      switch ((int) (tag & 7)) {
        case 0 -> varint(message, pos);
        case 1 -> pos[0] += 8;
        case 5 -> pos[0] += 4;
        case 2 -> {
          int length = (int) varint(message, pos);
          byte[] bytes = new byte[length];
          System.arraycopy(message, pos[0], bytes, 0, length);
          pos[0] += length;
          fields.add(new Field(number, bytes));
        }
        default -> throw new IllegalArgumentException("unsupported wire type in " + tag);
      }
    }
    return fields;
  }

  private static long varint(byte[] bytes, int[] pos) {
    long value = 0;
    for (int shift = 0; ; shift += 7) {
      byte b = bytes[pos[0]++];
      value |= (long) (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        return value;
      }
    }
  }
}
