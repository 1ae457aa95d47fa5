package io.llmetry4j.viewer.internal;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The SDK's {@link SpanData} as the viewer keeps it.
 *
 * <p>Not public API.
 */
public final class SpanDataViews {

  private static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");

  private SpanDataViews() {}

  public static List<ViewSpan> of(java.util.Collection<SpanData> spans) {
    List<ViewSpan> views = new ArrayList<>(spans.size());
    for (SpanData span : spans) {
      views.add(of(span));
    }
    return views;
  }

  static ViewSpan of(SpanData span) {
    String service = span.getResource().getAttribute(SERVICE_NAME);
    List<ViewSpan.Event> events = new ArrayList<>(span.getEvents().size());
    for (EventData event : span.getEvents()) {
      events.add(
          new ViewSpan.Event(
              event.getName(), event.getEpochNanos(), attributes(event.getAttributes())));
    }
    return new ViewSpan(
        span.getTraceId(),
        span.getSpanId(),
        span.getParentSpanContext().isValid() ? span.getParentSpanId() : null,
        span.getName(),
        span.getKind().name(),
        span.getStartEpochNanos(),
        span.getEndEpochNanos(),
        span.getStatus().getStatusCode().name(),
        span.getStatus().getDescription(),
        service == null ? "" : service,
        span.getInstrumentationScopeInfo().getName(),
        attributes(span.getAttributes()),
        events);
  }

  private static Map<String, Object> attributes(Attributes attributes) {
    Map<String, Object> values = new LinkedHashMap<>();
    attributes.forEach(
        (key, value) -> {
          Object kept = value;
          if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
            kept = ((Number) value).longValue();
          } else if (value instanceof List) {
            kept = List.copyOf((List<?>) value);
          }
          values.put(key.getKey(), kept);
        });
    return values;
  }
}
