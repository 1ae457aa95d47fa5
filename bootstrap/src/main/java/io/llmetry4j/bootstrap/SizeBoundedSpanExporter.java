package io.llmetry4j.bootstrap;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.annotation.Nullable;

/**
 * Splits each batch into export requests that an OTLP receiver with default limits accepts: gRPC
 * servers refuse messages over 4 MiB by default (the OpenTelemetry Collector among them), and a
 * batch of 512 spans that carry captured content easily exceeds that, losing every span of it. Each
 * span's encoded size is bounded from above (its strings in UTF-8 plus a generous per-field
 * overhead), and spans are sent in consecutive requests under {@link #DEFAULT_MAX_REQUEST_BYTES}; a
 * span larger than that on its own goes alone. The requests of one batch are sent one after another
 * on the exporter's thread, never on the application's.
 */
final class SizeBoundedSpanExporter implements SpanExporter {

  /** gRPC's default maximum inbound message size, less room for the resource and scopes. */
  static final long DEFAULT_MAX_REQUEST_BYTES = 4L * 1024 * 1024 - 64 * 1024;

  // Upper bounds of the protobuf framing of a span and of each of its fields.
  private static final int SPAN_OVERHEAD = 160;
  private static final int ATTRIBUTE_OVERHEAD = 24;
  private static final int EVENT_OVERHEAD = 32;
  private static final int LINK_OVERHEAD = 64;

  private final SpanExporter delegate;
  private final long maxRequestBytes;

  SizeBoundedSpanExporter(SpanExporter delegate, long maxRequestBytes) {
    this.delegate = delegate;
    this.maxRequestBytes = maxRequestBytes;
  }

  /** The exporter {@code exporter} splits for, or {@code exporter} itself. */
  @Nullable
  static SpanExporter unwrap(@Nullable SpanExporter exporter) {
    return exporter instanceof SizeBoundedSpanExporter
        ? ((SizeBoundedSpanExporter) exporter).delegate
        : exporter;
  }

  @Override
  public CompletableResultCode export(Collection<SpanData> spans) {
    List<SpanData> request = new ArrayList<>();
    long requestBytes = 0;
    List<CompletableResultCode> results = new ArrayList<>();
    for (SpanData span : spans) {
      long size = encodedSizeBound(span);
      if (!request.isEmpty() && requestBytes + size > maxRequestBytes) {
        results.add(delegate.export(request));
        request = new ArrayList<>();
        requestBytes = 0;
      }
      request.add(span);
      requestBytes += size;
    }
    if (!request.isEmpty()) {
      results.add(delegate.export(request));
    }
    return results.size() == 1 ? results.get(0) : CompletableResultCode.ofAll(results);
  }

  /** An upper bound of the span's size in an OTLP request. */
  static long encodedSizeBound(SpanData span) {
    long size = SPAN_OVERHEAD + utf8Length(span.getName());
    size += attributesSize(span.getAttributes());
    for (EventData event : span.getEvents()) {
      size += EVENT_OVERHEAD + utf8Length(event.getName()) + attributesSize(event.getAttributes());
    }
    for (LinkData link : span.getLinks()) {
      size += LINK_OVERHEAD + attributesSize(link.getAttributes());
    }
    size += utf8Length(span.getStatus().getDescription());
    size += utf8Length(span.getSpanContext().getTraceState().toString());
    return size;
  }

  private static long attributesSize(Attributes attributes) {
    long[] size = {0};
    attributes.forEach(
        (AttributeKey<?> key, Object value) ->
            size[0] += ATTRIBUTE_OVERHEAD + utf8Length(key.getKey()) + valueSize(value));
    return size[0];
  }

  private static long valueSize(Object value) {
    if (value instanceof String) {
      return utf8Length((String) value);
    }
    if (value instanceof List) {
      long size = 0;
      for (Object item : (List<?>) value) {
        size += 4 + valueSize(item);
      }
      return size;
    }
    return 10; // a varint, a fixed64 double or a bool
  }

  /** The exact UTF-8 length of {@code text} (a lone surrogate as the 3 bytes of its stand-in). */
  static long utf8Length(String text) {
    long length = text.length();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c >= 0x80) {
        // Two bytes up to U+07FF, three for the rest of the BMP; a surrogate pair is 4 for 2.
        length += c < 0x800 || Character.isSurrogate(c) ? 1 : 2;
      }
    }
    return length;
  }

  @Override
  public CompletableResultCode flush() {
    return delegate.flush();
  }

  @Override
  public CompletableResultCode shutdown() {
    return delegate.shutdown();
  }

  @Override
  public void close() {
    delegate.close();
  }

  @Override
  public String toString() {
    return "SizeBoundedSpanExporter{" + delegate + '}';
  }
}
