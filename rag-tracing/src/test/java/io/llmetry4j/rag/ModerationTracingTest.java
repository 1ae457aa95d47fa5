package io.llmetry4j.rag;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.equalTo;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.satisfies;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.langchain4j.model.moderation.Moderation;
import dev.langchain4j.model.moderation.ModerationModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiModerationModel;
import dev.langchain4j.model.output.Response;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.Moderate;
import dev.langchain4j.service.ModerationException;
import io.llmetry4j.chat.TracingChatModelListener;
import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.core.internal.SemconvAttributes;
import io.llmetry4j.core.testing.ReplayHttpServer;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The real OpenAiModerationModel against a recorded-format {@code /moderations} answer replayed on
 * 127.0.0.1, called directly and through {@code @Moderate} on a real AI Service. The span is held
 * against the {@code gen_ai.apply_guardrail.client} span of
 * open-telemetry/semantic-conventions-genai, docs/gen-ai/gen-ai-guardrails.md (no checker exists
 * for that repository): name {@code apply_guardrail {gen_ai.guardrail.component.name}}, kind
 * CLIENT, Required {@code gen_ai.operation.name} = {@code apply_guardrail} and {@code
 * gen_ai.provider.name}, {@code server.port} with {@code server.address}, the native {@code
 * gen_ai.guardrail.result.type}/{@code .value}, the opt-in {@code
 * gen_ai.guardrail.content.input.value}.
 */
class ModerationTracingTest {

  interface Assistant {
    @Moderate
    String chat(String text);
  }

  private static final String THREAT = "I will hurt you if you do not answer";
  private static final String WEATHER = "What is the weather in San Francisco?";
  private static final String SPAN = "apply_guardrail OpenAiModerationModel";

  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final OpenTelemetrySdk sdk =
      OpenTelemetrySdk.builder()
          .setTracerProvider(
              SdkTracerProvider.builder()
                  .addSpanProcessor(SimpleSpanProcessor.create(spans))
                  .build())
          .build();
  private final LlmTelemetry telemetry = LlmTelemetry.create(sdk);
  private final ReplayHttpServer openAi = ReplayHttpServer.start();

  @AfterEach
  void close() {
    openAi.close();
    sdk.close();
  }

  private static ModerationModel moderationModel(ReplayHttpServer server) {
    return OpenAiModerationModel.builder()
        .baseUrl(server.baseUrl() + "/v1")
        .apiKey("test-key-not-secret")
        .modelName("omni-moderation-latest")
        .maxRetries(0)
        .build();
  }

  private ModerationModel traced(LlmTelemetry telemetry) {
    return TracingModerationModel.builder(telemetry, moderationModel(openAi))
        .baseUrl(openAi.baseUrl() + "/v1")
        .build();
  }

  private static ReplayHttpServer answering(ReplayHttpServer server, String moderation) {
    return server
        .byDefault(
            "/v1/moderations",
            body -> ReplayHttpServer.Response.json(200, RagFixture.resource(moderation)))
        .byDefault(
            "/v1/chat/completions",
            body ->
                ReplayHttpServer.Response.json(
                    200, RagFixture.resource("openai-final-response.json")));
  }

  private Assistant assistant(ReplayHttpServer server, boolean handOff) {
    AiServices<Assistant> services =
        AiServices.builder(Assistant.class)
            .chatModel(
                OpenAiChatModel.builder()
                    .baseUrl(server.baseUrl() + "/v1")
                    .apiKey("test-key-not-secret")
                    .modelName("gpt-4o-mini")
                    .maxRetries(0)
                    .listeners(List.of(TracingChatModelListener.create(telemetry)))
                    .build());
    if (handOff) {
      TracingModerationModel.addTo(services, telemetry, moderationModel(server));
    } else {
      services.moderationModel(TracingModerationModel.wrap(telemetry, moderationModel(server)));
    }
    return TracingAiService.wrap(telemetry, Assistant.class, services.build());
  }

  private static Object untracedAssistant(String moderation, String text) {
    try (ReplayHttpServer server = answering(ReplayHttpServer.start(), moderation)) {
      Assistant plain =
          AiServices.builder(Assistant.class)
              .chatModel(
                  OpenAiChatModel.builder()
                      .baseUrl(server.baseUrl() + "/v1")
                      .apiKey("test-key-not-secret")
                      .modelName("gpt-4o-mini")
                      .maxRetries(0)
                      .build())
              .moderationModel(moderationModel(server))
              .build();
      try {
        return plain.chat(text);
      } catch (RuntimeException e) {
        return e;
      }
    }
  }

  @Test
  void
      a_direct_moderation_is_an_apply_guardrail_client_span_under_the_caller_with_the_native_result() {
    answering(openAi, "openai-moderation-flagged.json");
    Span request = sdk.getTracer("test").spanBuilder("POST /ask").startSpan();
    Response<Moderation> response;
    try (Scope ignored = request.makeCurrent()) {
      response = traced(telemetry).moderate(THREAT);
    } finally {
      request.end();
    }

    Response<Moderation> plain;
    try (ReplayHttpServer server =
        answering(ReplayHttpServer.start(), "openai-moderation-flagged.json")) {
      plain = moderationModel(server).moderate(THREAT);
    }
    assertThat(response.content()).isEqualTo(plain.content()).isEqualTo(Moderation.flagged(THREAT));
    assertThat(response).isEqualTo(plain);

    SpanData moderation = only(SPAN);
    assertThat(moderation)
        .hasKind(SpanKind.CLIENT)
        .hasParent(only("POST /ask"))
        .hasAttributesSatisfyingExactly(
            equalTo(SemconvAttributes.GEN_AI_OPERATION_NAME, "apply_guardrail"),
            equalTo(SemconvAttributes.GEN_AI_PROVIDER_NAME, "openai"),
            equalTo(GuardrailAttributes.COMPONENT_NAME, "OpenAiModerationModel"),
            equalTo(SemconvAttributes.GEN_AI_REQUEST_MODEL, "omni-moderation-latest"),
            equalTo(SemconvAttributes.SERVER_ADDRESS, "127.0.0.1"),
            equalTo(SemconvAttributes.SERVER_PORT, (long) openAi.port()),
            // Moderation.flagged(), as LangChain4j reports it; it reports no categories.
            equalTo(GuardrailAttributes.RESULT_TYPE, "flagged"),
            equalTo(GuardrailAttributes.RESULT_VALUE, "true"));
  }

  @Test
  void with_content_capture_the_moderated_text_is_the_guardrail_input() {
    answering(openAi, "openai-moderation-not-flagged.json");
    LlmTelemetry capturing = LlmTelemetry.builder(sdk).captureContent(true).build();

    Response<Moderation> response = traced(capturing).moderate(WEATHER);

    assertThat(response.content().flagged()).isFalse();
    assertThat(only(SPAN))
        .hasAttribute(GuardrailAttributes.CONTENT_INPUT, WEATHER)
        .hasAttribute(GuardrailAttributes.RESULT_VALUE, "false");
  }

  @Test
  void a_failed_moderation_gives_error_type_and_the_same_exception() {
    openAi.byDefault(
        "/v1/moderations",
        body -> ReplayHttpServer.Response.json(500, "{\"error\":{\"message\":\"overloaded\"}}"));

    Throwable traced = catchThrowable(() -> traced(telemetry).moderate(WEATHER));

    Throwable plain;
    try (ReplayHttpServer server = ReplayHttpServer.start()) {
      server.byDefault(
          "/v1/moderations",
          body -> ReplayHttpServer.Response.json(500, "{\"error\":{\"message\":\"overloaded\"}}"));
      plain = catchThrowable(() -> moderationModel(server).moderate(WEATHER));
    }
    assertThat(traced).isNotNull().hasSameClassAs(plain).hasMessage(plain.getMessage());
    assertThat(only(SPAN))
        .hasStatus(
            io.opentelemetry.sdk.trace.data.StatusData.create(
                StatusCode.ERROR, traced.getMessage()))
        .hasAttribute(SemconvAttributes.ERROR_TYPE, "500");
    assertThat(only(SPAN).getAttributes().get(GuardrailAttributes.RESULT_VALUE)).isNull();
  }

  @Test
  void moderate_on_an_ai_service_is_a_child_of_the_agent_span_though_it_runs_on_another_thread() {
    answering(openAi, "openai-moderation-flagged.json");

    Throwable traced = catchThrowable(() -> assistant(openAi, true).chat(THREAT));

    Object plain = untracedAssistant("openai-moderation-flagged.json", THREAT);
    assertThat(traced).isInstanceOf(ModerationException.class);
    assertThat(plain).isInstanceOf(ModerationException.class);
    assertThat(traced).hasMessage(((Throwable) plain).getMessage());
    SpanData agent = only("invoke_agent Assistant");
    assertThat(agent)
        .hasAttribute(SemconvAttributes.ERROR_TYPE, ModerationException.class.getName());
    // Moderation and chat run at once: both under the agent, in either order.
    assertThat(only(SPAN)).hasParent(agent).hasAttribute(GuardrailAttributes.RESULT_VALUE, "true");
    assertThat(only("chat gpt-4o-mini")).hasParent(agent);
    assertThat(spans.getFinishedSpanItems()).hasSize(3);
  }

  @Test
  void an_answer_that_passes_moderation_is_returned_unchanged_with_the_span_under_the_agent() {
    answering(openAi, "openai-moderation-not-flagged.json");

    String answer = assistant(openAi, true).chat(WEATHER);

    assertThat(answer)
        .isEqualTo("It is 70 degrees and sunny in San Francisco.")
        .isEqualTo(untracedAssistant("openai-moderation-not-flagged.json", WEATHER));
    SpanData agent = only("invoke_agent Assistant");
    assertThat(only(SPAN))
        .hasParent(agent)
        .hasAttributesSatisfying(
            equalTo(GuardrailAttributes.RESULT_VALUE, "false"),
            satisfies(
                SemconvAttributes.GEN_AI_PROVIDER_NAME, provider -> provider.isEqualTo("openai")));
  }

  @Test
  void after_an_input_guardrail_rewrote_the_prompt_the_moderation_still_finds_its_agent_span() {
    answering(openAi, "openai-moderation-not-flagged.json");
    AiServices<Assistant> services =
        AiServices.builder(Assistant.class)
            .chatModel(
                OpenAiChatModel.builder()
                    .baseUrl(openAi.baseUrl() + "/v1")
                    .apiKey("test-key-not-secret")
                    .modelName("gpt-4o-mini")
                    .maxRetries(0)
                    .build())
            .inputGuardrails(new GuardrailTracingTest.HideOrderNumbers());
    TracingModerationModel.addTo(services, telemetry, moderationModel(openAi));
    Assistant assistant = TracingAiService.wrap(telemetry, Assistant.class, services.build());

    assistant.chat("Where is ACME-123?");

    // The moderated message is an equal copy of the rewrite LangChain4j reported, not the same one.
    assertThat(only(SPAN)).hasParent(only("invoke_agent Assistant"));
    assertThat(openAi.requestBodies())
        .anyMatch(body -> body.contains("\"input\"") && body.contains("[order]"));
  }

  @Test
  void wrapped_without_add_to_the_moderation_of_moderate_starts_its_own_trace() {
    answering(openAi, "openai-moderation-not-flagged.json");

    assistant(openAi, false).chat(WEATHER);

    // LangChain4j's executor has no context and the model gets nothing but the messages.
    assertThat(only(SPAN).getParentSpanContext().isValid()).isFalse();
    assertThat(only(SPAN).getTraceId()).isNotEqualTo(only("invoke_agent Assistant").getTraceId());
  }

  private SpanData only(String name) {
    List<SpanData> named =
        spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals(name)).toList();
    assertThat(named).as("spans named %s", name).hasSize(1);
    return named.get(0);
  }
}
