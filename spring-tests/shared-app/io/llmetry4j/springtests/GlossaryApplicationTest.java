package io.llmetry4j.springtests;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmetry4j.bootstrap.Llmetry;
import io.llmetry4j.core.testing.OtlpHttpReceiver;
import io.llmetry4j.core.testing.ReplayHttpServer;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
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

/**
 * {@link GlossaryApplication} on real Tomcat, asked once over real HTTP before the tests look at
 * what its SDK exported to a real OTLP receiver on 127.0.0.1; OpenAI is replayed on 127.0.0.1 (the
 * tool call first, the answer once the tool's result is in). Each module's subclass says where its
 * SDK exports ({@code @DynamicPropertySource} calling {@link #replayOpenAi}) and how to flush it.
 */
@SpringBootTest(
    classes = GlossaryApplication.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DirtiesContext
abstract class GlossaryApplicationTest {

  static final String ANSWER = "A span is one timed operation of a trace.";
  static final ReplayHttpServer openAi = ReplayHttpServer.start();
  static final OtlpHttpReceiver otlp = OtlpHttpReceiver.start();
  private static final HttpClient http = HttpClient.newHttpClient();

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
                  GlossaryApplicationTest.class.getName(),
                  (ExtensionContext.Store.CloseableResource)
                      () -> {
                        openAi.close();
                        otlp.close();
                      });

  /** Serves OpenAI's two answers and points LangChain4j's OpenAI starter at them. */
  static void replayOpenAi(DynamicPropertyRegistry registry) throws IOException {
    String toolCall = resource("/openai-tool-call-response.json");
    String answer = resource("/openai-chat-response.json");
    // Like a model: asks for the glossary tool first, answers once the tool result is in.
    openAi.byDefault(
        "/v1/chat/completions",
        body ->
            ReplayHttpServer.Response.json(
                200, body.replaceAll("\\s", "").contains("\"role\":\"tool\"") ? answer : toolCall));
    registry.add("langchain4j.open-ai.chat-model.base-url", () -> openAi.baseUrl() + "/v1");
  }

  @LocalServerPort int port;
  @Autowired ConfigurableApplicationContext context;

  HttpResponse<String> asked;
  List<Span> askTrace;
  Span server;

  /** Exports what ended before the answer was written. */
  abstract void flushTraces();

  @BeforeAll
  void ask() throws Exception {
    asked = get("/ask?q=" + URLEncoder.encode("What is a span?", StandardCharsets.UTF_8));
    flushTraces();
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

  /** Whose tracer provider {@code GlobalOpenTelemetry} has, said for an assertion's message. */
  String whoseIsGlobal(String applicationsSdk) {
    TracerProvider global = GlobalOpenTelemetry.getTracerProvider();
    Llmetry llmetry = context.getBeanProvider(Llmetry.class).getIfAvailable();
    if (global == context.getBean(OpenTelemetry.class).getTracerProvider()) {
      return applicationsSdk;
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

  HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = GlossaryApplicationTest.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
