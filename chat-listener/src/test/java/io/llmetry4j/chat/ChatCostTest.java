package io.llmetry4j.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.anthropic.AnthropicChatModel;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.ollama.OllamaChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.core.TokenPrices;
import io.llmetry4j.core.testing.OllamaCassettes;
import io.llmetry4j.core.testing.ReplayHttpServer;
import io.llmetry4j.core.testing.ReplayHttpServer.Response;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.DoublePointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Token prices applied to real clients' recorded usage (OpenAI with cached and reasoning tokens,
 * Anthropic with cache reads and writes, Ollama): the cost on each span is the figure computed by
 * hand from the test's price table, the workflow carries the sum, and the counter agrees.
 */
class ChatCostTest {

  // An SDK of each test's own: the cost counter's sums belong to the meter (every priced telemetry
  // on one OpenTelemetry adds to them), so a shared SDK would carry one test's costs into the next.
  private final TestSdk otel = new TestSdk();

  /** A real SDK collecting in memory: spans as they end, metrics on demand. */
  static final class TestSdk implements AutoCloseable {
    private final InMemorySpanExporter spans = InMemorySpanExporter.create();
    private final InMemoryMetricReader metrics = InMemoryMetricReader.create();
    private final OpenTelemetrySdk sdk =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .addSpanProcessor(SimpleSpanProcessor.create(spans))
                    .build())
            .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(metrics).build())
            .build();

    OpenTelemetry getOpenTelemetry() {
      return sdk;
    }

    List<SpanData> getSpans() {
      return spans.getFinishedSpanItems();
    }

    List<MetricData> getMetrics() {
      return List.copyOf(metrics.collectAllMetrics());
    }

    @Override
    public void close() {
      sdk.close();
    }
  }

  static final AttributeKey<Double> COST = AttributeKey.doubleKey("llmetry4j.usage.cost");
  static final AttributeKey<String> CURRENCY =
      AttributeKey.stringKey("llmetry4j.usage.cost.currency");

  /** Prices of this test only, not any provider's: per million tokens. */
  static final TokenPrices PRICES =
      TokenPrices.builder()
          .price(
              TokenPrices.price("openai", "gpt-4o-mini*", "USD")
                  .perMillionTokens()
                  .input("0.15")
                  .cacheRead("0.075")
                  .output("0.60"))
          .price(
              TokenPrices.price("anthropic", "claude-3-5-haiku*", "USD")
                  .perMillionTokens()
                  .input("0.80")
                  .cacheRead("0.08")
                  .cacheWrite("1.00")
                  .output("4.00"))
          .price(
              TokenPrices.price("ollama", "llama3", "CNY")
                  .perMillionTokens()
                  .input("1.00")
                  .output("2.00"))
          .build();

  private final ReplayHttpServer openAi =
      ReplayHttpServer.start()
          .byDefault(
              "/v1/chat/completions",
              body -> Response.json(200, TestResources.read("openai-tool-calls-response.json")));
  private final ReplayHttpServer anthropic =
      ReplayHttpServer.start()
          .byDefault(
              "/v1/messages",
              body -> Response.json(200, TestResources.read("anthropic-cached-response.json")));
  private final ReplayHttpServer ollama = OllamaCassettes.serveChat(ReplayHttpServer.start());

  @AfterEach
  void stop() {
    otel.close();
    openAi.close();
    anthropic.close();
    ollama.close();
  }

  private ChatModel openAi(LlmTelemetry telemetry, String model) {
    return OpenAiChatModel.builder()
        .baseUrl(openAi.baseUrl() + "/v1")
        .apiKey("test-key-not-secret")
        .modelName(model)
        .timeout(Duration.ofSeconds(2))
        .maxRetries(0)
        .listeners(List.of(TracingChatModelListener.create(telemetry)))
        .build();
  }

  private ChatModel anthropic(LlmTelemetry telemetry) {
    return AnthropicChatModel.builder()
        .baseUrl(anthropic.baseUrl() + "/v1/")
        .apiKey("test-key-not-secret")
        .modelName("claude-3-5-haiku-20241022")
        .maxRetries(0)
        .listeners(List.of(TracingChatModelListener.create(telemetry)))
        .build();
  }

  private ChatModel ollama(LlmTelemetry telemetry) {
    return OllamaChatModel.builder()
        .baseUrl(ollama.baseUrl())
        .modelName("llama3")
        .timeout(Duration.ofSeconds(2))
        .maxRetries(0)
        .listeners(List.of(TracingChatModelListener.create(telemetry)))
        .build();
  }

  @Test
  void each_call_costs_its_tokens_at_the_table_prices_and_the_workflow_the_sum() throws Exception {
    LlmTelemetry telemetry =
        LlmTelemetry.builder(otel.getOpenTelemetry()).tokenPrices(PRICES).build();

    telemetry
        .workflow("answer")
        .call(
            () -> {
              openAi(telemetry, "gpt-4o-mini").chat(List.of(UserMessage.from("Weather?")));
              anthropic(telemetry).chat(List.of(UserMessage.from("What is a span?")));
              return null;
            });

    // OpenAI: 82 input of which 64 cached, 17 output of which 5 reasoning (billed as output).
    BigDecimal openAiCost =
        perMillion("18", "0.15").add(perMillion("64", "0.075")).add(perMillion("17", "0.60"));
    // Anthropic: 12 input, 200 cache reads, 100 cache writes (312 in the conventions' count), 11
    // out.
    BigDecimal anthropicCost =
        perMillion("12", "0.80")
            .add(perMillion("200", "0.08"))
            .add(perMillion("100", "1.00"))
            .add(perMillion("11", "4.00"));
    assertThat(openAiCost).isEqualByComparingTo("0.0000177");
    assertThat(anthropicCost).isEqualByComparingTo("0.0001696");

    SpanData openAiSpan = span("chat gpt-4o-mini");
    assertCost(openAiSpan.getAttributes().get(COST), openAiCost);
    assertThat(openAiSpan.getAttributes().get(CURRENCY)).isEqualTo("USD");
    SpanData anthropicSpan = span("chat claude-3-5-haiku-20241022");
    assertCost(anthropicSpan.getAttributes().get(COST), anthropicCost);
    SpanData workflow = span("invoke_workflow answer");
    assertCost(workflow.getAttributes().get(COST), openAiCost.add(anthropicCost));
    assertThat(workflow.getAttributes().get(CURRENCY)).isEqualTo("USD");

    // The counter: by provider, model, currency and token kind; its sum is the calls' cost.
    Map<String, Double> byKind = costPoints("gpt-4o-mini-2024-07-18");
    assertThat(byKind).containsOnlyKeys("input", "cache_read", "output");
    assertCost(byKind.get("input"), perMillion("18", "0.15"));
    assertCost(byKind.get("cache_read"), perMillion("64", "0.075"));
    assertCost(byKind.get("output"), perMillion("17", "0.60"));
    assertThat(costPoints("claude-3-5-haiku-20241022"))
        .containsOnlyKeys("input", "cache_read", "cache_write", "output");
  }

  @Test
  void two_priced_telemetries_on_one_opentelemetry_add_to_one_counter() {
    LlmTelemetry first = LlmTelemetry.builder(otel.getOpenTelemetry()).tokenPrices(PRICES).build();
    LlmTelemetry second = LlmTelemetry.builder(otel.getOpenTelemetry()).tokenPrices(PRICES).build();

    openAi(first, "gpt-4o-mini").chat(List.of(UserMessage.from("Weather?")));
    openAi(second, "gpt-4o-mini").chat(List.of(UserMessage.from("Weather?")));
    openAi(second, "gpt-4o-mini").chat(List.of(UserMessage.from("Weather?")));

    // One point per attribute set (the SDK drops a second one): the three calls' output.
    assertCost(
        costPoints("gpt-4o-mini-2024-07-18").get("output"),
        perMillion("17", "0.60").multiply(new BigDecimal(3)));
  }

  @Test
  void an_exact_model_name_must_match_and_a_price_in_another_currency() {
    TokenPrices prices =
        TokenPrices.builder()
            .price(
                TokenPrices.price("openai", "gpt-4o-mini", "USD")
                    .perMillionTokens()
                    .input("0.15")
                    .cacheRead("0.075")
                    .output("0.60")
                    .reasoning("1.20"))
            .price(
                TokenPrices.price("ollama", "llama3", "CNY")
                    .perTokens(1000)
                    .input("0.001")
                    .output("0.002"))
            .build();
    LlmTelemetry telemetry =
        LlmTelemetry.builder(otel.getOpenTelemetry()).tokenPrices(prices).build();

    openAi(telemetry, "gpt-4o-mini").chat(List.of(UserMessage.from("Weather?")));
    ollama(telemetry).chat(List.of(UserMessage.from("Tell me a joke")));

    // The exact name "gpt-4o-mini" does not match the response's "gpt-4o-mini-2024-07-18":
    // the request's model is used only when the response names none.
    assertThat(span("chat gpt-4o-mini").getAttributes().get(COST)).isNull();
    // Ollama's recorded usage: 17 prompt tokens, 66 generated, per thousand tokens.
    assertCost(span("chat llama3").getAttributes().get(COST), new BigDecimal("0.000149"));
    assertThat(span("chat llama3").getAttributes().get(CURRENCY)).isEqualTo("CNY");
  }

  @Test
  void reasoning_tokens_at_their_own_price_when_the_table_gives_one() {
    TokenPrices prices =
        TokenPrices.builder()
            .price(
                TokenPrices.price("openai", "gpt-4o-mini*", "USD")
                    .perMillionTokens()
                    .input("0.15")
                    .cacheRead("0.075")
                    .output("0.60")
                    .reasoning("1.20"))
            .build();
    LlmTelemetry telemetry =
        LlmTelemetry.builder(otel.getOpenTelemetry()).tokenPrices(prices).build();

    openAi(telemetry, "gpt-4o-mini").chat(List.of(UserMessage.from("Weather?")));

    BigDecimal expected =
        perMillion("18", "0.15")
            .add(perMillion("64", "0.075"))
            .add(perMillion("12", "0.60"))
            .add(perMillion("5", "1.20"));
    assertCost(span("chat gpt-4o-mini").getAttributes().get(COST), expected);
    assertCost(costPoints("gpt-4o-mini-2024-07-18").get("reasoning"), perMillion("5", "1.20"));
  }

  @Test
  void an_unpriced_model_gets_no_cost_and_no_metric_point() throws Exception {
    TokenPrices openAiOnly =
        TokenPrices.builder()
            .price(TokenPrices.price("openai", "gpt-4o-mini*", "USD").input("1").output("1"))
            .build();
    LlmTelemetry telemetry =
        LlmTelemetry.builder(otel.getOpenTelemetry()).tokenPrices(openAiOnly).build();

    telemetry
        .workflow("unpriced")
        .call(() -> ollama(telemetry).chat(List.of(UserMessage.from("x"))));

    assertThat(span("chat llama3").getAttributes().get(COST)).isNull();
    assertThat(span("chat llama3").getAttributes().get(CURRENCY)).isNull();
    assertThat(span("invoke_workflow unpriced").getAttributes().get(COST)).isNull();
    assertThat(otel.getMetrics())
        .filteredOn(m -> m.getName().equals("llmetry4j.usage.cost"))
        .allSatisfy(m -> assertThat(m.getDoubleSumData().getPoints()).isEmpty());
  }

  @Test
  void without_a_price_table_there_is_no_cost_anywhere() throws Exception {
    LlmTelemetry telemetry = LlmTelemetry.create(otel.getOpenTelemetry());

    telemetry
        .workflow("no table")
        .call(() -> openAi(telemetry, "gpt-4o-mini").chat(List.of(UserMessage.from("x"))));

    assertThat(otel.getSpans()).allSatisfy(s -> assertThat(s.getAttributes().get(COST)).isNull());
    assertThat(otel.getMetrics()).noneMatch(m -> m.getName().equals("llmetry4j.usage.cost"));
  }

  @Test
  void a_price_file_is_read_and_a_bad_one_fails_naming_the_file_and_line(@TempDir Path dir)
      throws Exception {
    Path good = dir.resolve("prices.properties");
    Files.writeString(
        good,
        String.join(
            "\n",
            "# Test prices, not any provider's.",
            "price.haiku.provider = anthropic",
            "price.haiku.model = claude-3-5-haiku*",
            "price.haiku.currency = USD",
            "price.haiku.per_tokens = 1000000",
            "price.haiku.input = 0.80",
            "price.haiku.cache_read = 0.08",
            "price.haiku.cache_write = 1.00",
            "price.haiku.output = 4.00",
            "price.haiku.effective_from = 2024-10-01",
            ""));
    LlmTelemetry telemetry =
        LlmTelemetry.builder(otel.getOpenTelemetry()).tokenPrices(TokenPrices.load(good)).build();
    anthropic(telemetry).chat(List.of(UserMessage.from("What is a span?")));
    assertCost(
        span("chat claude-3-5-haiku-20241022").getAttributes().get(COST),
        new BigDecimal("0.0001696"));

    Path bad = dir.resolve("bad.properties");
    Files.writeString(
        bad,
        "price.x.provider = openai\nprice.x.model = gpt-4o\nprice.x.currency = USD\nprice.x.input = 0,15\n");
    assertThatThrownBy(() -> TokenPrices.load(bad))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(bad + ":4: input is not a number");
    Files.writeString(bad, "price.x.provider = openai\n\nprice.x.modle = gpt-4o\n");
    assertThatThrownBy(() -> TokenPrices.load(bad))
        .hasMessageStartingWith(bad + ":3: unknown field modle");
    Files.writeString(
        bad, "price.x.provider = openai\nprice.x.model = gpt-4o\nprice.x.currency = EURO\n");
    assertThatThrownBy(() -> TokenPrices.load(bad))
        .hasMessage(bad + ":3: currency must be an ISO 4217 code");
    Files.writeString(bad, "price.x.provider = openai\nprice.x.model = gpt-4o\n");
    assertThatThrownBy(() -> TokenPrices.load(bad)).hasMessage(bad + ":1: price.x has no currency");
    Files.writeString(
        bad, "price.x.provider = openai\nprice.x.model = gpt-4o\nprice.x.currency = USD\n");
    assertThatThrownBy(() -> TokenPrices.load(bad))
        .hasMessageContaining("sets neither input nor output");
    Files.writeString(bad, "just some text\n");
    assertThatThrownBy(() -> TokenPrices.load(bad))
        .hasMessage(bad + ":1: expected price.<name>.<field> = <value>");
  }

  /** The hand-computed figure, to double precision (what the span carries). */
  static void assertCost(Double actual, BigDecimal expected) {
    assertThat(actual)
        .isNotNull()
        .isCloseTo(expected.doubleValue(), org.assertj.core.data.Offset.offset(1e-15));
  }

  private static BigDecimal perMillion(String tokens, String price) {
    return new BigDecimal(tokens).multiply(new BigDecimal(price)).divide(new BigDecimal(1_000_000));
  }

  private SpanData span(String name) {
    return otel.getSpans().stream()
        .filter(s -> s.getName().equals(name))
        .reduce((a, b) -> b)
        .orElseThrow(() -> new AssertionError("no span " + name));
  }

  private Map<String, Double> costPoints(String model) {
    MetricData cost =
        otel.getMetrics().stream()
            .filter(m -> m.getName().equals("llmetry4j.usage.cost"))
            .findFirst()
            .orElseThrow();
    return cost.getDoubleSumData().getPoints().stream()
        .filter(
            p ->
                model.equals(
                    p.getAttributes().get(AttributeKey.stringKey("gen_ai.response.model"))))
        .collect(
            Collectors.toMap(
                p -> p.getAttributes().get(AttributeKey.stringKey("llmetry4j.usage.token_kind")),
                DoublePointData::getValue));
  }
}
