package io.llmetry4j.viewer.internal;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.annotation.Nullable;

/**
 * The viewer's finished spans, grouped by trace, bounded in traces and in estimated bytes: the
 * oldest trace (by first arrival) goes first, and every eviction is counted. One lock; an add costs
 * a map lookup and a few sums, so the exporter thread that calls it is never held long.
 *
 * <p>Byte estimates are deliberately high (two bytes per character, an object header and a map
 * entry per attribute), so that the heap the store really holds stays under {@code maxBytes}.
 *
 * <p>Not public API.
 */
public final class TraceStore {

  /** Operation names of the calls to a model, whose tokens a trace sums. */
  private static final Set<String> MODEL_CALLS =
      Set.of("chat", "text_completion", "generate_content", "embeddings");

  private final int maxTraces;
  private final long maxBytes;
  private final LinkedHashMap<String, Trace> traces = new LinkedHashMap<>();
  private long bytes;
  private long spans;
  private long evictedTraces;
  private long evictedSpans;
  private long version;

  public TraceStore(int maxTraces, long maxBytes) {
    if (maxTraces < 1) {
      throw new IllegalArgumentException("maxTraces must be at least 1");
    }
    if (maxBytes < 1) {
      throw new IllegalArgumentException("maxBytes must be at least 1");
    }
    this.maxTraces = maxTraces;
    this.maxBytes = maxBytes;
  }

  /** Keeps {@code added}, evicting the oldest traces while a bound is exceeded. */
  public synchronized void addAll(Collection<ViewSpan> added) {
    if (added.isEmpty()) {
      return;
    }
    for (ViewSpan span : added) {
      long size = estimatedBytes(span);
      if (size > maxBytes) {
        // One span larger than the whole store: never kept, counted as evicted.
        evictedSpans++;
        continue;
      }
      Trace trace = traces.get(span.traceId());
      if (trace == null) {
        trace = new Trace(span.traceId());
        traces.put(span.traceId(), trace);
      }
      trace.add(span, size);
      bytes += size;
      spans++;
    }
    evictWhileOverBounds();
    version++;
  }

  private void evictWhileOverBounds() {
    Iterator<Trace> oldestFirst = traces.values().iterator();
    while ((traces.size() > maxTraces || bytes > maxBytes) && oldestFirst.hasNext()) {
      Trace oldest = oldestFirst.next();
      oldestFirst.remove();
      bytes -= oldest.bytes;
      spans -= oldest.spans.size();
      evictedTraces++;
      evictedSpans += oldest.spans.size();
    }
  }

  /** Increments whenever the store changes: what the page polls for live updates. */
  public synchronized long version() {
    return version;
  }

  public synchronized Stats stats() {
    return new Stats(traces.size(), spans, bytes, maxTraces, maxBytes, evictedTraces, evictedSpans);
  }

  /** The traces matching {@code filter}, newest first, {@code limit} from {@code offset}. */
  public synchronized Page list(Filter filter, int offset, int limit) {
    List<Trace> all = new ArrayList<>(traces.values());
    List<TraceSummary> page = new ArrayList<>();
    // What every matching trace cost (a conversation's total when filtered on one), by currency.
    Map<String, Double> costs = new java.util.TreeMap<>();
    int matched = 0;
    for (int i = all.size() - 1; i >= 0; i--) {
      Trace trace = all.get(i);
      if (!filter.matches(trace)) {
        continue;
      }
      if (matched >= offset && page.size() < limit) {
        page.add(trace.summary());
      }
      trace.costs.forEach((currency, cost) -> costs.merge(currency, cost, Double::sum));
      matched++;
    }
    return new Page(
        matched,
        offset,
        version,
        page,
        costs.size() == 1 ? costs.values().iterator().next() : null,
        costs.size() == 1 ? costs.keySet().iterator().next() : null);
  }

  /**
   * The spans of trace {@code traceId} in start order, or null when it is not (or no longer) kept.
   */
  @Nullable
  public synchronized List<ViewSpan> trace(String traceId) {
    Trace trace = traces.get(traceId.toLowerCase(Locale.ROOT));
    if (trace == null) {
      return null;
    }
    List<ViewSpan> ordered = new ArrayList<>(trace.spans);
    ordered.sort((a, b) -> Long.compare(a.startEpochNanos(), b.startEpochNanos()));
    return ordered;
  }

  /** Every kept span that is a call to a model, for the per-model summary. */
  public synchronized List<ViewSpan> modelCalls() {
    List<ViewSpan> calls = new ArrayList<>();
    for (Trace trace : traces.values()) {
      for (ViewSpan span : trace.spans) {
        if (isModelCall(span)) {
          calls.add(span);
        }
      }
    }
    return calls;
  }

  /** Whether {@code span} is a call to a model (chat, completion, embeddings), in either form. */
  public static boolean isModelCall(ViewSpan span) {
    String operation = span.stringAttribute("gen_ai.operation.name");
    if (operation != null) {
      return MODEL_CALLS.contains(operation);
    }
    // OpenLLMetry's form.
    return span.stringAttribute("llm.request.type") != null;
  }

  /** The model a call names: the response's, else the request's. */
  @Nullable
  public static String modelOf(ViewSpan span) {
    String model = span.stringAttribute("gen_ai.response.model");
    return model != null ? model : span.stringAttribute("gen_ai.request.model");
  }

  /** Input tokens of a model call, in the conventions' or OpenLLMetry's older key. */
  public static long inputTokens(ViewSpan span) {
    Long tokens = span.longAttribute("gen_ai.usage.input_tokens");
    if (tokens == null) {
      tokens = span.longAttribute("gen_ai.usage.prompt_tokens");
    }
    return tokens == null ? 0 : tokens;
  }

  /** Output tokens of a model call, in the conventions' or OpenLLMetry's older key. */
  public static long outputTokens(ViewSpan span) {
    Long tokens = span.longAttribute("gen_ai.usage.output_tokens");
    if (tokens == null) {
      tokens = span.longAttribute("gen_ai.usage.completion_tokens");
    }
    return tokens == null ? 0 : tokens;
  }

  /** A high estimate of the heap {@code span} holds. */
  static long estimatedBytes(ViewSpan span) {
    long size = 256; // the record, its ids and its collections
    size += text(span.name()) + text(span.statusMessage());
    size += attributes(span.attributes());
    for (ViewSpan.Event event : span.events()) {
      size += 64 + text(event.name()) + attributes(event.attributes());
    }
    return size;
  }

  private static long attributes(Map<String, Object> attributes) {
    long size = 48;
    for (Map.Entry<String, Object> entry : attributes.entrySet()) {
      size += 48 + text(entry.getKey()) + value(entry.getValue());
    }
    return size;
  }

  private static long value(@Nullable Object value) {
    if (value instanceof String) {
      return text((String) value);
    }
    if (value instanceof List) {
      long size = 40;
      for (Object item : (List<?>) value) {
        size += 8 + value(item);
      }
      return size;
    }
    return 24;
  }

  private static long text(@Nullable String text) {
    return text == null ? 0 : 48 + 2L * text.length();
  }

  /** What the list shows of a trace. */
  public record TraceSummary(
      String traceId,
      long startEpochNanos,
      long endEpochNanos,
      String rootName,
      String service,
      int spanCount,
      List<String> models,
      long inputTokens,
      long outputTokens,
      int errorCount,
      @Nullable String conversationId,
      List<String> workflows,
      List<String> agents,
      @Nullable Double cost,
      @Nullable String currency) {}

  /** A page of the list. */
  public record Page(
      int total,
      int offset,
      long version,
      List<TraceSummary> traces,
      @Nullable Double cost,
      @Nullable String currency) {}

  /** What the store holds and has evicted. */
  public record Stats(
      int traces,
      long spans,
      long bytes,
      int maxTraces,
      long maxBytes,
      long evictedTraces,
      long evictedSpans) {}

  /** The list's filters; empty strings and nulls match everything. */
  public record Filter(
      @Nullable String text,
      @Nullable String conversationId,
      @Nullable String name,
      @Nullable String model,
      boolean errorsOnly) {

    public static final Filter ALL = new Filter(null, null, null, null, false);

    boolean matches(Trace trace) {
      if (errorsOnly && trace.errorCount == 0) {
        return false;
      }
      if (present(conversationId) && !contains(trace.conversationIds, conversationId)) {
        return false;
      }
      if (present(name)
          && !contains(trace.workflows, name)
          && !contains(trace.agents, name)
          && !containsIgnoreCase(trace.rootName(), name)) {
        return false;
      }
      if (present(model) && !contains(trace.models, model)) {
        return false;
      }
      if (present(text)) {
        return containsIgnoreCase(trace.rootName(), text)
            || containsIgnoreCase(trace.traceId, text)
            || contains(trace.models, text)
            || contains(trace.conversationIds, text)
            || contains(trace.workflows, text)
            || contains(trace.agents, text);
      }
      return true;
    }

    private static boolean present(@Nullable String value) {
      return value != null && !value.isBlank();
    }

    private static boolean contains(Set<String> values, String wanted) {
      for (String value : values) {
        if (containsIgnoreCase(value, wanted)) {
          return true;
        }
      }
      return false;
    }

    private static boolean containsIgnoreCase(@Nullable String value, String wanted) {
      return value != null
          && value.toLowerCase(Locale.ROOT).contains(wanted.strip().toLowerCase(Locale.ROOT));
    }
  }

  /** One trace's spans and the figures the list shows, kept up to date as spans arrive. */
  private static final class Trace {
    final String traceId;
    final List<ViewSpan> spans = new ArrayList<>();
    final Set<String> models = new LinkedHashSet<>();
    final Set<String> conversationIds = new LinkedHashSet<>();
    final Set<String> workflows = new LinkedHashSet<>();
    final Set<String> agents = new LinkedHashSet<>();
    long bytes;
    long start = Long.MAX_VALUE;
    long end = Long.MIN_VALUE;
    long inputTokens;
    long outputTokens;
    int errorCount;
    @Nullable ViewSpan root;
    // What the priced model calls cost, by currency (llmetry4j.usage.cost on each call).
    final Map<String, Double> costs = new java.util.TreeMap<>();

    Trace(String traceId) {
      this.traceId = traceId;
    }

    void add(ViewSpan span, long size) {
      spans.add(span);
      bytes += size;
      start = Math.min(start, span.startEpochNanos());
      end = Math.max(end, span.endEpochNanos());
      if (ViewSpan.ERROR.equals(span.statusCode())) {
        errorCount++;
      }
      if (isModelCall(span)) {
        addIfPresent(models, modelOf(span));
        inputTokens += inputTokens(span);
        outputTokens += outputTokens(span);
        Object cost = span.attributes().get("llmetry4j.usage.cost");
        String currency = span.stringAttribute("llmetry4j.usage.cost.currency");
        if (cost instanceof Double && currency != null) {
          costs.merge(currency, (Double) cost, Double::sum);
        }
      }
      addIfPresent(conversationIds, span.stringAttribute("gen_ai.conversation.id"));
      addIfPresent(
          conversationIds,
          span.stringAttribute("traceloop.association.properties.conversation_id"));
      addIfPresent(workflows, span.stringAttribute("gen_ai.workflow.name"));
      addIfPresent(workflows, span.stringAttribute("traceloop.workflow.name"));
      addIfPresent(agents, span.stringAttribute("gen_ai.agent.name"));
      // The root: the span without a parent; before it arrives, the earliest span.
      if (root == null
          || (root.parentSpanId() != null && span.parentSpanId() == null)
          || ((root.parentSpanId() == null) == (span.parentSpanId() == null)
              && span.startEpochNanos() < root.startEpochNanos())) {
        root = span;
      }
    }

    private static void addIfPresent(Set<String> values, @Nullable String value) {
      if (value != null && !value.isEmpty()) {
        values.add(value);
      }
    }

    String rootName() {
      return root == null ? "" : root.name();
    }

    TraceSummary summary() {
      return new TraceSummary(
          traceId,
          start,
          end,
          rootName(),
          root == null ? "" : root.serviceName(),
          spans.size(),
          List.copyOf(models),
          inputTokens,
          outputTokens,
          errorCount,
          conversationIds.isEmpty() ? null : conversationIds.iterator().next(),
          List.copyOf(workflows),
          List.copyOf(agents),
          // One currency: its sum; several: none, as on an agent's span.
          costs.size() == 1 ? costs.values().iterator().next() : null,
          costs.size() == 1 ? costs.keySet().iterator().next() : null);
    }
  }
}
