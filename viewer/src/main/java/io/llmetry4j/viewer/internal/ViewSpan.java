package io.llmetry4j.viewer.internal;

import java.util.List;
import java.util.Map;
import javax.annotation.Nullable;

/**
 * A finished span as the viewer keeps it, whatever it came from (the SDK's {@code SpanData}, an
 * OTLP protobuf or JSON request, a Collector file): ids as lowercase hex, times as epoch
 * nanoseconds, attribute values as {@code String}, {@code Long}, {@code Double}, {@code Boolean} or
 * a {@code List} of those.
 *
 * <p>Not public API.
 */
public record ViewSpan(
    String traceId,
    String spanId,
    @Nullable String parentSpanId,
    String name,
    String kind,
    long startEpochNanos,
    long endEpochNanos,
    String statusCode,
    String statusMessage,
    String serviceName,
    String scopeName,
    Map<String, Object> attributes,
    List<Event> events) {

  /** Span kinds as the page shows them. */
  public static final List<String> KINDS =
      List.of("INTERNAL", "SERVER", "CLIENT", "PRODUCER", "CONSUMER");

  /** {@code statusCode} values. */
  public static final String UNSET = "UNSET";

  public static final String OK = "OK";
  public static final String ERROR = "ERROR";

  /** A span event: name, time, attributes (same value types as the span's). */
  public record Event(String name, long epochNanos, Map<String, Object> attributes) {}

  /** The span's string attribute {@code key}, or null. */
  @Nullable
  public String stringAttribute(String key) {
    Object value = attributes.get(key);
    return value instanceof String ? (String) value : null;
  }

  /** The span's integer attribute {@code key}, or null. */
  @Nullable
  public Long longAttribute(String key) {
    Object value = attributes.get(key);
    return value instanceof Long ? (Long) value : null;
  }
}
