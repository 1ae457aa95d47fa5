package io.llmetry4j.viewer.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.annotation.Nullable;

/**
 * Decodes an OTLP/JSON {@code ExportTraceServiceRequest} (the body of an OTLP/HTTP {@code
 * application/json} request), or a file of them as the OpenTelemetry Collector's file exporter
 * writes it, to {@link ViewSpan}s.
 *
 * <p>It follows OTLP's JSON mapping of the protobuf messages (see {@link OtlpProtobufDecoder}):
 * field names in lowerCamelCase, or as the proto's snake_case names; trace and span ids as hex
 * (either case), not Base64; enums as numbers or as their names ({@code SPAN_KIND_CLIENT}, {@code
 * STATUS_CODE_ERROR}); 64-bit integers as strings or numbers; {@code null} as an absent field.
 * Unknown fields are ignored; so are {@code instrumentationLibrarySpans} and {@code
 * instrumentationLibrary}, the names before opentelemetry-proto 0.15, unless {@code scopeSpans} is
 * missing. A {@code bytesValue} is kept as standard Base64 text, as the protobuf decoder gives it.
 * Links, trace state, flags, schema URLs, scope versions and dropped counts are not kept.
 *
 * <p>Malformed input fails with an {@link IllegalArgumentException}, so does a field of the wrong
 * JSON type, an id of the wrong length, or an enum name that OTLP does not define.
 *
 * <p>Not public API.
 */
public final class OtlpJsonDecoder {

  private static final Map<String, String> KINDS_BY_NAME = kindsByName();
  private static final Map<String, String> STATUS_CODES_BY_NAME =
      Map.of(
          "STATUS_CODE_UNSET", ViewSpan.UNSET,
          "STATUS_CODE_OK", ViewSpan.OK,
          "STATUS_CODE_ERROR", ViewSpan.ERROR);

  private OtlpJsonDecoder() {}

  private static Map<String, String> kindsByName() {
    Map<String, String> kinds = new LinkedHashMap<>();
    kinds.put("SPAN_KIND_UNSPECIFIED", "INTERNAL");
    for (String kind : ViewSpan.KINDS) {
      kinds.put("SPAN_KIND_" + kind, kind);
    }
    return Map.copyOf(kinds);
  }

  /**
   * The spans of an {@code ExportTraceServiceRequest}, in request order.
   *
   * @throws IllegalArgumentException if {@code json} is not one
   */
  public static List<ViewSpan> decode(String json) {
    Object request = JsonReader.parse(json);
    if (!(request instanceof Map)) {
      throw malformed("the request is not a JSON object");
    }
    List<ViewSpan> spans = new ArrayList<>();
    for (Object resourceSpans : arrayMember(asObjectMap(request), "resourceSpans")) {
      readResourceSpans(asObject(resourceSpans, "resourceSpans"), spans);
    }
    return spans;
  }

  /**
   * The spans of an {@code ExportTraceServiceRequest} in UTF-8, in request order.
   *
   * @throws IllegalArgumentException if {@code utf8Json} is not one, or not UTF-8
   */
  public static List<ViewSpan> decode(byte[] utf8Json) {
    String json;
    try {
      json =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(utf8Json))
              .toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("Malformed JSON: not UTF-8", e);
    }
    return decode(json);
  }

  /**
   * The spans of a file that holds one {@code ExportTraceServiceRequest} a line, as the Collector's
   * file exporter writes it (with {@code format: json}, uncompressed), in file order. Blank lines
   * are skipped, and so are lines of metrics, logs or profiles: their fields are unknown to a trace
   * request, so they hold no spans.
   *
   * @throws IllegalArgumentException if a line is malformed; the message names its line number
   * @throws IOException if {@code lines} fails
   */
  public static List<ViewSpan> decodeJsonLines(Reader lines) throws IOException {
    BufferedReader reader =
        lines instanceof BufferedReader ? (BufferedReader) lines : new BufferedReader(lines);
    List<ViewSpan> spans = new ArrayList<>();
    int lineNumber = 0;
    for (String line = reader.readLine(); line != null; line = reader.readLine()) {
      lineNumber++;
      if (line.isBlank()) {
        continue;
      }
      try {
        spans.addAll(decode(line));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("Line " + lineNumber + ": " + e.getMessage(), e);
      }
    }
    return spans;
  }

  private static void readResourceSpans(Map<String, Object> resourceSpans, List<ViewSpan> spans) {
    Map<String, Object> resource = objectMember(resourceSpans, "resource");
    String serviceName = resource == null ? "" : OtlpValues.serviceName(readAttributes(resource));
    List<Object> scopeSpansList = arrayMember(resourceSpans, "scopeSpans");
    if (scopeSpansList.isEmpty()) {
      scopeSpansList = arrayMember(resourceSpans, "instrumentationLibrarySpans");
    }
    for (Object element : scopeSpansList) {
      Map<String, Object> scopeSpans = asObject(element, "scopeSpans");
      Map<String, Object> scope = objectMember(scopeSpans, "scope");
      if (scope == null) {
        scope = objectMember(scopeSpans, "instrumentationLibrary");
      }
      String scopeName = scope == null ? "" : stringMember(scope, "name");
      for (Object span : arrayMember(scopeSpans, "spans")) {
        spans.add(readSpan(asObject(span, "spans"), serviceName, scopeName));
      }
    }
  }

  private static ViewSpan readSpan(Map<String, Object> span, String serviceName, String scopeName) {
    String statusCode = ViewSpan.UNSET;
    String statusMessage = "";
    Map<String, Object> status = objectMember(span, "status");
    if (status != null) {
      statusCode = statusCode(member(status, "code"));
      statusMessage = stringMember(status, "message");
    }
    List<ViewSpan.Event> events = new ArrayList<>();
    for (Object element : arrayMember(span, "events")) {
      Map<String, Object> event = asObject(element, "events");
      events.add(
          new ViewSpan.Event(
              stringMember(event, "name"),
              unsignedLongMember(event, "timeUnixNano"),
              OtlpValues.attributes(readAttributes(event))));
    }
    return new ViewSpan(
        id(span, "traceId", 32),
        id(span, "spanId", 16),
        parentSpanId(span),
        stringMember(span, "name"),
        spanKind(member(span, "kind")),
        unsignedLongMember(span, "startTimeUnixNano"),
        unsignedLongMember(span, "endTimeUnixNano"),
        statusCode,
        statusMessage,
        serviceName,
        scopeName,
        OtlpValues.attributes(readAttributes(span)),
        List.copyOf(events));
  }

  private static String id(Map<String, Object> span, String field, int hexDigits) {
    String id = stringMember(span, field);
    if (id.length() != hexDigits) {
      throw malformed(
          field + " of " + id.length() + " characters, not " + hexDigits + " hex digits");
    }
    for (int i = 0; i < id.length(); i++) {
      if (JsonReader.hexDigit(id.charAt(i)) < 0) {
        throw malformed(field + " is not hex: " + shown(id));
      }
    }
    return id.toLowerCase(Locale.ROOT);
  }

  /** Null for a root span: no parent span id, an empty one, or the all-zero (invalid) one. */
  @Nullable
  private static String parentSpanId(Map<String, Object> span) {
    if (stringMember(span, "parentSpanId").isEmpty()) {
      return null;
    }
    String id = id(span, "parentSpanId", 16);
    return id.equals("0000000000000000") ? null : id;
  }

  private static String spanKind(@Nullable Object kind) {
    if (kind == null) {
      return "INTERNAL";
    }
    if (kind instanceof Long) {
      return OtlpValues.spanKind((Long) kind);
    }
    String name = kind instanceof String ? KINDS_BY_NAME.get(kind) : null;
    if (name == null) {
      throw malformed("kind is not a SpanKind: " + shown(kind));
    }
    return name;
  }

  private static String statusCode(@Nullable Object code) {
    if (code == null) {
      return ViewSpan.UNSET;
    }
    if (code instanceof Long) {
      return OtlpValues.statusCode((Long) code);
    }
    String name = code instanceof String ? STATUS_CODES_BY_NAME.get(code) : null;
    if (name == null) {
      throw malformed("status code is not a StatusCode: " + shown(code));
    }
    return name;
  }

  /**
   * The {@code attributes} of a resource, span or event, decoded as {@link OtlpValues} describes.
   */
  private static Map<String, Object> readAttributes(Map<String, Object> owner) {
    return readKeyValues(arrayMember(owner, "attributes"), "attributes");
  }

  /** {@code KeyValue}s as a map; a repeated key keeps its last value. */
  private static Map<String, Object> readKeyValues(List<Object> keyValues, String field) {
    Map<String, Object> decoded = new LinkedHashMap<>();
    for (Object element : keyValues) {
      Map<String, Object> keyValue = asObject(element, field);
      decoded.put(stringMember(keyValue, "key"), readAnyValue(objectMember(keyValue, "value")));
    }
    return decoded;
  }

  /**
   * An {@code AnyValue} as the plain tree that {@link OtlpValues} describes, the empty string when
   * it is empty or absent. Its recursion is bounded by {@link JsonReader#MAX_DEPTH}.
   */
  private static Object readAnyValue(@Nullable Map<String, Object> anyValue) {
    if (anyValue == null) {
      return "";
    }
    Object value;
    if ((value = member(anyValue, "stringValue")) != null) {
      if (!(value instanceof String)) {
        throw malformed("stringValue is not a string: " + shown(value));
      }
      return value;
    }
    if ((value = member(anyValue, "boolValue")) != null) {
      if (!(value instanceof Boolean)) {
        throw malformed("boolValue is not true or false: " + shown(value));
      }
      return value;
    }
    if ((value = member(anyValue, "intValue")) != null) {
      return signedLong(value, "intValue");
    }
    if ((value = member(anyValue, "doubleValue")) != null) {
      return doubleValue(value);
    }
    Map<String, Object> array = objectMember(anyValue, "arrayValue");
    if (array != null) {
      List<Object> values = new ArrayList<>();
      for (Object element : arrayMember(array, "values")) {
        values.add(readAnyValue(asObject(element, "values")));
      }
      return values;
    }
    Map<String, Object> keyValueList = objectMember(anyValue, "kvlistValue");
    if (keyValueList != null) {
      return readKeyValues(arrayMember(keyValueList, "values"), "values");
    }
    if ((value = member(anyValue, "bytesValue")) != null) {
      return bytesValue(value);
    }
    return "";
  }

  private static long signedLong(Object value, String field) {
    if (value instanceof Long) {
      return (Long) value;
    }
    if (value instanceof String) {
      try {
        return Long.parseLong((String) value);
      } catch (NumberFormatException e) {
        throw malformed(field + " is not a 64-bit integer: " + shown(value));
      }
    }
    if (value instanceof Double && isLong((Double) value)) {
      return ((Double) value).longValue();
    }
    throw malformed(field + " is not a 64-bit integer: " + shown(value));
  }

  /**
   * A {@code fixed64} time: nanoseconds since the epoch, which OTLP declares unsigned; one past
   * {@code Long.MAX_VALUE} (the year 2262) wraps around as protobuf's Java code wraps it.
   */
  private static long unsignedLongMember(Map<String, Object> owner, String field) {
    Object value = member(owner, field);
    if (value == null) {
      return 0;
    }
    if (value instanceof Long && (Long) value >= 0) {
      return (Long) value;
    }
    if (value instanceof String) {
      try {
        return Long.parseUnsignedLong((String) value);
      } catch (NumberFormatException e) {
        throw malformed(field + " is not an unsigned 64-bit integer: " + shown(value));
      }
    }
    if (value instanceof Double && isLong((Double) value) && (Double) value >= 0) {
      return ((Double) value).longValue();
    }
    throw malformed(field + " is not an unsigned 64-bit integer: " + shown(value));
  }

  /** Whether a JSON number read as a double (it had a fraction or an exponent) is a long. */
  private static boolean isLong(double value) {
    return value == Math.rint(value) && value >= -0x1p63 && value < 0x1p63;
  }

  private static double doubleValue(Object value) {
    if (value instanceof Number) {
      return ((Number) value).doubleValue();
    }
    if (value instanceof String) {
      String text = (String) value;
      switch (text) {
        case "NaN":
          return Double.NaN;
        case "Infinity":
          return Double.POSITIVE_INFINITY;
        case "-Infinity":
          return Double.NEGATIVE_INFINITY;
        default:
          // Protobuf's JSON mapping accepts a number in a string too; read with JSON's grammar,
          // which Double.parseDouble would stretch (hex, a trailing 'd', surrounding blanks).
          try {
            Object number = JsonReader.parse(text);
            if (number instanceof Number && text.equals(text.strip())) {
              return ((Number) number).doubleValue();
            }
          } catch (IllegalArgumentException notJsonNumber) {
            // Reported below.
          }
      }
    }
    throw malformed("doubleValue is not a number: " + shown(value));
  }

  /** Standard Base64 text, whichever alphabet and padding the request used (JSON allows both). */
  private static String bytesValue(Object value) {
    if (value instanceof String) {
      String text = (String) value;
      try {
        byte[] bytes = Base64.getDecoder().decode(text.replace('-', '+').replace('_', '/'));
        return Base64.getEncoder().encodeToString(bytes);
      } catch (IllegalArgumentException notBase64) {
        // Reported below.
      }
    }
    throw malformed("bytesValue is not Base64: " + shown(value));
  }

  /**
   * A member of a JSON object by its lowerCamelCase name or, failing that, by the proto field's
   * snake_case name; null when absent or JSON null (protobuf's JSON mapping reads both as unset).
   */
  @Nullable
  private static Object member(Map<String, Object> object, String jsonName) {
    Object value = object.get(jsonName);
    return value != null ? value : object.get(snakeCase(jsonName));
  }

  private static String snakeCase(String lowerCamelCase) {
    StringBuilder name = new StringBuilder(lowerCamelCase.length() + 4);
    for (int i = 0; i < lowerCamelCase.length(); i++) {
      char c = lowerCamelCase.charAt(i);
      if (c >= 'A' && c <= 'Z') {
        name.append('_').append((char) (c - 'A' + 'a'));
      } else {
        name.append(c);
      }
    }
    return name.toString();
  }

  private static String stringMember(Map<String, Object> object, String field) {
    Object value = member(object, field);
    if (value == null) {
      return "";
    }
    if (!(value instanceof String)) {
      throw malformed(field + " is not a string: " + shown(value));
    }
    return (String) value;
  }

  @Nullable
  private static Map<String, Object> objectMember(Map<String, Object> object, String field) {
    Object value = member(object, field);
    return value == null ? null : asObject(value, field);
  }

  private static List<Object> arrayMember(Map<String, Object> object, String field) {
    Object value = member(object, field);
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof List)) {
      throw malformed(field + " is not an array");
    }
    @SuppressWarnings("unchecked") // JsonReader's arrays are List<Object>
    List<Object> array = (List<Object>) value;
    return array;
  }

  private static Map<String, Object> asObject(@Nullable Object value, String field) {
    if (!(value instanceof Map)) {
      throw malformed(field + " holds " + shown(value) + ", not an object");
    }
    return asObjectMap(value);
  }

  @SuppressWarnings("unchecked") // JsonReader's objects are Map<String, Object>
  private static Map<String, Object> asObjectMap(Object value) {
    return (Map<String, Object>) value;
  }

  /** A value for an error message: a string quoted and cut short, else its JSON type. */
  private static String shown(@Nullable Object value) {
    if (value instanceof String) {
      String text = (String) value;
      return '"' + (text.length() > 40 ? text.substring(0, 40) + "..." : text) + '"';
    }
    if (value instanceof Map) {
      return "an object";
    }
    if (value instanceof List) {
      return "an array";
    }
    return String.valueOf(value);
  }

  private static IllegalArgumentException malformed(String problem) {
    return new IllegalArgumentException("Malformed OTLP JSON: " + problem);
  }
}
