package io.llmetry4j.spring;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.equalTo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.mcp.client.transport.McpTransport;
import dev.langchain4j.mcp.client.transport.http.StreamableHttpMcpTransport;
import dev.langchain4j.model.moderation.Moderation;
import dev.langchain4j.model.moderation.ModerationModel;
import dev.langchain4j.model.openai.OpenAiModerationModel;
import io.llmetry4j.core.internal.Forwarding;
import io.llmetry4j.core.testing.ReplayHttpServer;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The application's ModerationModel and McpTransport beans, real LangChain4j classes, wrapped by
 * the starter in real application contexts; the moderation against a local server answering in the
 * OpenAI wire format.
 */
class GuardrailsAndMcpAutoConfigurationTest {

  private static final String THREAT = "I will hurt you if you do not answer";

  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final OpenTelemetry openTelemetry =
      OpenTelemetrySdk.builder()
          .setTracerProvider(
              SdkTracerProvider.builder()
                  .addSpanProcessor(SimpleSpanProcessor.create(spans))
                  .build())
          .build();
  private final ReplayHttpServer openAi =
      ReplayHttpServer.start()
          .byDefault(
              "/v1/moderations",
              body ->
                  ReplayHttpServer.Response.json(200, resource("/openai-moderation-flagged.json")));
  private final StreamableHttpMcpTransport transport =
      new StreamableHttpMcpTransport.Builder().url("http://127.0.0.1:9/mcp").build();

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(LlmetryAutoConfiguration.class))
          .withBean(OpenTelemetry.class, () -> openTelemetry)
          .withBean(
              ModerationModel.class,
              () ->
                  OpenAiModerationModel.builder()
                      .baseUrl(openAi.baseUrl() + "/v1")
                      .apiKey("test-key-not-secret")
                      .modelName("omni-moderation-latest")
                      .maxRetries(0)
                      .build())
          .withBean(McpTransport.class, () -> transport);

  @AfterEach
  void close() {
    openAi.close();
    GlobalOpenTelemetry.resetForTest();
  }

  @Test
  void a_moderation_model_bean_is_wrapped_and_each_moderation_is_an_apply_guardrail_span() {
    runner.run(
        context -> {
          ModerationModel model = context.getBean(ModerationModel.class);
          assertThat(Forwarding.delegateOf(model)).isInstanceOf(OpenAiModerationModel.class);

          Moderation moderation = model.moderate(THREAT).content();

          assertThat(moderation).isEqualTo(Moderation.flagged(THREAT));
          assertThat(spans.getFinishedSpanItems()).hasSize(1);
          assertThat(spans.getFinishedSpanItems().get(0))
              .hasName("apply_guardrail OpenAiModerationModel")
              .hasKind(SpanKind.CLIENT)
              .hasAttributesSatisfying(
                  equalTo(AttributeKey.stringKey("gen_ai.operation.name"), "apply_guardrail"),
                  equalTo(AttributeKey.stringKey("gen_ai.provider.name"), "openai"),
                  equalTo(AttributeKey.stringKey("gen_ai.guardrail.result.type"), "flagged"),
                  equalTo(AttributeKey.stringKey("gen_ai.guardrail.result.value"), "true"));
        });
  }

  @Test
  void an_mcp_transport_bean_is_wrapped_around_the_applications_own() {
    runner.run(
        context -> {
          McpTransport bean = context.getBean(McpTransport.class);
          assertThat(bean).isNotSameAs(transport);
          assertThat(Forwarding.delegateOf(bean)).isSameAs(transport);
          // Every call reaches the application's transport: closing it closes the delegate.
          bean.close();
        });
  }

  @Test
  void the_moderation_and_mcp_switches_leave_the_beans_as_they_are() {
    runner
        .withPropertyValues(
            "llmetry4j.components.moderation=false", "llmetry4j.components.mcp=false")
        .run(
            context -> {
              assertThat(context.getBean(ModerationModel.class))
                  .isInstanceOf(OpenAiModerationModel.class);
              assertThat(context.getBean(McpTransport.class)).isSameAs(transport);

              context.getBean(ModerationModel.class).moderate(THREAT);

              assertThat(spans.getFinishedSpanItems()).isEmpty();
            });
  }

  private static String resource(String name) {
    try (InputStream in = GuardrailsAndMcpAutoConfigurationTest.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
