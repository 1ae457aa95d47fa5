package io.llmetry4j.rag;

import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/** Renders the spans of one trace as an indented tree of names, children in start order. */
final class SpanTree {
  private SpanTree() {}

  static String render(List<SpanData> spans) {
    List<String> lines = new ArrayList<>();
    spans.stream()
        .filter(s -> spans.stream().noneMatch(p -> p.getSpanId().equals(s.getParentSpanId())))
        .sorted(Comparator.comparingLong(SpanData::getStartEpochNanos))
        .forEach(root -> append(root, spans, "", lines));
    return String.join("\n", lines);
  }

  private static void append(SpanData span, List<SpanData> all, String indent, List<String> lines) {
    lines.add(indent + span.getName());
    List<SpanData> children =
        all.stream()
            .filter(s -> s.getParentSpanId().equals(span.getSpanId()))
            .sorted(Comparator.comparingLong(SpanData::getStartEpochNanos))
            .collect(Collectors.toList());
    for (SpanData child : children) {
      append(child, all, indent + "  ", lines);
    }
  }
}
