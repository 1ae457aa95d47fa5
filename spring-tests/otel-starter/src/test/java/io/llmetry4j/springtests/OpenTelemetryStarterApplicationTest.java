package io.llmetry4j.springtests;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmetry4j.bootstrap.Llmetry;
import io.llmetry4j.core.testing.ReceivedTelemetry;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A Spring Boot 3.5.7 web application traced by the OpenTelemetry Spring Boot starter (its SDK,
 * exporting traces and metrics over OTLP/HTTP), with LangChain4j's starters and llmetry4j's starter
 * added: one real HTTP request to {@code /ask} is one trace from the server span down to the tool's
 * own span, through the starter's one SDK, and the GenAI metrics reach the same receiver from the
 * same resource, once.
 */
class OpenTelemetryStarterApplicationTest extends GlossaryApplicationTest {

  private static final String DURATION = "gen_ai.client.operation.duration";
  private static final String TOKEN_USAGE = "gen_ai.client.token.usage";

  @DynamicPropertySource
  static void endpoints(DynamicPropertyRegistry registry) throws IOException {
    replayOpenAi(registry);
    registry.add("otel.exporter.otlp.endpoint", otlp::endpoint);
  }

  @Override
  void flushTraces() {
    ((OpenTelemetrySdk) context.getBean(OpenTelemetry.class))
        .getSdkTracerProvider()
        .forceFlush()
        .join(10, TimeUnit.SECONDS);
  }

  @Test
  void one_request_is_one_trace_from_the_server_span_down_to_the_tools_span() {
    assertThat(TraceTree.render(askTrace, server.getTraceId()))
        .isEqualTo(
            """
            GET /ask [SERVER]
              invoke_agent Assistant [INTERNAL]
                retrieval contentRetriever [CLIENT]
                  embeddings all-minilm-l6-v2 [INTERNAL]
                  search [INTERNAL]
                chat gpt-4o-mini [CLIENT]
                  POST [CLIENT]
                execute_tool glossary [INTERNAL]
                  glossary.lookup [INTERNAL]
                chat gpt-4o-mini [CLIENT]
                  POST [CLIENT]
            """);
  }

  @Test
  void the_application_has_one_sdk_the_starters() {
    SoftAssertions.assertSoftly(
        softly -> {
          softly
              .assertThat(Thread.getAllStackTraces().keySet())
              .extracting(Thread::getName)
              .filteredOn(name -> name.startsWith("BatchSpanProcessor"))
              .as("batch span processor threads")
              .hasSize(1);
          softly.assertThat(context.getBeansOfType(Llmetry.class)).as("Llmetry beans").isEmpty();
          softly
              .assertThat(context.getBeanNamesForType(OpenTelemetry.class))
              .as("OpenTelemetry beans")
              .hasSize(1);
          // The starter does not register its SDK globally (2.15.0 never touches
          // GlobalOpenTelemetry); llmetry4j must not register one of its own.
          softly
              .assertThat(GlobalOpenTelemetry.getTracerProvider())
              .as("GlobalOpenTelemetry's tracer provider (%s)", whoseIsGlobal("the starter's SDK"))
              .isIn(
                  context.getBean(OpenTelemetry.class).getTracerProvider(), TracerProvider.noop());
        });
  }

  @Test
  void every_span_comes_from_the_applications_one_resource() {
    assertThat(resources(otlp.received().spanResources()))
        .singleElement()
        .satisfies(
            resource -> assertThat(resource).containsEntry("service.name", "glossary-assistant"));
  }

  @Test
  void chat_durations_reach_the_receiver_once_from_the_applications_resource() throws Exception {
    assertThat(
            otlp.received()
                .await(() -> chatCount(lastMetric(DURATION)) == 2, Duration.ofSeconds(20)))
        .as("%s with 2 chat calls arrived; received: %s", DURATION, metricNames())
        .isTrue();
    Metric duration = lastMetric(DURATION).orElseThrow();
    System.out.println(DURATION + ": " + duration);
    assertThat(duration.getUnit()).isEqualTo("s");
    assertThat(chatPoints(duration))
        .singleElement()
        .satisfies(
            point -> {
              assertThat(ReceivedTelemetry.stringAttributes(point.getAttributesList()))
                  .containsOnly(
                      Map.entry("gen_ai.operation.name", "chat"),
                      Map.entry("gen_ai.provider.name", "openai"),
                      Map.entry("gen_ai.request.model", "gpt-4o-mini"),
                      Map.entry("gen_ai.response.model", "gpt-4o-mini-2024-07-18"));
            });
    // An export carries the exemplars of the measurements since the one before, so a later
    // export (the reader runs every 500 ms) has none: they are looked for in every export.
    assertThat(
            metrics(DURATION).stream()
                .flatMap(metric -> chatPoints(metric).stream())
                .flatMap(point -> point.getExemplarsList().stream())
                .toList())
        .as("exemplars point at the request's trace")
        .isNotEmpty()
        .allSatisfy(exemplar -> assertThat(exemplar.getTraceId()).isEqualTo(server.getTraceId()));
    assertThat(resources(otlp.received().metricResources()))
        .as("the metrics' resource is the spans'")
        .containsExactlyElementsOf(resources(otlp.received().spanResources()));
    assertThat(context.getBean(MeterRegistry.class).find(DURATION).meters())
        .as("not also recorded in Boot's Micrometer registry")
        .isEmpty();
  }

  @Test
  void chat_token_usage_reaches_the_receiver() throws Exception {
    assertThat(
            otlp.received()
                .await(() -> chatCount(lastMetric(TOKEN_USAGE)) == 4, Duration.ofSeconds(20)))
        .as("%s of 2 chat calls arrived; received: %s", TOKEN_USAGE, metricNames())
        .isTrue();
    Map<String, Double> sums =
        chatPoints(lastMetric(TOKEN_USAGE).orElseThrow()).stream()
            .collect(
                java.util.stream.Collectors.toMap(
                    point ->
                        ReceivedTelemetry.stringAttributes(point.getAttributesList())
                            .get("gen_ai.token.type"),
                    HistogramDataPoint::getSum));
    assertThat(sums).containsOnly(Map.entry("input", 230.0), Map.entry("output", 25.0));
    assertThat(context.getBean(MeterRegistry.class).find(TOKEN_USAGE).meters()).isEmpty();
  }

  /** The distinct resources, each as its string attributes. */
  private static List<Map<String, String>> resources(List<Resource> resources) {
    return resources.stream()
        .map(resource -> ReceivedTelemetry.stringAttributes(resource.getAttributesList()))
        .distinct()
        .toList();
  }

  /** Every export of {@code name}, oldest first. */
  private static List<Metric> metrics(String name) {
    return otlp.received().metrics().stream().filter(m -> m.getName().equals(name)).toList();
  }

  /** The newest export of {@code name} (exports are cumulative). */
  private static Optional<Metric> lastMetric(String name) {
    List<Metric> all = metrics(name);
    return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
  }

  private static List<HistogramDataPoint> chatPoints(Metric metric) {
    return metric.getHistogram().getDataPointsList().stream()
        .filter(
            point ->
                point.getAttributesList().stream()
                    .anyMatch(
                        a ->
                            a.getKey().equals("gen_ai.operation.name")
                                && a.getValue().getStringValue().equals("chat")))
        .toList();
  }

  private static long chatCount(Optional<Metric> metric) {
    return metric
        .map(m -> chatPoints(m).stream().mapToLong(HistogramDataPoint::getCount).sum())
        .orElse(0L);
  }

  private static List<String> metricNames() {
    return otlp.received().metrics().stream().map(Metric::getName).distinct().sorted().toList();
  }
}
