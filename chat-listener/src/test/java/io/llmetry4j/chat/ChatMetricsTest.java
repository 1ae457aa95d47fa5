package io.llmetry4j.chat;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.equalTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.ollama.OllamaChatModel;
import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.core.internal.SemconvAttributes;
import io.llmetry4j.core.testing.OllamaCassettes;
import io.llmetry4j.core.testing.ReplayHttpServer;
import io.llmetry4j.core.testing.ReplayHttpServer.Response;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.junit5.OpenTelemetryExtension;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The gen_ai.client.* metrics, read with the SDK's in-memory metric reader. */
class ChatMetricsTest {

  @RegisterExtension static final OpenTelemetryExtension otel = OpenTelemetryExtension.create();

  private static final List<Double> DURATION_BUCKETS =
      List.of(
          0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92);
  private static final List<Double> TOKEN_BUCKETS =
      List.of(
          1.0,
          4.0,
          16.0,
          64.0,
          256.0,
          1024.0,
          4096.0,
          16384.0,
          65536.0,
          262144.0,
          1048576.0,
          4194304.0,
          16777216.0,
          67108864.0);

  private final ReplayHttpServer ollama = OllamaCassettes.serveChat(ReplayHttpServer.start());

  // Built in each test: the extension resets the meter provider before each test, which
  // discards instruments created earlier.
  private ChatModel model() {
    return OllamaChatModel.builder()
        .baseUrl(ollama.baseUrl())
        .modelName("llama3")
        .timeout(Duration.ofSeconds(5))
        .maxRetries(0)
        .listeners(
            List.of(
                TracingChatModelListener.builder(LlmTelemetry.create(otel.getOpenTelemetry()))
                    .server("127.0.0.1", ollama.port())
                    .build()))
        .build();
  }

  @AfterEach
  void stop() {
    ollama.close();
  }

  @Test
  void duration_and_token_usage_follow_semconv_with_advised_buckets() {
    model().chat(OllamaChatListenerTest.chatRequest());

    assertThat(metric("gen_ai.client.operation.duration"))
        .hasUnit("s")
        .hasDescription("GenAI operation duration.")
        .hasHistogramSatisfying(
            histogram ->
                histogram.hasPointsSatisfying(
                    point ->
                        point
                            .hasCount(1)
                            .hasBucketBoundaries(toArray(DURATION_BUCKETS))
                            .hasAttributesSatisfyingExactly(
                                equalTo(SemconvAttributes.GEN_AI_OPERATION_NAME, "chat"),
                                equalTo(SemconvAttributes.GEN_AI_PROVIDER_NAME, "ollama"),
                                equalTo(SemconvAttributes.GEN_AI_REQUEST_MODEL, "llama3"),
                                equalTo(SemconvAttributes.GEN_AI_RESPONSE_MODEL, "llama3"),
                                equalTo(SemconvAttributes.SERVER_ADDRESS, "127.0.0.1"),
                                equalTo(SemconvAttributes.SERVER_PORT, (long) ollama.port()))));

    assertThat(metric("gen_ai.client.token.usage"))
        .hasUnit("{token}")
        .hasHistogramSatisfying(
            histogram ->
                histogram.hasPointsSatisfying(
                    point -> tokenPoint(point, "input", 17),
                    point -> tokenPoint(point, "output", 66)));
  }

  @Test
  void errors_record_duration_with_error_type_and_no_tokens() {
    ollama.enqueue("/api/chat", Response.json(500, "{\"error\":\"boom\"}"));
    Throwable thrown = catchThrowable(() -> model().chat(OllamaChatListenerTest.chatRequest()));
    SuiteRecord.exception(thrown);

    assertThat(thrown).isNotNull();
    assertThat(metric("gen_ai.client.operation.duration"))
        .hasHistogramSatisfying(
            histogram ->
                histogram.hasPointsSatisfying(
                    point ->
                        point
                            .hasCount(1)
                            .hasAttributesSatisfyingExactly(
                                equalTo(SemconvAttributes.GEN_AI_OPERATION_NAME, "chat"),
                                equalTo(SemconvAttributes.GEN_AI_PROVIDER_NAME, "ollama"),
                                equalTo(SemconvAttributes.GEN_AI_REQUEST_MODEL, "llama3"),
                                equalTo(SemconvAttributes.SERVER_ADDRESS, "127.0.0.1"),
                                equalTo(SemconvAttributes.SERVER_PORT, (long) ollama.port()),
                                equalTo(SemconvAttributes.ERROR_TYPE, "500"))));
    assertThat(otel.getMetrics())
        .extracting(MetricData::getName)
        .doesNotContain("gen_ai.client.token.usage");
  }

  private void tokenPoint(
      io.opentelemetry.sdk.testing.assertj.HistogramPointAssert point, String type, long tokens) {
    point
        .hasCount(1)
        .hasSum(tokens)
        .hasBucketBoundaries(toArray(TOKEN_BUCKETS))
        .hasAttributesSatisfyingExactly(
            equalTo(SemconvAttributes.GEN_AI_OPERATION_NAME, "chat"),
            equalTo(SemconvAttributes.GEN_AI_PROVIDER_NAME, "ollama"),
            equalTo(SemconvAttributes.GEN_AI_REQUEST_MODEL, "llama3"),
            equalTo(SemconvAttributes.GEN_AI_RESPONSE_MODEL, "llama3"),
            equalTo(SemconvAttributes.SERVER_ADDRESS, "127.0.0.1"),
            equalTo(SemconvAttributes.SERVER_PORT, (long) ollama.port()),
            equalTo(SemconvAttributes.GEN_AI_TOKEN_TYPE, type));
  }

  private static double[] toArray(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private static MetricData metric(String name) {
    return otel.getMetrics().stream()
        .filter(m -> m.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no metric " + name));
  }
}
