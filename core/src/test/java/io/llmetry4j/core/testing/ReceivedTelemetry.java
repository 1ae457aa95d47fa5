package io.llmetry4j.core.testing;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** What a test receiver got over the wire, decoded; waits are notified, never slept. */
public final class ReceivedTelemetry {

  private final List<ExportTraceServiceRequest> traceRequests = new ArrayList<>();
  private final List<ExportMetricsServiceRequest> metricRequests = new ArrayList<>();

  public ReceivedTelemetry() {}

  synchronized void addTraces(ExportTraceServiceRequest request) {
    traceRequests.add(request);
    notifyAll();
  }

  synchronized void addMetrics(ExportMetricsServiceRequest request) {
    metricRequests.add(request);
    notifyAll();
  }

  public synchronized List<Span> spans() {
    List<Span> spans = new ArrayList<>();
    traceRequests.forEach(
        request ->
            request
                .getResourceSpansList()
                .forEach(
                    rs -> rs.getScopeSpansList().forEach(ss -> spans.addAll(ss.getSpansList()))));
    return spans;
  }

  /** Every exported group of spans with its instrumentation scope and schema URL. */
  public synchronized List<io.opentelemetry.proto.trace.v1.ScopeSpans> scopeSpans() {
    List<io.opentelemetry.proto.trace.v1.ScopeSpans> scopes = new ArrayList<>();
    traceRequests.forEach(
        request ->
            request.getResourceSpansList().forEach(rs -> scopes.addAll(rs.getScopeSpansList())));
    return scopes;
  }

  /** Resources of every exported batch of spans. */
  public synchronized List<Resource> spanResources() {
    List<Resource> resources = new ArrayList<>();
    traceRequests.forEach(
        r -> r.getResourceSpansList().forEach(rs -> resources.add(rs.getResource())));
    return resources;
  }

  public synchronized List<Metric> metrics() {
    List<Metric> metrics = new ArrayList<>();
    metricRequests.forEach(
        request ->
            request
                .getResourceMetricsList()
                .forEach(
                    rm ->
                        rm.getScopeMetricsList()
                            .forEach(sm -> metrics.addAll(sm.getMetricsList()))));
    return metrics;
  }

  public synchronized List<Resource> metricResources() {
    List<Resource> resources = new ArrayList<>();
    metricRequests.forEach(
        r -> r.getResourceMetricsList().forEach(rm -> resources.add(rm.getResource())));
    return resources;
  }

  /** Waits until {@code condition} holds or {@code timeout} passes; returns whether it holds. */
  public synchronized boolean await(BooleanSupplier condition, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      wait(Math.max(1, left / 1_000_000));
    }
    return true;
  }

  public boolean awaitSpans(int count, Duration timeout) throws InterruptedException {
    return await(() -> spans().size() >= count, timeout);
  }

  /** String-valued attributes of a resource, in order. */
  public static Map<String, String> stringAttributes(List<KeyValue> attributes) {
    Map<String, String> map = new LinkedHashMap<>();
    for (KeyValue kv : attributes) {
      AnyValue value = kv.getValue();
      if (value.hasStringValue()) {
        map.put(kv.getKey(), value.getStringValue());
      }
    }
    return map;
  }
}
