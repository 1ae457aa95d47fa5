package io.llmetry4j.rag;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.service.AiServices;
import io.llmetry4j.chat.TracingChatModelListener;
import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.core.TokenPrices;
import io.llmetry4j.core.testing.ReplayHttpServer;
import io.llmetry4j.core.testing.ReplayHttpServer.Response;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.testing.junit5.OpenTelemetryExtension;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An AI Service that calls the model twice (a tool call, then the answer) inside a workflow: each
 * chat span costs its tokens, the agent span the sum of its calls, the workflow the same sum.
 */
class AgentCostTest {

  @RegisterExtension static final OpenTelemetryExtension otel = OpenTelemetryExtension.create();

  static final AttributeKey<Double> COST = AttributeKey.doubleKey("llmetry4j.usage.cost");

  interface Assistant {
    String chat(String question);
  }

  /** The tool of the request. */
  public static final class WeatherTools {
    @Tool("Current weather of a city")
    public String getWeather(String city) {
      return "70 degrees and sunny in " + city;
    }
  }

  private final ReplayHttpServer openAi =
      ReplayHttpServer.start()
          .enqueue(
              "/v1/chat/completions",
              Response.json(200, RagFixture.resource("openai-tool-call-response.json")))
          .enqueue(
              "/v1/chat/completions",
              Response.json(200, RagFixture.resource("openai-final-response.json")));

  @AfterEach
  void stop() {
    openAi.close();
  }

  @Test
  void the_agent_and_the_workflow_carry_the_sum_of_their_calls() throws Exception {
    LlmTelemetry telemetry =
        LlmTelemetry.builder(otel.getOpenTelemetry())
            .tokenPrices(
                TokenPrices.builder()
                    .price(
                        TokenPrices.price("openai", "gpt-4o-mini*", "EUR")
                            .perMillionTokens()
                            .input("0.14")
                            .output("0.55"))
                    .build())
            .build();
    AiServices<Assistant> builder =
        AiServices.builder(Assistant.class)
            .chatModel(
                OpenAiChatModel.builder()
                    .baseUrl(openAi.baseUrl() + "/v1")
                    .apiKey("test-key-not-secret")
                    .modelName("gpt-4o-mini")
                    .timeout(Duration.ofSeconds(2))
                    .maxRetries(0)
                    .listeners(List.of(TracingChatModelListener.create(telemetry)))
                    .build());
    TracingTools.addTo(builder, telemetry, new WeatherTools());
    Assistant assistant = TracingAiService.wrap(telemetry, Assistant.class, builder.build());

    String answer =
        telemetry.workflow("weather").call(() -> assistant.chat("Weather in San Francisco?"));

    assertThat(answer).isEqualTo("It is 70 degrees and sunny in San Francisco.");
    // 90 in, 15 out; then 130 in, 12 out.
    BigDecimal first = cost(90, 15);
    BigDecimal second = cost(130, 12);
    List<SpanData> chats =
        otel.getSpans().stream().filter(s -> s.getName().equals("chat gpt-4o-mini")).toList();
    assertThat(chats).hasSize(2);
    assertThat(chats)
        .anySatisfy(s -> assertCost(s.getAttributes().get(COST), first))
        .anySatisfy(s -> assertCost(s.getAttributes().get(COST), second));
    BigDecimal total = first.add(second);
    assertCost(attribute("invoke_agent Assistant", COST), total);
    assertCost(attribute("invoke_workflow weather", COST), total);
    assertThat(
            attribute(
                "invoke_workflow weather", AttributeKey.stringKey("llmetry4j.usage.cost.currency")))
        .isEqualTo("EUR");
    assertThat(attribute("execute_tool getWeather", COST)).isNull();
  }

  private static void assertCost(Double actual, BigDecimal expected) {
    assertThat(actual)
        .isNotNull()
        .isCloseTo(expected.doubleValue(), org.assertj.core.data.Offset.offset(1e-15));
  }

  private static BigDecimal cost(long input, long output) {
    return new BigDecimal("0.14")
        .multiply(BigDecimal.valueOf(input))
        .add(new BigDecimal("0.55").multiply(BigDecimal.valueOf(output)))
        .divide(BigDecimal.valueOf(1_000_000));
  }

  private static <T> T attribute(String span, AttributeKey<T> key) {
    return otel.getSpans().stream()
        .filter(s -> s.getName().equals(span))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no span " + span))
        .getAttributes()
        .get(key);
  }
}
