package io.llmetry4j.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmetry4j.core.testing.OtlpHttpReceiver;
import io.llmetry4j.core.testing.ReceivedTelemetry;
import io.llmetry4j.core.testing.ReplayHttpServer;
import io.llmetry4j.spring.app.Assistant;
import io.llmetry4j.spring.app.RagApplication;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * A real Spring Boot application with LangChain4j's OpenAI and AI Service starters, its chat model
 * pointed at a local server answering in the OpenAI wire format, and llmetry4j's starter: one call
 * of the AI Service is one trace, with no llmetry4j code in the application.
 */
class SpringRagApplicationTest {

  private final ReplayHttpServer openAi = ReplayHttpServer.start();

  @AfterEach
  void stop() {
    openAi.close();
    GlobalOpenTelemetry.resetForTest();
  }

  private SpringApplicationBuilder application(Class<?>... sources) throws IOException {
    String toolCall = resource("/openai-tool-call-response.json");
    String answer = resource("/openai-chat-response.json");
    // Like a model: asks for the glossary tool first, answers once the tool result is in.
    openAi.byDefault(
        "/v1/chat/completions",
        body ->
            ReplayHttpServer.Response.json(
                200, body.replaceAll("\\s", "").contains("\"role\":\"tool\"") ? answer : toolCall));
    return new SpringApplicationBuilder(sources)
        .web(WebApplicationType.NONE)
        .properties(
            "spring.application.name=handbook-assistant",
            "langchain4j.open-ai.chat-model.base-url=" + openAi.baseUrl() + "/v1",
            "langchain4j.open-ai.chat-model.api-key=test-key-not-secret",
            "langchain4j.open-ai.chat-model.model-name=gpt-4o-mini",
            "langchain4j.open-ai.chat-model.max-retries=0");
  }

  /** The application's own OpenTelemetry, as with the OpenTelemetry Spring Boot starter. */
  @Configuration
  static class ApplicationsOpenTelemetry {
    // One per context: closing a context shuts its SDK and exporter down.
    @Bean
    InMemorySpanExporter spans() {
      return InMemorySpanExporter.create();
    }

    @Bean
    OpenTelemetry openTelemetry(InMemorySpanExporter spans) {
      return OpenTelemetrySdk.builder()
          .setTracerProvider(
              SdkTracerProvider.builder()
                  .addSpanProcessor(SimpleSpanProcessor.create(spans))
                  .build())
          .build();
    }
  }

  @Test
  void one_call_is_one_trace_in_the_applications_own_opentelemetry() throws Exception {
    try (ConfigurableApplicationContext context =
        application(RagApplication.class, ApplicationsOpenTelemetry.class).run()) {
      InMemorySpanExporter exporter = context.getBean(InMemorySpanExporter.class);
      exporter.reset(); // the ingestion at start-up is not the call

      String answer = context.getBean(Assistant.class).chat("What is a span?");

      assertThat(answer).isEqualTo("A span is one timed operation of a trace.");
      List<SpanData> spans = exporter.getFinishedSpanItems();
      Map<String, SpanData> byName =
          spans.stream().collect(Collectors.toMap(SpanData::getName, s -> s, (a, b) -> a));
      assertThat(byName)
          .containsOnlyKeys(
              "invoke_agent Assistant",
              "retrieval contentRetriever",
              "embeddings all-minilm-l6-v2",
              "search",
              "chat gpt-4o-mini",
              "execute_tool glossary");
      assertThat(spans)
          .extracting(SpanData::getName)
          .filteredOn("chat gpt-4o-mini"::equals)
          .hasSize(2);
      assertThat(spans).extracting(SpanData::getTraceId).containsOnly(spans.get(0).getTraceId());
      SpanData agent = byName.get("invoke_agent Assistant");
      SpanData retrieval = byName.get("retrieval contentRetriever");
      assertThat(retrieval.getParentSpanId()).isEqualTo(agent.getSpanId());
      assertThat(byName.get("embeddings all-minilm-l6-v2").getParentSpanId())
          .isEqualTo(retrieval.getSpanId());
      assertThat(byName.get("search").getParentSpanId()).isEqualTo(retrieval.getSpanId());
      assertThat(byName.get("chat gpt-4o-mini").getParentSpanId()).isEqualTo(agent.getSpanId());
      assertThat(byName.get("execute_tool glossary").getParentSpanId())
          .isEqualTo(agent.getSpanId());
    }
  }

  @Test
  void with_tools_switched_off_the_ai_service_keeps_its_tools_untraced() throws Exception {
    try (ConfigurableApplicationContext context =
        application(RagApplication.class, ApplicationsOpenTelemetry.class)
            .properties("llmetry4j.components.tools=false")
            .run()) {
      InMemorySpanExporter exporter = context.getBean(InMemorySpanExporter.class);
      exporter.reset();

      String answer = context.getBean(Assistant.class).chat("What is a span?");

      assertThat(answer).isEqualTo("A span is one timed operation of a trace.");
      assertThat(exporter.getFinishedSpanItems())
          .extracting(SpanData::getName)
          .contains("invoke_agent Assistant")
          .doesNotContain("execute_tool glossary");
      assertThat(openAi.requestBodies())
          .as("the tool still ran: its result went back to the model")
          .anySatisfy(body -> assertThat(body).contains("one timed operation of a trace"));
    }
  }

  @Test
  void without_an_opentelemetry_bean_the_spans_go_to_the_configured_otlp_endpoint()
      throws Exception {
    try (OtlpHttpReceiver receiver = OtlpHttpReceiver.start()) {
      ConfigurableApplicationContext context =
          application(RagApplication.class)
              .properties(
                  "otel.exporter.otlp.endpoint=" + receiver.endpoint(),
                  "otel.exporter.otlp.protocol=http/protobuf",
                  "otel.metrics.exporter=none")
              .run();
      context.getBean(Assistant.class).chat("What is a span?");

      context.close(); // flushes what the batch processor still holds

      ReceivedTelemetry received = receiver.received();
      assertThat(received.spans())
          .extracting(io.opentelemetry.proto.trace.v1.Span::getName)
          .contains("invoke_agent Assistant", "chat gpt-4o-mini", "retrieval contentRetriever");
      assertThat(received.spanResources())
          .allSatisfy(
              resource ->
                  assertThat(ReceivedTelemetry.stringAttributes(resource.getAttributesList()))
                      .containsEntry("service.name", "handbook-assistant"));
    }
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = SpringRagApplicationTest.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
