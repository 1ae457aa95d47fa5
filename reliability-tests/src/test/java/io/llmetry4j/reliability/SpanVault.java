package io.llmetry4j.reliability;

import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.List;

/**
 * Text of every span this suite exported with content capture off (attributes, events, names), for
 * the final privacy scan.
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
    for (Span span : exported) {
      text.append(span.getName());
      for (KeyValue kv : span.getAttributesList()) {
        text.append(kv.getKey()).append('=').append(kv.getValue()).append(';');
      }
      span.getEventsList().forEach(e -> text.append(e.toString()));
      text.append('\n');
      spans++;
    }
  }

  static String text() {
    return text.toString();
  }

  static int spans() {
    return spans;
  }
}
