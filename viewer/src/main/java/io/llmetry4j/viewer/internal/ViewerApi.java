package io.llmetry4j.viewer.internal;

import io.llmetry4j.core.internal.JsonWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.annotation.Nullable;

/**
 * The JSON the page reads: the trace list, one trace, the per-model summary and the version the
 * page polls. Written with llmetry4j's own JSON writer; every string from a span is escaped as a
 * JSON string, and the page inserts it as text.
 *
 * <p>Not public API.
 */
public final class ViewerApi {

  /** The most traces one list request returns. */
  public static final int MAX_PAGE = 500;

  private final TraceStore store;

  public ViewerApi(TraceStore store) {
    this.store = store;
  }

  public String version() {
    return new JsonWriter(24)
        .beginObject()
        .name("version")
        .value(store.version())
        .endObject()
        .toString();
  }

  public String list(TraceStore.Filter filter, int offset, int limit) {
    TraceStore.Page page =
        store.list(filter, Math.max(0, offset), Math.max(0, Math.min(limit, MAX_PAGE)));
    TraceStore.Stats stats = store.stats();
    JsonWriter json = new JsonWriter(256 + 400 * page.traces().size()).beginObject();
    json.name("total").value(page.total());
    json.name("offset").value(page.offset());
    json.name("version").value(page.version());
    if (page.cost() != null) {
      // The priced calls of every matching trace: a conversation's cost when filtered on one.
      json.name("cost").value(page.cost());
      json.field("currency", page.currency());
    }
    stats(json, stats);
    json.name("traces").beginArray();
    for (TraceStore.TraceSummary trace : page.traces()) {
      json.beginObject();
      json.field("traceId", trace.traceId());
      json.name("startEpochMs").value(trace.startEpochNanos() / 1e6);
      json.name("durationMs").value((trace.endEpochNanos() - trace.startEpochNanos()) / 1e6);
      json.field("rootName", trace.rootName());
      json.field("service", trace.service());
      json.name("spanCount").value(trace.spanCount());
      json.name("models");
      strings(json, trace.models());
      json.name("inputTokens").value(trace.inputTokens());
      json.name("outputTokens").value(trace.outputTokens());
      if (trace.cost() == null) {
        json.name("cost").rawValue("null");
      } else {
        json.name("cost").value(trace.cost());
        json.field("currency", trace.currency());
      }
      json.name("errorCount").value(trace.errorCount());
      json.field("conversationId", trace.conversationId());
      json.name("workflows");
      strings(json, trace.workflows());
      json.name("agents");
      strings(json, trace.agents());
      json.endObject();
    }
    return json.endArray().endObject().toString();
  }

  private static void stats(JsonWriter json, TraceStore.Stats stats) {
    json.name("stored").beginObject();
    json.name("traces").value(stats.traces());
    json.name("spans").value(stats.spans());
    json.name("bytes").value(stats.bytes());
    json.name("maxTraces").value(stats.maxTraces());
    json.name("maxBytes").value(stats.maxBytes());
    json.endObject();
    json.name("evicted").beginObject();
    json.name("traces").value(stats.evictedTraces());
    json.name("spans").value(stats.evictedSpans());
    json.endObject();
  }

  /** One trace's spans, or null when the store does not (or no longer) hold it. */
  @Nullable
  public String trace(String traceId) {
    List<ViewSpan> spans = store.trace(traceId);
    if (spans == null || spans.isEmpty()) {
      return null;
    }
    long start = Long.MAX_VALUE;
    long end = Long.MIN_VALUE;
    for (ViewSpan span : spans) {
      start = Math.min(start, span.startEpochNanos());
      end = Math.max(end, span.endEpochNanos());
    }
    JsonWriter json = new JsonWriter(1024 * spans.size()).beginObject();
    json.field("traceId", spans.get(0).traceId());
    json.name("startEpochMs").value(start / 1e6);
    json.name("durationMs").value((end - start) / 1e6);
    json.name("spans").beginArray();
    for (ViewSpan span : spans) {
      json.beginObject();
      json.field("spanId", span.spanId());
      json.field("parentSpanId", span.parentSpanId());
      json.field("name", span.name());
      json.field("kind", span.kind());
      json.name("startOffsetMs").value((span.startEpochNanos() - start) / 1e6);
      json.name("durationMs").value((span.endEpochNanos() - span.startEpochNanos()) / 1e6);
      json.field("status", span.statusCode());
      json.field("statusMessage", span.statusMessage());
      json.field("service", span.serviceName());
      json.field("scope", span.scopeName());
      json.name("attributes");
      attributes(json, span.attributes());
      json.name("events").beginArray();
      for (ViewSpan.Event event : span.events()) {
        json.beginObject();
        json.field("name", event.name());
        json.name("offsetMs").value((event.epochNanos() - start) / 1e6);
        json.name("attributes");
        attributes(json, event.attributes());
        json.endObject();
      }
      json.endArray();
      json.endObject();
    }
    return json.endArray().endObject().toString();
  }

  /** Calls, tokens, errors, latency percentiles and calls per minute for each model. */
  public String summary() {
    Map<String, List<ViewSpan>> byModel = new TreeMap<>();
    for (ViewSpan call : store.modelCalls()) {
      String model = TraceStore.modelOf(call);
      String provider = provider(call);
      byModel
          .computeIfAbsent(
              (provider == null ? "" : provider) + "\u0000" + (model == null ? "" : model),
              key -> new ArrayList<>())
          .add(call);
    }
    JsonWriter json = new JsonWriter(256 * (byModel.size() + 1)).beginObject();
    json.name("models").beginArray();
    for (Map.Entry<String, List<ViewSpan>> entry : byModel.entrySet()) {
      String[] key = entry.getKey().split("\u0000", 2);
      List<ViewSpan> calls = entry.getValue();
      long inputTokens = 0;
      long outputTokens = 0;
      int errors = 0;
      List<Double> latencies = new ArrayList<>(calls.size());
      TreeMap<Long, int[]> perMinute = new TreeMap<>();
      for (ViewSpan call : calls) {
        inputTokens += TraceStore.inputTokens(call);
        outputTokens += TraceStore.outputTokens(call);
        boolean failed = ViewSpan.ERROR.equals(call.statusCode());
        if (failed) {
          errors++;
        }
        latencies.add((call.endEpochNanos() - call.startEpochNanos()) / 1e6);
        long minute = call.startEpochNanos() / 60_000_000_000L * 60_000L;
        int[] counts = perMinute.computeIfAbsent(minute, m -> new int[2]);
        counts[0]++;
        if (failed) {
          counts[1]++;
        }
      }
      Collections.sort(latencies);
      json.beginObject();
      json.field("provider", key[0]);
      json.field("model", key[1]);
      json.name("calls").value(calls.size());
      json.name("inputTokens").value(inputTokens);
      json.name("outputTokens").value(outputTokens);
      json.name("errors").value(errors);
      json.name("latencyMs").beginObject();
      json.name("p50").value(percentile(latencies, 0.50));
      json.name("p90").value(percentile(latencies, 0.90));
      json.name("p99").value(percentile(latencies, 0.99));
      json.endObject();
      json.name("series").beginArray();
      for (Map.Entry<Long, int[]> minute : perMinute.entrySet()) {
        json.beginObject();
        json.name("minuteEpochMs").value(minute.getKey());
        json.name("calls").value(minute.getValue()[0]);
        json.name("errors").value(minute.getValue()[1]);
        json.endObject();
      }
      json.endArray();
      json.endObject();
    }
    return json.endArray().endObject().toString();
  }

  @Nullable
  private static String provider(ViewSpan span) {
    String provider = span.stringAttribute("gen_ai.provider.name");
    return provider != null ? provider : span.stringAttribute("gen_ai.system");
  }

  /** The nearest-rank percentile of sorted {@code values}. */
  static double percentile(List<Double> values, double fraction) {
    if (values.isEmpty()) {
      return 0;
    }
    int rank = (int) Math.ceil(fraction * values.size());
    return values.get(Math.max(0, Math.min(values.size() - 1, rank - 1)));
  }

  private static void strings(JsonWriter json, List<String> values) {
    json.beginArray();
    for (String value : values) {
      json.value(value);
    }
    json.endArray();
  }

  private static void attributes(JsonWriter json, Map<String, Object> attributes) {
    json.beginObject();
    for (Map.Entry<String, Object> entry : attributes.entrySet()) {
      json.escapedName(entry.getKey());
      value(json, entry.getValue());
    }
    json.endObject();
  }

  private static void value(JsonWriter json, @Nullable Object value) {
    if (value instanceof String) {
      json.value((String) value);
    } else if (value instanceof Long || value instanceof Integer) {
      json.value(((Number) value).longValue());
    } else if (value instanceof Number) {
      json.value(((Number) value).doubleValue());
    } else if (value instanceof Boolean) {
      json.rawValue(value.toString());
    } else if (value instanceof List) {
      json.beginArray();
      for (Object item : (List<?>) value) {
        value(json, item);
      }
      json.endArray();
    } else {
      json.rawValue("null");
    }
  }
}
