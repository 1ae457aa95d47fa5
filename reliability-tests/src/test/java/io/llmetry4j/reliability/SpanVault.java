package io.llmetry4j.reliability;

import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.List;

/**
 * Text of every span the other tests of this suite exported with content capture off (attributes,
 * events, names), for the additional suite-wide part of {@link PrivacyScanTest}.
 */
final class SpanVault {
  private static final StringBuffer text = new StringBuffer();
  private static volatile int spans;

  private SpanVault() {}

  static void addSdkSpans(List<SpanData> exported) {
    for (SpanData span : exported) {
      text.append(span.getName())
          .append(span.getAttributes())
          .append(span.getEvents())
          .append('\n');
      spans++;
    }
  }

  static void addWireSpans(List<Span> exported) {
    text.append(wireText(exported));
    spans += exported.size();
  }

  /** Names, attributes and events of spans as a receiver got them, one span a line. */
  static String wireText(List<Span> exported) {
    StringBuilder wire = new StringBuilder();
    for (Span span : exported) {
      wire.append(span.getName());
      for (KeyValue kv : span.getAttributesList()) {
        wire.append(kv.getKey()).append('=').append(kv.getValue()).append(';');
      }
      span.getEventsList().forEach(e -> wire.append(e.toString()));
      wire.append('\n');
    }
    return wire.toString();
  }

  static String text() {
    return text.toString();
  }

  static int spans() {
    return spans;
  }
}
