package io.llmetry4j.springtests;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.trace.v1.Span;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One trace as received over OTLP, rendered as an indented tree of {@code name [KIND]} lines,
 * children in start order: comparing the rendering asserts names, kinds and parents at once.
 */
final class TraceTree {

  private TraceTree() {}

  /** The spans of {@code traceId}, rendered; a span whose parent is not in the trace is a root. */
  static String render(List<Span> spans, ByteString traceId) {
    List<Span> trace =
        spans.stream()
            .filter(span -> span.getTraceId().equals(traceId))
            .sorted(Comparator.comparingLong(Span::getStartTimeUnixNano))
            .toList();
    Set<ByteString> ids = trace.stream().map(Span::getSpanId).collect(Collectors.toSet());
    Map<ByteString, List<Span>> children =
        trace.stream().collect(Collectors.groupingBy(Span::getParentSpanId));
    StringBuilder out = new StringBuilder();
    for (Span span : trace) {
      if (!ids.contains(span.getParentSpanId())) {
        append(out, span, children, 0);
      }
    }
    return out.toString();
  }

  private static void append(
      StringBuilder out, Span span, Map<ByteString, List<Span>> children, int depth) {
    out.append("  ".repeat(depth))
        .append(span.getName())
        .append(" [")
        .append(span.getKind().name().replace("SPAN_KIND_", ""))
        .append("]\n");
    for (Span child : children.getOrDefault(span.getSpanId(), new ArrayList<>())) {
      append(out, child, children, depth + 1);
    }
  }
}
