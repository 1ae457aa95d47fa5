package io.llmetry4j.rag;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.equalTo;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.satisfies;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.guardrail.InputGuardrail;
import dev.langchain4j.guardrail.InputGuardrailException;
import dev.langchain4j.guardrail.InputGuardrailResult;
import dev.langchain4j.guardrail.OutputGuardrail;
import dev.langchain4j.guardrail.OutputGuardrailResult;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.MemoryId;
import io.llmetry4j.chat.TracingChatModelListener;
import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.core.internal.SemconvAttributes;
import io.llmetry4j.core.testing.ReplayHttpServer;
import io.llmetry4j.core.testing.ReplayHttpServer.Response;
import io.llmetry4j.core.testing.SemconvSpans;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Input and output guardrails of a real AI Service (the real OpenAiChatModel against recorded
 * answers replayed on 127.0.0.1), each evaluation a {@code gen_ai.guardrail.result} event on the
 * {@code invoke_agent} span it guards. The keys and values held here are those of the event in
 * open-telemetry/semantic-conventions-genai, docs/gen-ai/gen-ai-guardrails.md (there is no checker
 * for that repository): {@code gen_ai.guardrail.component.name}, {@code gen_ai.guardrail.source},
 * {@code gen_ai.guardrail.result.type}/{@code .value} (the native result, never a verdict), {@code
 * gen_ai.guardrail.result.reason} and the opt-in {@code gen_ai.guardrail.content.*.value}.
 */
class GuardrailTracingTest {

  interface Assistant {
    String chat(@MemoryId String conversationId, @dev.langchain4j.service.UserMessage String text);
  }

  /** Blocks prompts asking for a password. */
  static final class NoPasswords implements InputGuardrail {
    @Override
    public InputGuardrailResult validate(UserMessage userMessage) {
      return userMessage.singleText().contains("password")
          ? failure("The prompt asks for a password")
          : success();
    }
  }

  /** Replaces order numbers before the model sees them. */
  static final class HideOrderNumbers implements InputGuardrail {
    @Override
    public InputGuardrailResult validate(UserMessage userMessage) {
      String text = userMessage.singleText();
      return text.contains("ACME-123")
          ? successWith(text.replace("ACME-123", "[order]"))
          : success();
    }
  }

  /** Asks the model again until its answer gives the temperature. */
  static final class GivesTemperature implements OutputGuardrail {
    @Override
    public OutputGuardrailResult validate(AiMessage responseFromLLM) {
      return responseFromLLM.text().contains("degrees")
          ? success()
          : retry("The answer must give the temperature");
    }
  }

  private static final String WEATHER = "What is the weather in San Francisco?";
  private static final String GOOD_ANSWER = "It is 70 degrees and sunny in San Francisco.";

  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final OpenTelemetrySdk sdk =
      OpenTelemetrySdk.builder()
          .setTracerProvider(
              SdkTracerProvider.builder()
                  .addSpanProcessor(SimpleSpanProcessor.create(spans))
                  .build())
          .build();
  private final ReplayHttpServer openAi = ReplayHttpServer.start();

  @AfterEach
  void close() {
    openAi.close();
    sdk.close();
  }

  private ChatModel chatModel(ReplayHttpServer server, LlmTelemetry telemetry) {
    OpenAiChatModel.OpenAiChatModelBuilder builder =
        OpenAiChatModel.builder()
            .baseUrl(server.baseUrl() + "/v1")
            .apiKey("test-key-not-secret")
            .modelName("gpt-4o-mini")
            .maxRetries(0);
    if (telemetry != null) {
      builder.listeners(List.of(TracingChatModelListener.create(telemetry)));
    }
    return builder.build();
  }

  private AiServices<Assistant> services(ReplayHttpServer server, LlmTelemetry telemetry) {
    return AiServices.builder(Assistant.class)
        .chatModel(chatModel(server, telemetry))
        // An output guardrail's retry asks again within the conversation: it needs a memory.
        .chatMemoryProvider(id -> MessageWindowChatMemory.withMaxMessages(20))
        .inputGuardrails(new NoPasswords(), new HideOrderNumbers())
        .outputGuardrails(new GivesTemperature());
  }

  private Assistant traced(UnaryOperator<LlmTelemetry.Builder> settings) {
    LlmTelemetry telemetry = settings.apply(LlmTelemetry.builder(sdk)).build();
    AiServices<Assistant> services =
        TracingGuardrails.addTo(services(openAi, telemetry), telemetry);
    // Told the model: a call blocked before any chat still has its Required provider.
    return TracingAiService.builder(telemetry, Assistant.class, services.build())
        .chatModel(chatModel(openAi, null))
        .build();
  }

  /** The same AI Service without any tracing, against its own server with the same answers. */
  private static Object untraced(UnaryOperator<ReplayHttpServer> answers, String text) {
    try (ReplayHttpServer server = answers.apply(ReplayHttpServer.start())) {
      Assistant plain =
          AiServices.builder(Assistant.class)
              .chatModel(
                  OpenAiChatModel.builder()
                      .baseUrl(server.baseUrl() + "/v1")
                      .apiKey("test-key-not-secret")
                      .modelName("gpt-4o-mini")
                      .maxRetries(0)
                      .build())
              .chatMemoryProvider(id -> MessageWindowChatMemory.withMaxMessages(20))
              .inputGuardrails(new NoPasswords(), new HideOrderNumbers())
              .outputGuardrails(new GivesTemperature())
              .build();
      try {
        return plain.chat("c1", text);
      } catch (RuntimeException e) {
        return e;
      }
    }
  }

  private static ReplayHttpServer retryThenAnswer(ReplayHttpServer server) {
    return server
        .enqueue(
            "/v1/chat/completions",
            Response.json(200, RagFixture.resource("openai-answer-without-temperature.json")))
        .enqueue(
            "/v1/chat/completions",
            Response.json(200, RagFixture.resource("openai-final-response.json")));
  }

  @Test
  void
      a_blocking_input_guardrail_is_a_failure_event_on_the_agent_span_which_fails_as_without_tracing() {
    Throwable traced =
        catchThrowable(() -> traced(s -> s).chat("c1", "What is the admin password?"));

    Object plain = untraced(server -> server, "What is the admin password?");
    assertThat(traced).isInstanceOf(InputGuardrailException.class);
    assertThat(plain).isInstanceOf(InputGuardrailException.class);
    assertThat(traced).hasMessage(((Throwable) plain).getMessage());
    assertThat(openAi.requestBodies()).as("the model is never asked").isEmpty();

    SpanData agent = only("invoke_agent Assistant");
    assertThat(spans.getFinishedSpanItems()).hasSize(1);
    assertThat(agent)
        .hasKind(SpanKind.INTERNAL)
        .hasStatus(
            io.opentelemetry.sdk.trace.data.StatusData.create(
                StatusCode.ERROR, traced.getMessage()))
        .hasAttribute(SemconvAttributes.ERROR_TYPE, InputGuardrailException.class.getName());
    // A FAILURE (unlike FATAL) lets the next guardrail run; then the error rule's exception event.
    assertThat(agent.getEvents())
        .extracting(EventData::getName)
        .containsExactly(
            GuardrailAttributes.RESULT_EVENT, GuardrailAttributes.RESULT_EVENT, "exception");
    assertThat(agent.getEvents().get(0).getAttributes())
        .hasSize(6)
        .containsEntry(GuardrailAttributes.COMPONENT_NAME, "NoPasswords")
        .containsEntry(GuardrailAttributes.SOURCE, "input")
        .containsEntry(GuardrailAttributes.RESULT_TYPE, "result")
        .containsEntry(GuardrailAttributes.RESULT_VALUE, "FAILURE")
        .containsEntry(GuardrailAttributes.GUARDRAIL_CLASS, NoPasswords.class.getName())
        .hasEntrySatisfying(
            GuardrailAttributes.DURATION, seconds -> assertThat(seconds).isBetween(0.0, 5.0));
    assertThat(agent.getEvents().get(1).getAttributes())
        .containsEntry(GuardrailAttributes.COMPONENT_NAME, "HideOrderNumbers")
        .containsEntry(GuardrailAttributes.RESULT_VALUE, "SUCCESS");
    SemconvSpans.assertConforms(agent, "span.gen_ai.invoke_agent.internal");
  }

  @Test
  void with_content_capture_the_failure_message_and_the_evaluated_prompt_are_on_the_event() {
    catchThrowable(
        () -> traced(s -> s.captureContent(true)).chat("c1", "What is the admin password?"));

    assertThat(only("invoke_agent Assistant").getEvents().get(0).getAttributes())
        .hasSize(8)
        .containsEntry(GuardrailAttributes.RESULT_VALUE, "FAILURE")
        .containsEntry(GuardrailAttributes.RESULT_REASON, "The prompt asks for a password")
        .containsEntry(GuardrailAttributes.CONTENT_INPUT, "What is the admin password?");
  }

  @Test
  void an_output_guardrail_asking_to_retry_shows_each_evaluation_and_the_answer_is_unchanged() {
    retryThenAnswer(openAi);

    String answer = traced(s -> s).chat("c1", WEATHER);

    assertThat(answer)
        .isEqualTo(GOOD_ANSWER)
        .isEqualTo(untraced(GuardrailTracingTest::retryThenAnswer, WEATHER));
    assertThat(SpanTree.render(spans.getFinishedSpanItems()))
        .isEqualTo(
            String.join(
                "\n", "invoke_agent Assistant", "  chat gpt-4o-mini", "  chat gpt-4o-mini"));
    SpanData agent = only("invoke_agent Assistant");
    assertThat(agent).hasStatus(io.opentelemetry.sdk.trace.data.StatusData.unset());
    List<EventData> events = agent.getEvents();
    assertThat(events)
        .extracting(EventData::getName)
        .containsOnly(GuardrailAttributes.RESULT_EVENT);
    // Both input guardrails once; the output guardrail on the first answer, then on the second.
    assertThat(events)
        .extracting(event -> event.getAttributes().get(GuardrailAttributes.COMPONENT_NAME))
        .containsExactly("NoPasswords", "HideOrderNumbers", "GivesTemperature", "GivesTemperature");
    assertThat(events)
        .extracting(event -> event.getAttributes().get(GuardrailAttributes.RESULT_VALUE))
        // LangChain4j reports a retry as FATAL with its retry flag: recorded as it says.
        .containsExactly("SUCCESS", "SUCCESS", "FATAL", "SUCCESS");
    assertThat(events.get(2).getAttributes())
        .hasSize(8)
        .containsEntry(GuardrailAttributes.SOURCE, "output")
        .containsEntry(GuardrailAttributes.RESULT_TYPE, "result")
        .containsEntry(GuardrailAttributes.GUARDRAIL_CLASS, GivesTemperature.class.getName())
        .containsEntry(GuardrailAttributes.RETRY, true)
        .containsEntry(GuardrailAttributes.REPROMPT, false)
        .containsKey(GuardrailAttributes.DURATION);
    // A success carries no flags; nothing of the content without capture.
    assertThat(events.get(3).getAttributes()).hasSize(6);
    SemconvSpans.assertConforms(agent, "span.gen_ai.invoke_agent.internal");
  }

  @Test
  void a_rewrite_is_success_with_result_and_with_capture_on_the_rewritten_text_is_the_output() {
    openAi.enqueue(
        "/v1/chat/completions",
        Response.json(200, RagFixture.resource("openai-final-response.json")));

    traced(s -> s.captureContent(true)).chat("c1", "Where is ACME-123?");

    EventData rewrite = only("invoke_agent Assistant").getEvents().get(1);
    assertThat(rewrite.getAttributes())
        .containsEntry(GuardrailAttributes.COMPONENT_NAME, "HideOrderNumbers")
        .containsEntry(GuardrailAttributes.RESULT_VALUE, "SUCCESS_WITH_RESULT")
        .containsEntry(GuardrailAttributes.CONTENT_INPUT, "Where is ACME-123?")
        .containsEntry(GuardrailAttributes.CONTENT_OUTPUT, "Where is [order]?")
        .doesNotContainKey(GuardrailAttributes.RESULT_REASON);
    assertThat(openAi.requestBodies().get(0)).contains("Where is [order]?").doesNotContain("ACME");
  }

  @Test
  void without_a_traced_ai_service_the_events_go_on_the_span_current_at_the_call() {
    LlmTelemetry telemetry = LlmTelemetry.create(sdk);
    Assistant assistant = TracingGuardrails.addTo(services(openAi, telemetry), telemetry).build();
    Span request = sdk.getTracer("test").spanBuilder("POST /ask").startSpan();
    try (Scope ignored = request.makeCurrent()) {
      catchThrowable(() -> assistant.chat("c1", "What is the admin password?"));
    } finally {
      request.end();
    }

    assertThat(only("POST /ask").getEvents())
        .first()
        .satisfies(
            event ->
                assertThat(event)
                    .hasName(GuardrailAttributes.RESULT_EVENT)
                    .hasAttributesSatisfying(
                        equalTo(GuardrailAttributes.RESULT_VALUE, "FAILURE"),
                        satisfies(
                            GuardrailAttributes.COMPONENT_NAME,
                            name -> name.isEqualTo("NoPasswords"))));
  }

  @Test
  void every_call_is_forgotten_once_it_ends_blocked_or_answered() {
    retryThenAnswer(openAi);
    AiServiceInvocations invocations = new AiServiceInvocations();
    AiServices<Assistant> services = services(openAi, null);
    services.registerListeners(invocations.listeners());
    Assistant assistant = services.build();

    catchThrowable(() -> assistant.chat("c1", "What is the admin password?"));
    assistant.chat("c2", WEATHER);

    assertThat(invocations.trackedCount()).isZero();
  }

  private SpanData only(String name) {
    List<SpanData> named =
        spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).toList();
    assertThat(named).as("spans named %s", name).hasSize(1);
    return named.get(0);
  }
}
