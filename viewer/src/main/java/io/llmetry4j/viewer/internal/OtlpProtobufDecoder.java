package io.llmetry4j.viewer.internal;

import static io.llmetry4j.viewer.internal.ProtoReader.FIXED64;
import static io.llmetry4j.viewer.internal.ProtoReader.LENGTH_DELIMITED;
import static io.llmetry4j.viewer.internal.ProtoReader.VARINT;

import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.annotation.Nullable;

/**
 * Decodes an OTLP/protobuf {@code ExportTraceServiceRequest} (the body of an OTLP/HTTP {@code
 * application/x-protobuf} request) to {@link ViewSpan}s.
 *
 * <p>It reads the wire format with {@link ProtoReader}, by hand, because llmetry4j must not put
 * protobuf-java on the application's classpath. Field numbers are those of opentelemetry-proto's
 * {@code collector/trace/v1/trace_service.proto}, {@code trace/v1/trace.proto}, {@code
 * common/v1/common.proto} and {@code resource/v1/resource.proto}. Unknown fields, and known fields
 * with an unexpected wire type, are skipped as protobuf's own parsers skip them. Links, trace
 * state, flags, schema URLs, scope versions and dropped counts are not kept.
 *
 * <p>Malformed input fails with an {@link IllegalArgumentException}, so does a span whose trace or
 * span id is not 16 or 8 bytes, or a parent span id that is neither empty nor 8 bytes.
 *
 * <p>Not public API.
 */
public final class OtlpProtobufDecoder {

  /**
   * How deeply an attribute's value may nest arrays and key-value lists. Nothing that OpenTelemetry
   * records comes near it; it keeps the decoder's recursion far from the thread's stack, and the
   * JSON text of a key-value list (see {@link OtlpValues#toJson}) within the writer's depth. About
   * what OTLP/JSON reaches within {@link JsonReader#MAX_DEPTH}.
   */
  static final int MAX_VALUE_DEPTH = 16;

  // Tags (field number and wire type) of the fields read; any other tag is skipped.

  // ExportTraceServiceRequest
  private static final int REQUEST_RESOURCE_SPANS = 1 << 3 | LENGTH_DELIMITED;
  // ResourceSpans
  private static final int RESOURCE_SPANS_RESOURCE = 1 << 3 | LENGTH_DELIMITED;
  private static final int RESOURCE_SPANS_SCOPE_SPANS = 2 << 3 | LENGTH_DELIMITED;

  /**
   * {@code instrumentation_library_spans}, which opentelemetry-proto 0.15 to 0.19 moved here while
   * field 2 became {@code scope_spans}; the message is wire-compatible with {@code ScopeSpans}.
   */
  private static final int RESOURCE_SPANS_INSTRUMENTATION_LIBRARY_SPANS =
      1000 << 3 | LENGTH_DELIMITED;

  // Resource
  private static final int RESOURCE_ATTRIBUTES = 1 << 3 | LENGTH_DELIMITED;
  // ScopeSpans (and InstrumentationLibrarySpans)
  private static final int SCOPE_SPANS_SCOPE = 1 << 3 | LENGTH_DELIMITED;
  private static final int SCOPE_SPANS_SPANS = 2 << 3 | LENGTH_DELIMITED;
  // InstrumentationScope (and InstrumentationLibrary)
  private static final int SCOPE_NAME = 1 << 3 | LENGTH_DELIMITED;
  // Span
  private static final int SPAN_TRACE_ID = 1 << 3 | LENGTH_DELIMITED;
  private static final int SPAN_SPAN_ID = 2 << 3 | LENGTH_DELIMITED;
  private static final int SPAN_PARENT_SPAN_ID = 4 << 3 | LENGTH_DELIMITED;
  private static final int SPAN_NAME = 5 << 3 | LENGTH_DELIMITED;
  private static final int SPAN_KIND = 6 << 3 | VARINT;
  private static final int SPAN_START_TIME_UNIX_NANO = 7 << 3 | FIXED64;
  private static final int SPAN_END_TIME_UNIX_NANO = 8 << 3 | FIXED64;
  private static final int SPAN_ATTRIBUTES = 9 << 3 | LENGTH_DELIMITED;
  private static final int SPAN_EVENTS = 11 << 3 | LENGTH_DELIMITED;
  private static final int SPAN_STATUS = 15 << 3 | LENGTH_DELIMITED;
  // Span.Event
  private static final int EVENT_TIME_UNIX_NANO = 1 << 3 | FIXED64;
  private static final int EVENT_NAME = 2 << 3 | LENGTH_DELIMITED;
  private static final int EVENT_ATTRIBUTES = 3 << 3 | LENGTH_DELIMITED;
  // Status
  private static final int STATUS_MESSAGE = 2 << 3 | LENGTH_DELIMITED;
  private static final int STATUS_CODE = 3 << 3 | VARINT;
  // KeyValue
  private static final int KEY_VALUE_KEY = 1 << 3 | LENGTH_DELIMITED;
  private static final int KEY_VALUE_VALUE = 2 << 3 | LENGTH_DELIMITED;
  // AnyValue
  private static final int ANY_VALUE_STRING = 1 << 3 | LENGTH_DELIMITED;
  private static final int ANY_VALUE_BOOL = 2 << 3 | VARINT;
  private static final int ANY_VALUE_INT = 3 << 3 | VARINT;
  private static final int ANY_VALUE_DOUBLE = 4 << 3 | FIXED64;
  private static final int ANY_VALUE_ARRAY = 5 << 3 | LENGTH_DELIMITED;
  private static final int ANY_VALUE_KVLIST = 6 << 3 | LENGTH_DELIMITED;
  private static final int ANY_VALUE_BYTES = 7 << 3 | LENGTH_DELIMITED;
  // ArrayValue and KeyValueList
  private static final int VALUES = 1 << 3 | LENGTH_DELIMITED;

  private OtlpProtobufDecoder() {}

  /**
   * The spans of an {@code ExportTraceServiceRequest}, in request order.
   *
   * @throws IllegalArgumentException if {@code request} is not one
   */
  public static List<ViewSpan> decode(byte[] request) {
    List<ViewSpan> spans = new ArrayList<>();
    ProtoReader reader = new ProtoReader(request);
    while (reader.hasRemaining()) {
      int tag = reader.readTag();
      if (tag == REQUEST_RESOURCE_SPANS) {
        readResourceSpans(reader.readMessage(), spans);
      } else {
        reader.skipField(tag);
      }
    }
    return spans;
  }

  private static void readResourceSpans(ProtoReader resourceSpans, List<ViewSpan> spans) {
    // Protobuf fields may come in any order: the resource may follow its spans. The spans'
    // messages are kept as readers (no copy) and read once the service name is known.
    Map<String, Object> resourceAttributes = new LinkedHashMap<>();
    List<ProtoReader> scopeSpansList = new ArrayList<>();
    List<ProtoReader> instrumentationLibrarySpansList = new ArrayList<>();
    while (resourceSpans.hasRemaining()) {
      int tag = resourceSpans.readTag();
      switch (tag) {
        case RESOURCE_SPANS_RESOURCE:
          readResource(resourceSpans.readMessage(), resourceAttributes);
          break;
        case RESOURCE_SPANS_SCOPE_SPANS:
          scopeSpansList.add(resourceSpans.readMessage());
          break;
        case RESOURCE_SPANS_INSTRUMENTATION_LIBRARY_SPANS:
          instrumentationLibrarySpansList.add(resourceSpans.readMessage());
          break;
        default:
          resourceSpans.skipField(tag);
      }
    }
    String serviceName = OtlpValues.serviceName(resourceAttributes);
    // As opentelemetry-proto 0.15 to 0.19 told receivers: the old field only when the new is unset.
    for (ProtoReader scopeSpans :
        scopeSpansList.isEmpty() ? instrumentationLibrarySpansList : scopeSpansList) {
      readScopeSpans(scopeSpans, serviceName, spans);
    }
  }

  /** Adds the resource's attributes to {@code attributes}: a resource given twice is merged. */
  private static void readResource(ProtoReader resource, Map<String, Object> attributes) {
    while (resource.hasRemaining()) {
      int tag = resource.readTag();
      if (tag == RESOURCE_ATTRIBUTES) {
        readKeyValue(resource.readMessage(), attributes, 1);
      } else {
        resource.skipField(tag);
      }
    }
  }

  private static void readScopeSpans(
      ProtoReader scopeSpans, String serviceName, List<ViewSpan> spans) {
    String scopeName = "";
    List<ProtoReader> spanMessages = new ArrayList<>();
    while (scopeSpans.hasRemaining()) {
      int tag = scopeSpans.readTag();
      switch (tag) {
        case SCOPE_SPANS_SCOPE:
          scopeName = readScopeName(scopeSpans.readMessage(), scopeName);
          break;
        case SCOPE_SPANS_SPANS:
          spanMessages.add(scopeSpans.readMessage());
          break;
        default:
          scopeSpans.skipField(tag);
      }
    }
    for (ProtoReader span : spanMessages) {
      spans.add(readSpan(span, serviceName, scopeName));
    }
  }

  private static String readScopeName(ProtoReader scope, String otherwise) {
    String name = otherwise;
    while (scope.hasRemaining()) {
      int tag = scope.readTag();
      if (tag == SCOPE_NAME) {
        name = scope.readString();
      } else {
        scope.skipField(tag);
      }
    }
    return name;
  }

  private static ViewSpan readSpan(ProtoReader span, String serviceName, String scopeName) {
    byte[] traceId = new byte[0];
    byte[] spanId = new byte[0];
    byte[] parentSpanId = new byte[0];
    String name = "";
    long kind = 0;
    long startEpochNanos = 0;
    long endEpochNanos = 0;
    Map<String, Object> attributes = new LinkedHashMap<>();
    List<ViewSpan.Event> events = new ArrayList<>();
    String statusCode = ViewSpan.UNSET;
    String statusMessage = "";
    while (span.hasRemaining()) {
      int tag = span.readTag();
      switch (tag) {
        case SPAN_TRACE_ID:
          traceId = span.readBytes();
          break;
        case SPAN_SPAN_ID:
          spanId = span.readBytes();
          break;
        case SPAN_PARENT_SPAN_ID:
          parentSpanId = span.readBytes();
          break;
        case SPAN_NAME:
          name = span.readString();
          break;
        case SPAN_KIND:
          kind = span.readVarint();
          break;
        case SPAN_START_TIME_UNIX_NANO:
          startEpochNanos = span.readFixed64();
          break;
        case SPAN_END_TIME_UNIX_NANO:
          endEpochNanos = span.readFixed64();
          break;
        case SPAN_ATTRIBUTES:
          readKeyValue(span.readMessage(), attributes, 1);
          break;
        case SPAN_EVENTS:
          events.add(readEvent(span.readMessage()));
          break;
        case SPAN_STATUS:
          {
            // A message field given twice is merged field by field: the later status's fields win.
            ProtoReader status = span.readMessage();
            while (status.hasRemaining()) {
              int statusTag = status.readTag();
              if (statusTag == STATUS_CODE) {
                statusCode = OtlpValues.statusCode(status.readVarint());
              } else if (statusTag == STATUS_MESSAGE) {
                statusMessage = status.readString();
              } else {
                status.skipField(statusTag);
              }
            }
            break;
          }
        default:
          span.skipField(tag);
      }
    }
    return new ViewSpan(
        id(traceId, 16, "trace_id"),
        id(spanId, 8, "span_id"),
        parentSpanId(parentSpanId),
        name,
        OtlpValues.spanKind(kind),
        startEpochNanos,
        endEpochNanos,
        statusCode,
        statusMessage,
        serviceName,
        scopeName,
        OtlpValues.attributes(attributes),
        List.copyOf(events));
  }

  private static String id(byte[] id, int length, String field) {
    if (id.length != length) {
      throw new IllegalArgumentException(
          "Malformed OTLP span: " + field + " of " + id.length + " bytes, not " + length);
    }
    return OtlpValues.hex(id);
  }

  /** Null for a root span: an empty parent span id, or the all-zero (invalid) one. */
  @Nullable
  private static String parentSpanId(byte[] id) {
    if (id.length == 0) {
      return null;
    }
    String hex = id(id, 8, "parent_span_id");
    return hex.equals("0000000000000000") ? null : hex;
  }

  private static ViewSpan.Event readEvent(ProtoReader event) {
    String name = "";
    long epochNanos = 0;
    Map<String, Object> attributes = new LinkedHashMap<>();
    while (event.hasRemaining()) {
      int tag = event.readTag();
      switch (tag) {
        case EVENT_TIME_UNIX_NANO:
          epochNanos = event.readFixed64();
          break;
        case EVENT_NAME:
          name = event.readString();
          break;
        case EVENT_ATTRIBUTES:
          readKeyValue(event.readMessage(), attributes, 1);
          break;
        default:
          event.skipField(tag);
      }
    }
    return new ViewSpan.Event(name, epochNanos, OtlpValues.attributes(attributes));
  }

  /**
   * Reads a {@code KeyValue} into {@code keyValues}, its value as the plain tree that {@link
   * OtlpValues} describes. A repeated key keeps its last value.
   */
  private static void readKeyValue(ProtoReader keyValue, Map<String, Object> keyValues, int depth) {
    String key = "";
    Object value = "";
    while (keyValue.hasRemaining()) {
      int tag = keyValue.readTag();
      if (tag == KEY_VALUE_KEY) {
        key = keyValue.readString();
      } else if (tag == KEY_VALUE_VALUE) {
        value = readAnyValue(keyValue.readMessage(), depth);
      } else {
        keyValue.skipField(tag);
      }
    }
    keyValues.put(key, value);
  }

  /** An {@code AnyValue} as the plain tree that {@link OtlpValues} describes. */
  private static Object readAnyValue(ProtoReader anyValue, int depth) {
    if (depth > MAX_VALUE_DEPTH) {
      throw new IllegalArgumentException(
          "Malformed OTLP value: arrays and key-value lists nested deeper than "
              + MAX_VALUE_DEPTH
              + " levels");
    }
    // A oneof: when a request sets several of its fields, the last one on the wire wins; when it
    // sets none, the value is the empty string (see OtlpValues).
    Object value = "";
    while (anyValue.hasRemaining()) {
      int tag = anyValue.readTag();
      switch (tag) {
        case ANY_VALUE_STRING:
          value = anyValue.readString();
          break;
        case ANY_VALUE_BOOL:
          value = anyValue.readVarint() != 0;
          break;
        case ANY_VALUE_INT:
          value = anyValue.readVarint();
          break;
        case ANY_VALUE_DOUBLE:
          value = Double.longBitsToDouble(anyValue.readFixed64());
          break;
        case ANY_VALUE_ARRAY:
          value = readArrayValue(anyValue.readMessage(), depth);
          break;
        case ANY_VALUE_KVLIST:
          value = readKeyValueList(anyValue.readMessage(), depth);
          break;
        case ANY_VALUE_BYTES:
          value = Base64.getEncoder().encodeToString(anyValue.readBytes());
          break;
        default:
          anyValue.skipField(tag);
      }
    }
    return value;
  }

  private static List<Object> readArrayValue(ProtoReader arrayValue, int depth) {
    List<Object> values = new ArrayList<>();
    while (arrayValue.hasRemaining()) {
      int tag = arrayValue.readTag();
      if (tag == VALUES) {
        values.add(readAnyValue(arrayValue.readMessage(), depth + 1));
      } else {
        arrayValue.skipField(tag);
      }
    }
    return values;
  }

  private static Map<String, Object> readKeyValueList(ProtoReader keyValueList, int depth) {
    Map<String, Object> values = new LinkedHashMap<>();
    while (keyValueList.hasRemaining()) {
      int tag = keyValueList.readTag();
      if (tag == VALUES) {
        readKeyValue(keyValueList.readMessage(), values, depth + 1);
      } else {
        keyValueList.skipField(tag);
      }
    }
    return values;
  }
}
