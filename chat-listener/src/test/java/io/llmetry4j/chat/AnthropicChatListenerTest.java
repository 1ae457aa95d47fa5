package io.llmetry4j.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.anthropic.AnthropicChatModel;
import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.core.internal.SemconvAttributes;
import io.llmetry4j.core.testing.ReplayHttpServer;
import io.llmetry4j.core.testing.ReplayHttpServer.Response;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.junit5.OpenTelemetryExtension;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The real AnthropicChatModel against a local server answering in Anthropic's Messages format:
 * Anthropic reports cache reads and cache writes apart from its input tokens, and semconv's {@code
 * gen_ai.usage.input_tokens} counts them all (span and token-usage metric).
 */
class AnthropicChatListenerTest {

  @RegisterExtension static final OpenTelemetryExtension otel = OpenTelemetryExtension.create();

  private final ReplayHttpServer anthropic = ReplayHttpServer.start();

  @AfterEach
  void stop() {
    anthropic.close();
  }

  @Test
  void input_tokens_include_cache_reads_and_cache_writes() throws IOException {
    String answer;
    try (InputStream in = getClass().getResourceAsStream("/anthropic-cached-response.json")) {
      answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    anthropic.byDefault("/v1/messages", body -> Response.json(200, answer));
    AnthropicChatModel model =
        AnthropicChatModel.builder()
            .baseUrl(anthropic.baseUrl() + "/v1/")
            .apiKey("test-key-not-secret")
            .modelName("claude-3-5-haiku-20241022")
            .maxRetries(0)
            .listeners(
                List.of(
                    TracingChatModelListener.create(LlmTelemetry.create(otel.getOpenTelemetry()))))
            .build();

    String text = model.chat(List.of(UserMessage.from("What is a span?"))).aiMessage().text();

    assertThat(text).isEqualTo("A span is one timed operation of a trace.");
    SpanData span = otel.getSpans().get(0);
    assertThat(span.getAttributes().get(SemconvAttributes.GEN_AI_PROVIDER_NAME))
        .isEqualTo("anthropic");
    assertThat(span.getAttributes().get(SemconvAttributes.GEN_AI_USAGE_INPUT_TOKENS))
        .as("12 input + 200 cache read + 100 cache creation")
        .isEqualTo(312L);
    assertThat(span.getAttributes().get(SemconvAttributes.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS))
        .isEqualTo(200L);
    assertThat(span.getAttributes().get(SemconvAttributes.GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS))
        .isEqualTo(100L);
    assertThat(span.getAttributes().get(SemconvAttributes.GEN_AI_USAGE_OUTPUT_TOKENS))
        .isEqualTo(11L);
    MetricData usage =
        otel.getMetrics().stream()
            .filter(m -> m.getName().equals("gen_ai.client.token.usage"))
            .findFirst()
            .orElseThrow();
    HistogramPointData input =
        usage.getHistogramData().getPoints().stream()
            .filter(
                p ->
                    "input"
                        .equals(p.getAttributes().get(AttributeKey.stringKey("gen_ai.token.type"))))
            .findFirst()
            .orElseThrow();
    assertThat(input.getSum()).isEqualTo(312.0);
  }
}
