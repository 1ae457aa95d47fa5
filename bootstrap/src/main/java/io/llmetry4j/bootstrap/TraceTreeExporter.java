package io.llmetry4j.bootstrap;

import io.llmetry4j.core.internal.SemconvAttributes;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The embedded default exporter: prints each finished trace as an indented tree, so that traces are
 * seen without any backend. A trace is printed when its local root ends; what is still pending is
 * printed on flush and shutdown. Content attributes are never printed: this is a log.
 */
final class TraceTreeExporter implements SpanExporter {

  /** Spans held while waiting for their roots; past it the oldest trace is printed as it is. */
  static final int MAX_PENDING_SPANS = 10_000;

  private static final Set<String> SHOWN_PREFIXES = Set.of("gen_ai.", "db.", "server.", "error.");
  private static final Set<String> CONTENT_KEYS =
      Set.of(
          SemconvAttributes.GEN_AI_INPUT_MESSAGES.getKey(),
          SemconvAttributes.GEN_AI_OUTPUT_MESSAGES.getKey(),
          SemconvAttributes.GEN_AI_SYSTEM_INSTRUCTIONS.getKey(),
          SemconvAttributes.GEN_AI_TOOL_DEFINITIONS.getKey(),
          SemconvAttributes.GEN_AI_TOOL_CALL_ARGUMENTS.getKey(),
          SemconvAttributes.GEN_AI_TOOL_CALL_RESULT.getKey(),
          SemconvAttributes.GEN_AI_RETRIEVAL_DOCUMENTS.getKey(),
          SemconvAttributes.GEN_AI_RETRIEVAL_QUERY_TEXT.getKey(),
          SemconvAttributes.DB_QUERY_TEXT.getKey());
  // OpenLLMetry's indexed content keys: gen_ai.prompt.N.content, gen_ai.completion.N.content.
  private static final List<String> CONTENT_PREFIXES =
      List.of("gen_ai.prompt.", "gen_ai.completion.");

  private final PrintStream out;
  private final Map<String, List<SpanData>> pendingByTrace = new LinkedHashMap<>();
  private int pendingSpans;
  // Traces already printed (bounded): their late spans, ended after the root, print as a
  // continuation at once rather than waiting for shutdown.
  private final Set<String> printed =
      java.util.Collections.newSetFromMap(
          new LinkedHashMap<String, Boolean>() {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
              return size() > 1024;
            }
          });

  TraceTreeExporter(PrintStream out) {
    this.out = out;
  }

  @Override
  public synchronized CompletableResultCode export(Collection<SpanData> spans) {
    for (SpanData span : spans) {
      pendingByTrace.computeIfAbsent(span.getTraceId(), id -> new ArrayList<>()).add(span);
      pendingSpans++;
    }
    for (SpanData span : spans) {
      if ((isLocalRoot(span) || printed.contains(span.getTraceId()))
          && pendingByTrace.containsKey(span.getTraceId())) {
        printTrace(span.getTraceId());
      }
    }
    Iterator<String> oldest = pendingByTrace.keySet().iterator();
    while (pendingSpans > MAX_PENDING_SPANS && oldest.hasNext()) {
      String traceId = oldest.next();
      oldest.remove();
      print(traceId, removePending(traceId, pendingByTrace.get(traceId)));
    }
    return CompletableResultCode.ofSuccess();
  }

  @Override
  public synchronized CompletableResultCode flush() {
    for (String traceId : new ArrayList<>(pendingByTrace.keySet())) {
      printTrace(traceId);
    }
    out.flush();
    return CompletableResultCode.ofSuccess();
  }

  @Override
  public CompletableResultCode shutdown() {
    return flush();
  }

  private static boolean isLocalRoot(SpanData span) {
    SpanContext parent = span.getParentSpanContext();
    return !parent.isValid() || parent.isRemote();
  }

  private void printTrace(String traceId) {
    List<SpanData> spans = pendingByTrace.remove(traceId);
    print(traceId, removePending(traceId, spans));
  }

  private List<SpanData> removePending(String traceId, List<SpanData> spans) {
    pendingSpans -= spans.size();
    return spans;
  }

  private void print(String traceId, List<SpanData> spans) {
    StringBuilder text = new StringBuilder();
    format(printed.contains(traceId) ? traceId + " (continued)" : traceId, spans, text);
    printed.add(traceId);
    out.print(text);
    out.flush();
  }

  /** Appends the tree of one trace: a header line, then one line per span. */
  static void format(String traceId, List<SpanData> spans, StringBuilder text) {
    Set<String> ids = new HashSet<>();
    spans.forEach(s -> ids.add(s.getSpanId()));
    Map<String, List<SpanData>> children = new HashMap<>();
    List<SpanData> roots = new ArrayList<>();
    for (SpanData span : spans) {
      String parentId = span.getParentSpanContext().getSpanId();
      if (span.getParentSpanContext().isValid() && ids.contains(parentId)) {
        children.computeIfAbsent(parentId, id -> new ArrayList<>()).add(span);
      } else {
        roots.add(span);
      }
    }
    Comparator<SpanData> byStart = Comparator.comparingLong(SpanData::getStartEpochNanos);
    roots.sort(byStart);
    children.values().forEach(list -> list.sort(byStart));
    text.append("trace ").append(traceId).append('\n');
    for (SpanData root : roots) {
      appendSpan(root, "", "", children, text);
    }
  }

  private static void appendSpan(
      SpanData span,
      String linePrefix,
      String childPrefix,
      Map<String, List<SpanData>> children,
      StringBuilder text) {
    text.append(linePrefix).append(describe(span)).append('\n');
    List<SpanData> kids = children.getOrDefault(span.getSpanId(), List.of());
    for (int i = 0; i < kids.size(); i++) {
      boolean last = i == kids.size() - 1;
      appendSpan(
          kids.get(i),
          childPrefix + (last ? "└─ " : "├─ "),
          childPrefix + (last ? "   " : "│  "),
          children,
          text);
    }
  }

  static String describe(SpanData span) {
    StringBuilder line = new StringBuilder(span.getName());
    double millis = (span.getEndEpochNanos() - span.getStartEpochNanos()) / 1_000_000.0;
    line.append("  [").append(span.getKind()).append("] ");
    line.append(String.format(Locale.ROOT, "%.1f ms", millis));
    if (span.getStatus().getStatusCode() == StatusCode.ERROR) {
      line.append("  ERROR");
    }
    span.getAttributes()
        .forEach(
            (key, value) -> {
              if (isShown(key)) {
                line.append("  ").append(key.getKey()).append('=').append(value);
              }
            });
    return line.toString();
  }

  private static boolean isShown(AttributeKey<?> key) {
    String name = key.getKey();
    if (CONTENT_KEYS.contains(name) || CONTENT_PREFIXES.stream().anyMatch(name::startsWith)) {
      return false;
    }
    for (String prefix : SHOWN_PREFIXES) {
      if (name.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }
}
