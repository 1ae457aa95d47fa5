package io.llmetry4j.benchmarks;

import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import io.llmetry4j.chat.TracingChatModelListener;
import io.llmetry4j.core.LlmTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Keeps the comparison honest: the Instrumenter-based listeners must record what llmetry4j's {@link
 * TracingChatModelListener} records for the same calls (one CLIENT span {@code chat llama3} with
 * the same attributes, the duration and token-usage metrics, the error path: status, {@code
 * error.type}, one exception event), else {@link InstrumenterComparisonBenchmark} refuses to run.
 * Also runs alone, without JMH, once built with {@code -Pinstrumenter-comparison}: {@code java -cp
 * benchmarks/target/benchmarks.jar io.llmetry4j.benchmarks.InstrumenterListenerCheck}.
 */
final class InstrumenterListenerCheck {

  private static final AttributeKey<String> GEN_AI_SYSTEM = AttributeKey.stringKey("gen_ai.system");

  private InstrumenterListenerCheck() {}

  public static void main(String[] args) {
    for (String line : verify()) {
      System.out.println(line);
    }
  }

  /** Throws if a listener differs; returns a short description of what was compared. */
  static List<String> verify() {
    List<String> report = new ArrayList<>();
    Recorded reference =
        record(otel -> TracingChatModelListener.create(LlmTelemetry.builder(otel).build()));
    Map<String, Object> expected = new TreeMap<>();
    expected.put("gen_ai.operation.name", "chat");
    expected.put("gen_ai.provider.name", "ollama");
    expected.put("gen_ai.request.model", "llama3");
    expected.put("gen_ai.response.model", "llama3");
    expected.put("gen_ai.response.id", "resp-1");
    expected.put("gen_ai.response.finish_reasons", List.of("stop"));
    expected.put("gen_ai.usage.input_tokens", 17L);
    expected.put("gen_ai.usage.output_tokens", 66L);
    check("hand-written span attributes", expected, asMap(reference.span.getAttributes()));
    report.add("hand-written: " + reference);

    Recorded own = record(InstrumenterChatListener::ownGenAi);
    compare("instrumenter(own semconv 1.41.1)", reference, own, Set.of());
    report.add("instrumenter own: " + own);

    Recorded incubator = record(InstrumenterChatListener::otelGenAi);
    compare("instrumenter(OTel incubator GenAI)", reference, incubator, Set.of("gen_ai.system"));
    check("incubator gen_ai.system", "ollama", incubator.span.getAttributes().get(GEN_AI_SYSTEM));
    // Its metrics are keyed by gen_ai.system (the attributes advice of 2.15.0), and nothing past
    // the advice may leak into them (response id, tokens): that needs the SDK to honour the advice.
    check(
        "incubator duration metric keys",
        new TreeSet<>(
            List.of(
                "gen_ai.operation.name",
                "gen_ai.system",
                "gen_ai.request.model",
                "gen_ai.response.model")),
        keys(incubator.duration.getAttributes()));
    check(
        "incubator error duration metric keys",
        new TreeSet<>(
            List.of(
                "gen_ai.operation.name", "gen_ai.system", "gen_ai.request.model", "error.type")),
        keys(incubator.errorDuration.getAttributes()));
    report.add("instrumenter incubator: " + incubator);
    return report;
  }

  private static void compare(String what, Recorded reference, Recorded other, Set<String> extra) {
    check(what + " span name", reference.span.getName(), other.span.getName());
    check(what + " span kind", SpanKind.CLIENT, other.span.getKind());
    Map<String, Object> otherAttributes = asMap(other.span.getAttributes());
    otherAttributes.keySet().removeAll(extra);
    check(what + " span attributes", asMap(reference.span.getAttributes()), otherAttributes);
    check(what + " token usage", reference.tokenUsage, other.tokenUsage);
    check(what + " duration count", 1L, other.duration.getCount());
    check(what + " nested under a CLIENT parent", true, other.nestedSpanRecorded);
    check(what + " error status", StatusCode.ERROR, other.errorSpan.getStatus().getStatusCode());
    check(
        what + " error description",
        reference.errorSpan.getStatus().getDescription(),
        other.errorSpan.getStatus().getDescription());
    Map<String, Object> errorAttributes = asMap(other.errorSpan.getAttributes());
    errorAttributes.keySet().removeAll(extra);
    check(
        what + " error span attributes",
        asMap(reference.errorSpan.getAttributes()),
        errorAttributes);
    check(what + " exception events", 1, other.errorSpan.getEvents().size());
    check(what + " error duration count", 1L, other.errorDuration.getCount());
    if (extra.isEmpty()) {
      check(
          what + " duration metric attributes",
          asMap(reference.duration.getAttributes()),
          asMap(other.duration.getAttributes()));
      check(
          what + " error duration metric attributes",
          asMap(reference.errorDuration.getAttributes()),
          asMap(other.errorDuration.getAttributes()));
    }
  }

  /** One successful call, one nested under a CLIENT span, one failing, with fresh telemetry. */
  private static Recorded record(Function<OpenTelemetry, ChatModelListener> listenerFactory) {
    InMemorySpanExporter spans = InMemorySpanExporter.create();
    InMemoryMetricReader metrics = InMemoryMetricReader.create();
    try (OpenTelemetrySdk sdk =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .addSpanProcessor(SimpleSpanProcessor.create(spans))
                    .build())
            .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
            .build()) {
      ChatModelListener listener = listenerFactory.apply(sdk);
      ChatRequest request =
          ChatRequest.builder()
              .messages(UserMessage.from("Tell me a joke about OpenTelemetry"))
              .modelName("llama3")
              .build();

      new InProcessChatModel(List.of(listener)).chat(request);
      List<SpanData> finished = spans.getFinishedSpanItems();
      check("spans after one call", 1, finished.size());
      SpanData span = finished.get(0);
      Map<String, Long> tokenUsage = new TreeMap<>();
      HistogramPointData duration = null;
      for (MetricData metric : metrics.collectAllMetrics()) {
        if (metric.getName().equals("gen_ai.client.operation.duration")) {
          duration = single(metric);
        } else if (metric.getName().equals("gen_ai.client.token.usage")) {
          for (HistogramPointData point : metric.getHistogramData().getPoints()) {
            tokenUsage.put(
                String.valueOf(
                    point.getAttributes().get(AttributeKey.stringKey("gen_ai.token.type"))),
                (long) point.getSum());
          }
        }
      }
      check("duration metric recorded", true, duration != null);
      check("token usage", Map.of("input", 17L, "output", 66L), tokenUsage);

      spans.reset();
      Span parent =
          sdk.getTracer("check").spanBuilder("parent").setSpanKind(SpanKind.CLIENT).startSpan();
      try (Scope ignored = parent.makeCurrent()) {
        new InProcessChatModel(List.of(listener)).chat(request);
      } finally {
        parent.end();
      }
      boolean nested =
          spans.getFinishedSpanItems().stream()
              .anyMatch(
                  s ->
                      s.getName().equals(span.getName())
                          && s.getParentSpanId().equals(parent.getSpanContext().getSpanId()));

      spans.reset();
      metrics.collectAllMetrics(); // cumulative: compare counts below by attributes
      ChatModel failing = new FailingChatModel(List.of(listener));
      try {
        failing.chat(request);
        throw new IllegalStateException("the failing model did not fail");
      } catch (IllegalArgumentException expected) {
        // the model's failure, as the application sees it
      }
      check("spans after one failing call", 1, spans.getFinishedSpanItems().size());
      SpanData errorSpan = spans.getFinishedSpanItems().get(0);
      HistogramPointData errorDuration = null;
      for (MetricData metric : metrics.collectAllMetrics()) {
        if (metric.getName().equals("gen_ai.client.operation.duration")) {
          for (HistogramPointData point : metric.getHistogramData().getPoints()) {
            if (point.getAttributes().get(AttributeKey.stringKey("error.type")) != null) {
              errorDuration = point;
            }
          }
        }
      }
      check("error duration recorded", true, errorDuration != null);
      return new Recorded(span, duration, tokenUsage, nested, errorSpan, errorDuration);
    }
  }

  private static HistogramPointData single(MetricData metric) {
    List<HistogramPointData> points = new ArrayList<>(metric.getHistogramData().getPoints());
    check(metric.getName() + " points", 1, points.size());
    return points.get(0);
  }

  private static Map<String, Object> asMap(Attributes attributes) {
    Map<String, Object> map = new TreeMap<>();
    attributes.forEach((key, value) -> map.put(key.getKey(), value));
    return map;
  }

  private static Set<String> keys(Attributes attributes) {
    return new TreeSet<>(asMap(attributes).keySet());
  }

  private static void check(String what, Object expected, Object actual) {
    if (!expected.equals(actual)) {
      throw new IllegalStateException(
          "Instrumenter listener check failed, "
              + what
              + ": expected "
              + expected
              + ", was "
              + actual);
    }
  }

  private static final class Recorded {
    final SpanData span;
    final HistogramPointData duration;
    final Map<String, Long> tokenUsage;
    final boolean nestedSpanRecorded;
    final SpanData errorSpan;
    final HistogramPointData errorDuration;

    Recorded(
        SpanData span,
        HistogramPointData duration,
        Map<String, Long> tokenUsage,
        boolean nestedSpanRecorded,
        SpanData errorSpan,
        HistogramPointData errorDuration) {
      this.span = span;
      this.duration = duration;
      this.tokenUsage = tokenUsage;
      this.nestedSpanRecorded = nestedSpanRecorded;
      this.errorSpan = errorSpan;
      this.errorDuration = errorDuration;
    }

    @Override
    public String toString() {
      return span.getName()
          + " "
          + span.getKind()
          + " "
          + asMap(span.getAttributes())
          + "; duration metric "
          + asMap(duration.getAttributes())
          + "; error span "
          + asMap(errorSpan.getAttributes())
          + "; error duration metric "
          + asMap(errorDuration.getAttributes());
    }
  }

  /** A stub, named as one: every call fails as a model client would. */
  private static final class FailingChatModel implements ChatModel {
    private final List<ChatModelListener> listeners;

    FailingChatModel(List<ChatModelListener> listeners) {
      this.listeners = listeners;
    }

    @Override
    public ChatResponse doChat(ChatRequest request) {
      throw new IllegalArgumentException("model unavailable");
    }

    @Override
    public List<ChatModelListener> listeners() {
      return listeners;
    }

    @Override
    public ModelProvider provider() {
      return ModelProvider.OLLAMA;
    }
  }
}
