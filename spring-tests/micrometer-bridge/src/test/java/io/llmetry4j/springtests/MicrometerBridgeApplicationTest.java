package io.llmetry4j.springtests;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmetry4j.bootstrap.Llmetry;
import io.llmetry4j.core.testing.OtlpHttpReceiver;
import io.llmetry4j.core.testing.ReplayHttpServer;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A Spring Boot 3.5.7 web application traced by Micrometer Tracing's OpenTelemetry bridge (Boot's
 * own OpenTelemetry SDK, exporting over OTLP/HTTP), with LangChain4j's starters and llmetry4j's
 * starter added: one real HTTP request to {@code /ask} is one trace from the server span down to
 * the tool's own observation, through Boot's one SDK, and the GenAI metrics are in Boot's
 * Micrometer registry.
 */
@SpringBootTest(
    classes = GlossaryApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DirtiesContext
class MicrometerBridgeApplicationTest {

  static final String ANSWER = "A span is one timed operation of a trace.";
  private static final String BOOTS_OPENTELEMETRY_CONFIGURATION =
      "org.springframework.boot.actuate.autoconfigure.opentelemetry.OpenTelemetryAutoConfiguration";
  private static final ReplayHttpServer openAi = ReplayHttpServer.start();
  private static final OtlpHttpReceiver otlp = OtlpHttpReceiver.start();
  private static final HttpClient http = HttpClient.newHttpClient();
  private static final ObjectMapper json = new ObjectMapper();

  @DynamicPropertySource
  static void endpoints(DynamicPropertyRegistry registry) throws IOException {
    String toolCall = resource("/openai-tool-call-response.json");
    String answer = resource("/openai-chat-response.json");
    // Like a model: asks for the glossary tool first, answers once the tool result is in.
    openAi.byDefault(
        "/v1/chat/completions",
        body ->
            ReplayHttpServer.Response.json(
                200, body.replaceAll("\\s", "").contains("\"role\":\"tool\"") ? answer : toolCall));
    registry.add("langchain4j.open-ai.chat-model.base-url", () -> openAi.baseUrl() + "/v1");
    registry.add("management.otlp.tracing.endpoint", () -> otlp.endpoint() + "/v1/traces");
  }

  @LocalServerPort int port;
  @Autowired ConfigurableApplicationContext context;

  private HttpResponse<String> asked;
  private List<Span> askTrace;
  private Span server;

  @BeforeAll
  void ask() throws Exception {
    asked = get("/ask?q=" + URLEncoder.encode("What is a span?", StandardCharsets.UTF_8));
    context
        .getBean(SdkTracerProvider.class)
        .forceFlush()
        .join(10, TimeUnit.SECONDS); // what ended before the answer was written
    // The server span ends once the response is written: wait for it to arrive.
    assertThat(otlp.received().await(() -> serverSpan().isPresent(), Duration.ofSeconds(20)))
        .as("the server span of GET /ask arrived")
        .isTrue();
    server = serverSpan().orElseThrow();
    askTrace =
        otlp.received().spans().stream()
            .filter(span -> span.getTraceId().equals(server.getTraceId()))
            .toList();
    System.out.println(
        "trace of GET /ask:\n" + TraceTree.render(otlp.received().spans(), server.getTraceId()));
  }

  /**
   * The servers close after everything else: after the context, which {@code @DirtiesContext}
   * closes once the class is done, so that its SDK flushes to a receiver that still listens.
   */
  @RegisterExtension
  static final BeforeAllCallback closeServersLast =
      extension ->
          extension
              .getRoot()
              .getStore(ExtensionContext.Namespace.GLOBAL)
              .put(
                  MicrometerBridgeApplicationTest.class.getName(),
                  (ExtensionContext.Store.CloseableResource)
                      () -> {
                        openAi.close();
                        otlp.close();
                      });

  @AfterAll
  void resetGlobal() {
    GlobalOpenTelemetry.resetForTest();
  }

  @Test
  void the_request_is_answered_by_the_ai_service_through_the_tool() {
    assertThat(asked.statusCode()).isEqualTo(200);
    assertThat(asked.body()).isEqualTo(ANSWER);
    assertThat(openAi.requestBodies())
        .as("the tool ran: its result went back to the model")
        .hasSize(2)
        .last()
        .satisfies(body -> assertThat(body).contains("one timed operation of a trace"));
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
              .as("GlobalOpenTelemetry's tracer provider (%s)", whoseIsGlobal())
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

  private String whoseIsGlobal() {
    TracerProvider global = GlobalOpenTelemetry.getTracerProvider();
    Llmetry llmetry = context.getBeanProvider(Llmetry.class).getIfAvailable();
    if (global == context.getBean(OpenTelemetry.class).getTracerProvider()) {
      return "Boot's SDK";
    } else if (global == TracerProvider.noop()) {
      return "a no-op";
    } else if (llmetry != null && global == llmetry.openTelemetry().getTracerProvider()) {
      return "llmetry4j's own SDK";
    }
    return "another SDK: " + global;
  }

  private Optional<Span> serverSpan() {
    return otlp.received().spans().stream()
        .filter(span -> span.getKind() == Span.SpanKind.SPAN_KIND_SERVER)
        .filter(span -> span.getName().toLowerCase().contains("/ask"))
        .findFirst();
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = MicrometerBridgeApplicationTest.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
