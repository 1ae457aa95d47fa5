package io.llmetry4j.viewer.internal;

import io.llmetry4j.core.internal.JsonWriter;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * OTLP's enums and {@code AnyValue}s as a {@link ViewSpan} holds them; shared by the protobuf and
 * the JSON decoder so that both formats give the same span.
 *
 * <p>Both decoders first read an {@code AnyValue} to a plain tree: {@code String}, {@code Long},
 * {@code Double}, {@code Boolean}, a {@code List} for an {@code arrayValue}, a {@code Map} (in wire
 * order) for a {@code kvlistValue}, and the standard Base64 text of a {@code bytesValue}. {@link
 * #attributeValue} turns that tree into an attribute value.
 *
 * <p>An empty {@code AnyValue} (none of its fields set) is read as the empty string: that is how
 * OpenTelemetry Java's marshaler wrote an empty string attribute up to 1.55 at least (proto3 leaves
 * a field at its default out), while a value left empty on purpose is rare in span attributes.
 *
 * <p>Not public API.
 */
final class OtlpValues {

  private static final String SERVICE_NAME = "service.name";

  private static final char[] HEX_DIGITS = "0123456789abcdef".toCharArray();

  private OtlpValues() {}

  /**
   * {@code SpanKind}'s number as a {@link ViewSpan#KINDS} entry; unspecified and unknown ones are
   * INTERNAL.
   */
  static String spanKind(long number) {
    // SPAN_KIND_INTERNAL = 1 … SPAN_KIND_CONSUMER = 5, in the order of ViewSpan.KINDS. OTLP lets a
    // receiver read SPAN_KIND_UNSPECIFIED (0) as INTERNAL; a number from a newer proto is read so
    // too rather than refusing the whole request.
    if (number >= 1 && number <= ViewSpan.KINDS.size()) {
      return ViewSpan.KINDS.get((int) number - 1);
    }
    return "INTERNAL";
  }

  /**
   * {@code Status.StatusCode}'s number as a {@link ViewSpan} status code; unknown ones are UNSET.
   */
  static String statusCode(long number) {
    if (number == 1) {
      return ViewSpan.OK;
    }
    if (number == 2) {
      return ViewSpan.ERROR;
    }
    return ViewSpan.UNSET;
  }

  /** Lowercase hex of an id's bytes. */
  static String hex(byte[] id) {
    char[] digits = new char[id.length * 2];
    for (int i = 0; i < id.length; i++) {
      digits[2 * i] = HEX_DIGITS[(id[i] >> 4) & 0xf];
      digits[2 * i + 1] = HEX_DIGITS[id[i] & 0xf];
    }
    return new String(digits);
  }

  /** Decoded attributes as a {@link ViewSpan}'s, each value as {@link #attributeValue} gives it. */
  static Map<String, Object> attributes(Map<String, Object> decoded) {
    Map<String, Object> attributes = new LinkedHashMap<>();
    for (Map.Entry<String, Object> entry : decoded.entrySet()) {
      attributes.put(entry.getKey(), attributeValue(entry.getValue()));
    }
    return Collections.unmodifiableMap(attributes);
  }

  /** The {@code service.name} among a resource's decoded attributes, or the empty string. */
  static String serviceName(Map<String, Object> resourceAttributes) {
    Object serviceName = resourceAttributes.get(SERVICE_NAME);
    return serviceName == null ? "" : attributeValue(serviceName).toString();
  }

  /**
   * A decoded {@code AnyValue} as a {@link ViewSpan} attribute value: a scalar as it is, an array
   * of scalars as an unmodifiable {@code List}, and anything richer (a key-value list, an array
   * holding an array or a key-value list) as its JSON text, which the page can show as it is.
   */
  static Object attributeValue(Object decoded) {
    if (decoded instanceof Map) {
      return toJson(decoded);
    }
    if (decoded instanceof List) {
      List<?> values = (List<?>) decoded;
      for (Object value : values) {
        if (!isScalar(value)) {
          return toJson(decoded);
        }
      }
      return List.copyOf(values);
    }
    return decoded;
  }

  private static boolean isScalar(Object value) {
    return value instanceof String
        || value instanceof Long
        || value instanceof Double
        || value instanceof Boolean;
  }

  /**
   * The JSON text of a decoded {@code AnyValue}. Non-finite doubles are written as the strings
   * {@code "NaN"}, {@code "Infinity"} and {@code "-Infinity"}, as OTLP/JSON writes them. The
   * decoders bound the nesting well below what {@link JsonWriter} allows.
   */
  static String toJson(Object decoded) {
    JsonWriter json = new JsonWriter(64);
    write(json, decoded);
    return json.toString();
  }

  private static void write(JsonWriter json, Object value) {
    if (value instanceof String) {
      json.value((String) value);
    } else if (value instanceof Long) {
      json.value((long) (Long) value);
    } else if (value instanceof Double) {
      double number = (Double) value;
      if (Double.isFinite(number)) {
        json.value(number);
      } else {
        json.value(Double.toString(number));
      }
    } else if (value instanceof Boolean) {
      json.rawValue(value.toString());
    } else if (value instanceof List) {
      json.beginArray();
      for (Object element : (List<?>) value) {
        write(json, element);
      }
      json.endArray();
    } else {
      json.beginObject();
      for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
        json.escapedName((String) entry.getKey());
        write(json, entry.getValue());
      }
      json.endObject();
    }
  }
}
