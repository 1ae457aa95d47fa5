package io.llmetry4j.springtests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmetry4j.bootstrap.Llmetry;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.SoftAssertions;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A Spring Boot 3.5.7 web application traced by Micrometer Tracing's OpenTelemetry bridge (Boot's
 * own OpenTelemetry SDK, exporting over OTLP/HTTP), with LangChain4j's starters and llmetry4j's
 * starter added: one real HTTP request to {@code /ask} is one trace from the server span down to
 * the tool's own observation, through Boot's one SDK, and the GenAI metrics are in Boot's
 * Micrometer registry.
 */
class MicrometerBridgeApplicationTest extends GlossaryApplicationTest {

  private static final String BOOTS_OPENTELEMETRY_CONFIGURATION =
      "org.springframework.boot.actuate.autoconfigure.opentelemetry.OpenTelemetryAutoConfiguration";
  private static final ObjectMapper json = new ObjectMapper();

  @DynamicPropertySource
  static void endpoints(DynamicPropertyRegistry registry) throws Exception {
    replayOpenAi(registry);
    String prices =
        Path.of(
                MicrometerBridgeApplicationTest.class
                    .getResource("/token-prices.properties")
                    .toURI())
            .toString();
    registry.add("llmetry4j.token-prices", () -> prices);
    registry.add("management.otlp.tracing.endpoint", () -> otlp.endpoint() + "/v1/traces");
  }

  @Override
  void flushTraces() {
    context.getBean(SdkTracerProvider.class).forceFlush().join(10, TimeUnit.SECONDS);
  }

  @Test
  void one_request_is_one_trace_from_the_server_span_down_to_the_tools_observation() {
    assertThat(TraceTree.render(askTrace, server.getTraceId()))
        .isEqualTo(
            """
            http get /ask [SERVER]
              invoke_agent Assistant [INTERNAL]
                retrieval contentRetriever [CLIENT]
                  embeddings all-minilm-l6-v2 [INTERNAL]
                  search [INTERNAL]
                chat gpt-4o-mini [CLIENT]
                  http post [CLIENT]
                execute_tool glossary [INTERNAL]
                  glossary.lookup [INTERNAL]
                chat gpt-4o-mini [CLIENT]
                  http post [CLIENT]
            """);
  }

  @Test
  void the_application_has_one_sdk_the_one_boot_made() {
    String[] openTelemetries = context.getBeanNamesForType(OpenTelemetry.class);
    SoftAssertions.assertSoftly(
        softly -> {
          softly
              .assertThat(Thread.getAllStackTraces().keySet())
              .extracting(Thread::getName)
              .filteredOn(name -> name.startsWith("BatchSpanProcessor"))
              .as("batch span processor threads")
              .hasSize(1);
          softly.assertThat(context.getBeansOfType(Llmetry.class)).as("Llmetry beans").isEmpty();
          softly.assertThat(openTelemetries).as("OpenTelemetry beans").hasSize(1);
          softly
              .assertThat(
                  context
                      .getBeanFactory()
                      .getBeanDefinition(openTelemetries[0])
                      .getFactoryBeanName())
              .as("the configuration that made the OpenTelemetry bean")
              .isEqualTo(BOOTS_OPENTELEMETRY_CONFIGURATION);
          softly
              .assertThat(context.getBeanNamesForType(SdkTracerProvider.class))
              .as("SdkTracerProvider beans")
              .hasSize(1);
          // Boot does not register its SDK globally; llmetry4j must not register one of its own.
          softly
              .assertThat(GlobalOpenTelemetry.getTracerProvider())
              .as("GlobalOpenTelemetry's tracer provider (%s)", whoseIsGlobal("Boot's SDK"))
              .isIn(
                  context.getBean(OpenTelemetry.class).getTracerProvider(), TracerProvider.noop());
        });
  }

  @Test
  void chat_durations_are_in_boots_meter_registry() throws Exception {
    JsonNode duration = metric("gen_ai.client.operation.duration", "gen_ai.operation.name:chat");
    System.out.println("gen_ai.client.operation.duration (chat): " + duration.toPrettyString());
    assertThat(duration.path("baseUnit").asText()).isEqualTo("seconds");
    Map<String, Double> measurements = measurements(duration);
    assertThat(measurements.get("COUNT")).isEqualTo(2.0);
    assertThat(measurements.get("TOTAL_TIME")).isPositive();
    assertThat(tags(duration))
        .containsEntry("gen_ai.provider.name", List.of("openai"))
        .containsEntry("gen_ai.request.model", List.of("gpt-4o-mini"))
        .containsEntry("gen_ai.response.model", List.of("gpt-4o-mini-2024-07-18"));
  }

  @Test
  void chat_token_usage_is_in_boots_meter_registry() throws Exception {
    JsonNode input =
        metric(
            "gen_ai.client.token.usage", "gen_ai.operation.name:chat", "gen_ai.token.type:input");
    JsonNode output =
        metric(
            "gen_ai.client.token.usage", "gen_ai.operation.name:chat", "gen_ai.token.type:output");
    System.out.println("gen_ai.client.token.usage (chat, input): " + input.toPrettyString());
    assertThat(measurements(input)).containsEntry("COUNT", 2.0).containsEntry("TOTAL", 230.0);
    assertThat(measurements(output)).containsEntry("COUNT", 2.0).containsEntry("TOTAL", 25.0);
  }

  @Test
  void what_the_chat_calls_cost_is_in_boots_meter_registry_and_on_the_agent_span()
      throws Exception {
    // The test's prices: 0.15 USD per million input tokens, 0.60 per million output tokens.
    double input = 230 * 0.15 / 1_000_000;
    double output = 25 * 0.60 / 1_000_000;
    JsonNode inputCost = metric("llmetry4j.usage.cost", "llmetry4j.usage.token_kind:input");
    JsonNode outputCost = metric("llmetry4j.usage.cost", "llmetry4j.usage.token_kind:output");
    System.out.println("llmetry4j.usage.cost (input): " + inputCost.toPrettyString());
    assertThat(measurements(inputCost).get("COUNT")).isCloseTo(input, Offset.offset(1e-12));
    assertThat(measurements(outputCost).get("COUNT")).isCloseTo(output, Offset.offset(1e-12));
    // Both kinds of one model: the sum is the whole cost; its tags those of the counter.
    JsonNode cost = metric("llmetry4j.usage.cost");
    assertThat(measurements(cost).get("COUNT")).isCloseTo(input + output, Offset.offset(1e-12));
    assertThat(tags(cost))
        .containsOnlyKeys(
            "gen_ai.provider.name",
            "gen_ai.response.model",
            "llmetry4j.usage.cost.currency",
            "llmetry4j.usage.token_kind")
        .containsEntry("gen_ai.provider.name", List.of("openai"))
        .containsEntry("gen_ai.response.model", List.of("gpt-4o-mini-2024-07-18"))
        .containsEntry("llmetry4j.usage.cost.currency", List.of("USD"))
        .hasEntrySatisfying(
            "llmetry4j.usage.token_kind",
            kinds -> assertThat(kinds).containsExactlyInAnyOrder("input", "output"));
    Span agent =
        askTrace.stream()
            .filter(span -> span.getName().equals("invoke_agent Assistant"))
            .findFirst()
            .orElseThrow();
    assertThat(
            agent.getAttributesList().stream()
                .filter(a -> a.getKey().equals("llmetry4j.usage.cost"))
                .findFirst()
                .orElseThrow()
                .getValue()
                .getDoubleValue())
        .isCloseTo(input + output, Offset.offset(1e-12));
  }

  private JsonNode metric(String name, String... tags) throws Exception {
    StringBuilder path = new StringBuilder("/actuator/metrics/").append(name);
    for (int i = 0; i < tags.length; i++) {
      path.append(i == 0 ? '?' : '&').append("tag=").append(tags[i]);
    }
    HttpResponse<String> response = get(path.toString());
    assertThat(response.statusCode())
        .as("GET %s; the registry's meters: %s", path, get("/actuator/metrics").body())
        .isEqualTo(200);
    return json.readTree(response.body());
  }

  private static Map<String, Double> measurements(JsonNode metric) {
    Map<String, Double> values = new HashMap<>();
    metric
        .path("measurements")
        .forEach(m -> values.put(m.path("statistic").asText(), m.path("value").asDouble()));
    return values;
  }

  private static Map<String, List<String>> tags(JsonNode metric) {
    Map<String, List<String>> tags = new HashMap<>();
    metric
        .path("availableTags")
        .forEach(
            t ->
                tags.put(
                    t.path("tag").asText(),
                    json.convertValue(
                        t.path("values"),
                        json.getTypeFactory().constructCollectionType(List.class, String.class))));
    return tags;
  }
}
