package io.llmetry4j.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.langchain4j.guardrail.InputGuardrailException;
import io.llmetry4j.core.testing.ReplayHttpServer;
import io.llmetry4j.spring.guarded.GuardedApplication;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A real Spring Boot application with LangChain4j's OpenAI and AI Service starters and an
 * {@code @AiService} with an input guardrail: the guardrail's results are events on the AI
 * Service's span, with no llmetry4j code in the application.
 */
class SpringGuardrailApplicationTest {

  private static final AttributeKey<String> RESULT_VALUE =
      AttributeKey.stringKey("gen_ai.guardrail.result.value");
  private static final AttributeKey<String> COMPONENT =
      AttributeKey.stringKey("gen_ai.guardrail.component.name");

  private final ReplayHttpServer openAi = ReplayHttpServer.start();

  @AfterEach
  void stop() {
    openAi.close();
    GlobalOpenTelemetry.resetForTest();
  }

  private SpringApplicationBuilder application(String... properties) throws IOException {
    String answer;
    try (InputStream in = getClass().getResourceAsStream("/openai-chat-response.json")) {
      answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    openAi.byDefault("/v1/chat/completions", body -> ReplayHttpServer.Response.json(200, answer));
    return new SpringApplicationBuilder(
            GuardedApplication.class, SpringRagApplicationTest.ApplicationsOpenTelemetry.class)
        .web(WebApplicationType.NONE)
        .properties(
            "spring.application.name=guarded-assistant",
            "langchain4j.open-ai.chat-model.base-url=" + openAi.baseUrl() + "/v1",
            "langchain4j.open-ai.chat-model.api-key=test-key-not-secret",
            "langchain4j.open-ai.chat-model.model-name=gpt-4o-mini",
            "langchain4j.open-ai.chat-model.max-retries=0")
        .properties(properties);
  }

  private static List<EventData> guardrailEvents(SpanData span) {
    return span.getEvents().stream()
        .filter(event -> event.getName().equals("gen_ai.guardrail.result"))
        .collect(Collectors.toList());
  }

  @Test
  void a_blocked_question_and_a_passed_one_are_guardrail_events_on_the_agent_span()
      throws Exception {
    try (ConfigurableApplicationContext context = application().run()) {
      InMemorySpanExporter exporter = context.getBean(InMemorySpanExporter.class);
      GuardedApplication.GuardedAssistant assistant =
          context.getBean(GuardedApplication.GuardedAssistant.class);

      Throwable blocked = catchThrowable(() -> assistant.chat("my password is hunter2"));
      String answer = assistant.chat("What is a span?");

      assertThat(blocked).isInstanceOf(InputGuardrailException.class);
      assertThat(answer).isEqualTo("A span is one timed operation of a trace.");
      List<SpanData> agents =
          exporter.getFinishedSpanItems().stream()
              .filter(span -> span.getName().equals("invoke_agent GuardedAssistant"))
              .collect(Collectors.toList());
      assertThat(agents).hasSize(2);
      assertThat(guardrailEvents(agents.get(0)))
          .singleElement()
          .satisfies(
              event -> {
                assertThat(event.getAttributes().get(RESULT_VALUE)).isEqualTo("FAILURE");
                assertThat(event.getAttributes().get(COMPONENT)).isEqualTo("NoPasswords");
              });
      assertThat(guardrailEvents(agents.get(1)))
          .singleElement()
          .satisfies(
              event -> assertThat(event.getAttributes().get(RESULT_VALUE)).isEqualTo("SUCCESS"));
    }
  }

  @Test
  void with_guardrails_switched_off_there_are_no_guardrail_events() throws Exception {
    try (ConfigurableApplicationContext context =
        application("llmetry4j.components.guardrails=false").run()) {
      InMemorySpanExporter exporter = context.getBean(InMemorySpanExporter.class);
      GuardedApplication.GuardedAssistant assistant =
          context.getBean(GuardedApplication.GuardedAssistant.class);

      Throwable blocked = catchThrowable(() -> assistant.chat("my password is hunter2"));

      assertThat(blocked).isInstanceOf(InputGuardrailException.class);
      SpanData agent =
          exporter.getFinishedSpanItems().stream()
              .filter(span -> span.getName().equals("invoke_agent GuardedAssistant"))
              .findFirst()
              .orElseThrow();
      assertThat(guardrailEvents(agent)).isEmpty();
    }
  }
}
