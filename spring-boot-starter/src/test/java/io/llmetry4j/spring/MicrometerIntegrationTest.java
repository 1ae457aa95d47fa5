package io.llmetry4j.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.core.TokenPrices;
import io.llmetry4j.store.TracingEmbeddingModel;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.otel.bridge.OtelCurrentTraceContext;
import io.micrometer.tracing.otel.bridge.OtelTracer;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.StaticListableBeanFactory;

/**
 * llmetry4j inside Micrometer: its spans current for Micrometer Tracing's real OpenTelemetry
 * bridge, its metrics in a real Micrometer registry when the application's SDK has no reader.
 */
class MicrometerIntegrationTest {

  private static final AttributeKey<Double> COST = AttributeKey.doubleKey("llmetry4j.usage.cost");

  /** The test's price for all-MiniLM's tokens, not any provider's. */
  private static final TokenPrices MINILM_PRICES =
      TokenPrices.builder()
          .price(TokenPrices.price("*", "all-minilm*", "USD").perMillionTokens().input("0.02"))
          .build();

  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final OpenTelemetrySdk sdk =
      OpenTelemetrySdk.builder()
          .setTracerProvider(
              SdkTracerProvider.builder()
                  .addSpanProcessor(SimpleSpanProcessor.create(spans))
                  .build())
          .build();
  // The bridge as Spring Boot assembles it: OtelTracer over the SDK, observations traced by it.
  private final OtelTracer micrometerTracer =
      new OtelTracer(sdk.getTracer("micrometer"), new OtelCurrentTraceContext(), event -> {});
  private final ObservationRegistry observations = ObservationRegistry.create();

  MicrometerIntegrationTest() {
    observations
        .observationConfig()
        .observationHandler(new DefaultTracingObservationHandler(micrometerTracer));
  }

  @AfterEach
  void close() {
    sdk.close();
    assertThat(Context.current()).isSameAs(Context.root());
  }

  private static <T> StaticListableBeanFactory beans(String name, T bean) {
    StaticListableBeanFactory factory = new StaticListableBeanFactory();
    factory.addBean(name, bean);
    return factory;
  }

  private LlmTelemetry telemetryUnderMicrometer() {
    LlmTelemetry.Builder builder = LlmTelemetry.builder(sdk);
    new MicrometerTracingIntegration(
            beans("tracer", micrometerTracer).getBeanProvider(io.micrometer.tracing.Tracer.class))
        .customize(builder);
    return builder.build();
  }

  @Test
  void inside_a_server_observation_llmetry4j_spans_are_micrometers_current_span() {
    LlmTelemetry telemetry = telemetryUnderMicrometer();
    String[] seen = new String[2];

    // Spring MVC's server observation is in scope while the application calls its AI code.
    Observation.createNotStarted("http.server.requests", observations)
        .observe(
            () -> {
              try {
                telemetry
                    .workflow("answer-question")
                    .run(
                        () -> {
                          seen[0] = micrometerTracer.currentSpan().context().spanId();
                          // The application's own observation (or RestClient's) started here.
                          Observation.createNotStarted("glossary.lookup", observations)
                              .observe(
                                  () ->
                                      seen[1] = micrometerTracer.currentSpan().context().spanId());
                        });
              } catch (RuntimeException e) {
                throw e;
              }
            });

    Map<String, SpanData> byName =
        spans.getFinishedSpanItems().stream()
            .collect(Collectors.toMap(SpanData::getName, Function.identity()));
    assertThat(byName)
        .containsOnlyKeys(
            "http.server.requests", "invoke_workflow answer-question", "glossary.lookup");
    SpanData server = byName.get("http.server.requests");
    SpanData workflow = byName.get("invoke_workflow answer-question");
    SpanData lookup = byName.get("glossary.lookup");
    assertThat(workflow.getParentSpanId()).isEqualTo(server.getSpanId());
    assertThat(seen[0]).isEqualTo(workflow.getSpanId());
    assertThat(lookup.getParentSpanId()).isEqualTo(workflow.getSpanId());
    assertThat(seen[1]).isEqualTo(lookup.getSpanId());
  }

  @Test
  void without_the_integration_observations_take_the_server_span_as_parent() {
    // What the integration fixes: a span made current the OpenTelemetry way alone.
    LlmTelemetry telemetry = LlmTelemetry.builder(sdk).build();

    Observation.createNotStarted("http.server.requests", observations)
        .observe(
            () ->
                telemetry
                    .workflow("answer-question")
                    .run(
                        () ->
                            Observation.createNotStarted("glossary.lookup", observations)
                                .observe(() -> {})));

    Map<String, SpanData> byName =
        spans.getFinishedSpanItems().stream()
            .collect(Collectors.toMap(SpanData::getName, Function.identity()));
    assertThat(byName.get("glossary.lookup").getParentSpanId())
        .isEqualTo(byName.get("http.server.requests").getSpanId());
  }

  /** The application's instance as the integration hands it to llmetry4j, with {@code registry}. */
  private static OpenTelemetry metricsInRegistry(SimpleMeterRegistry registry, OpenTelemetry app) {
    return new MicrometerMetricsIntegration(
            beans("registry", registry)
                .getBeanProvider(io.micrometer.core.instrument.MeterRegistry.class))
        .openTelemetry(app);
  }

  /** The in-process all-MiniLM model, traced: a real GenAI operation with token usage. */
  private static void embed(LlmTelemetry telemetry) {
    TracingEmbeddingModel.wrap(telemetry, new AllMiniLmL6V2EmbeddingModel())
        .embed("What is baggage?");
  }

  @Test
  void without_a_metric_reader_genai_metrics_go_to_the_meter_registry() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    OpenTelemetry reported = metricsInRegistry(registry, sdk);
    assertThat(reported).isNotSameAs(sdk);

    embed(LlmTelemetry.builder(reported).build());

    Timer duration = registry.get("gen_ai.client.operation.duration").timer();
    assertThat(duration.count()).isEqualTo(1);
    assertThat(duration.getId().getTag("gen_ai.operation.name")).isEqualTo("embeddings");
    assertThat(duration.getId().getTag("gen_ai.request.model")).isEqualTo("all-minilm-l6-v2");
    assertThat(duration.getId().getTag("error.type")).isEqualTo("none");
    assertThat(duration.takeSnapshot().histogramCounts()).isNotEmpty();
    List<DistributionSummary> tokens =
        List.copyOf(registry.get("gen_ai.client.token.usage").summaries());
    assertThat(tokens)
        .extracting(summary -> summary.getId().getTag("gen_ai.token.type"))
        .containsExactly("input");
    assertThat(tokens)
        .allSatisfy(summary -> assertThat(summary.getId().getBaseUnit()).isEqualTo("tokens"));
    // The spans still go to the application's SDK.
    assertThat(spans.getFinishedSpanItems())
        .extracting(SpanData::getName)
        .containsExactly("embeddings all-minilm-l6-v2");
  }

  @Test
  void without_a_metric_reader_the_cost_counter_is_in_the_meter_registry_per_model_and_kind() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    OpenTelemetry reported = metricsInRegistry(registry, sdk);
    LlmTelemetry telemetry = LlmTelemetry.builder(reported).tokenPrices(MINILM_PRICES).build();

    embed(telemetry);

    // Read as the registry reads it, right after the call: the series exists and has its value.
    double first = spans.getFinishedSpanItems().get(0).getAttributes().get(COST);
    assertThat(first).isPositive();
    FunctionCounter cost = registry.get("llmetry4j.usage.cost").functionCounter();
    assertThat(cost.count()).isEqualTo(first);
    Meter.Id id = cost.getId();
    assertThat(id.getTags())
        .extracting(tag -> tag.getKey() + "=" + tag.getValue())
        .containsExactlyInAnyOrder(
            "gen_ai.provider.name=langchain4j.onnx",
            "gen_ai.response.model=all-minilm-l6-v2",
            "llmetry4j.usage.cost.currency=USD",
            "llmetry4j.usage.token_kind=input");
    assertThat(id.getBaseUnit()).isNull();
    assertThat(id.getDescription()).startsWith("What model calls cost");

    embed(telemetry);

    double second = spans.getFinishedSpanItems().get(1).getAttributes().get(COST);
    // One series, read fresh: the sum of both calls.
    assertThat(registry.get("llmetry4j.usage.cost").functionCounters()).hasSize(1);
    assertThat(cost.count()).isEqualTo(first + second);

    // A second priced telemetry on the same OpenTelemetry adds to the same series.
    LlmTelemetry another = LlmTelemetry.builder(reported).tokenPrices(MINILM_PRICES).build();
    embed(another);
    double third = spans.getFinishedSpanItems().get(2).getAttributes().get(COST);
    assertThat(registry.get("llmetry4j.usage.cost").functionCounters()).hasSize(1);
    assertThat(cost.count()).isCloseTo(first + second + third, offset(1e-18));
  }

  @Test
  void without_prices_the_registry_has_no_cost_counter() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    OpenTelemetry reported = metricsInRegistry(registry, sdk);

    embed(LlmTelemetry.builder(reported).build());

    assertThat(registry.find("llmetry4j.usage.cost").meters()).isEmpty();
    assertThat(registry.find("gen_ai.client.operation.duration").timers()).hasSize(1);
  }

  @Test
  void with_a_metric_reader_genai_metrics_stay_in_opentelemetry_and_are_not_counted_twice() {
    InMemoryMetricReader reader = InMemoryMetricReader.create();
    try (OpenTelemetrySdk withReader =
        OpenTelemetrySdk.builder()
            .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(reader).build())
            .build()) {
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      OpenTelemetry reported = metricsInRegistry(registry, withReader);
      assertThat(reported).isSameAs(withReader);

      embed(LlmTelemetry.builder(reported).build());

      assertThat(registry.getMeters()).isEmpty();
      assertThat(reader.collectAllMetrics())
          .extracting(io.opentelemetry.sdk.metrics.data.MetricData::getName)
          .contains("gen_ai.client.operation.duration", "gen_ai.client.token.usage");
    }
  }
}
