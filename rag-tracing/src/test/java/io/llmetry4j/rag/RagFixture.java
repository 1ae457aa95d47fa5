package io.llmetry4j.rag;

import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.langchain4j.model.ollama.OllamaChatModel;
import dev.langchain4j.model.ollama.OllamaStreamingChatModel;
import dev.langchain4j.rag.content.retriever.ContentRetriever;
import dev.langchain4j.rag.content.retriever.EmbeddingStoreContentRetriever;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.MemoryId;
import dev.langchain4j.service.TokenStream;
import dev.langchain4j.service.UserMessage;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.inmemory.InMemoryEmbeddingStore;
import io.llmetry4j.bootstrap.AssociationPropertiesSpanProcessor;
import io.llmetry4j.chat.TracingChatModelListener;
import io.llmetry4j.chat.TracingStreamingChatModel;
import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.core.testing.OllamaCassettes;
import io.llmetry4j.core.testing.ReplayHttpServer;
import io.llmetry4j.core.testing.ReplayHttpServer.Response;
import io.llmetry4j.store.TracingEmbeddingModel;
import io.llmetry4j.store.TracingEmbeddingStore;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A complete, real RAG service for the tests: the in-process all-MiniLM model and an in-memory
 * store holding the handbook's 50 segments, the real Ollama clients against recorded responses
 * replayed on 127.0.0.1, a weather tool, an AI Service; every piece traced by llmetry4j.
 */
final class RagFixture implements AutoCloseable {

  interface Assistant {
    String chat(@MemoryId String conversationId, @UserMessage String question);
  }

  interface StreamingAssistant {
    TokenStream chat(@MemoryId String conversationId, @UserMessage String question);
  }

  /** The tool; measures its own execution so tests can compare with the span. */
  static final class WeatherTools {
    final AtomicLong lastExecutionNanos = new AtomicLong();

    @Tool("Current weather of a city")
    String getWeather(String city) throws InterruptedException {
      long start = System.nanoTime();
      Thread.sleep(30);
      lastExecutionNanos.set(System.nanoTime() - start);
      return "The weather in " + city + " is 70 degrees and sunny.";
    }
  }

  private static EmbeddingModel miniLm;
  private static InMemoryEmbeddingStore<TextSegment> handbookStore;

  final InMemorySpanExporter spans = InMemorySpanExporter.create();
  final io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader metrics =
      io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader.create();
  final OpenTelemetrySdk sdk;
  final LlmTelemetry telemetry;
  final ReplayHttpServer ollama = ReplayHttpServer.start();
  final WeatherTools weather = new WeatherTools();
  final EmbeddingModel embeddingModel;
  final EmbeddingStore<TextSegment> store;

  RagFixture() {
    this(settings -> settings);
  }

  /** With {@code openLlmetryCompat}: compat mode and content capture on. */
  RagFixture(boolean openLlmetryCompat) {
    this(
        settings ->
            openLlmetryCompat ? settings.captureContent(true).openLlmetryCompat(true) : settings);
  }

  /** With the telemetry settings {@code settings} makes. */
  RagFixture(java.util.function.UnaryOperator<LlmTelemetry.Builder> settings) {
    this(settings, true);
  }

  /**
   * With the telemetry settings {@code settings} makes, in an SDK with or without llmetry4j's
   * {@link AssociationPropertiesSpanProcessor} (without: as an agent's or Spring's SDK is).
   */
  RagFixture(
      java.util.function.UnaryOperator<LlmTelemetry.Builder> settings,
      boolean associationProcessor) {
    io.opentelemetry.sdk.trace.SdkTracerProviderBuilder tracing = SdkTracerProvider.builder();
    if (associationProcessor) {
      tracing.addSpanProcessor(AssociationPropertiesSpanProcessor.create(false));
    }
    sdk =
        OpenTelemetrySdk.builder()
            .setTracerProvider(tracing.addSpanProcessor(SimpleSpanProcessor.create(spans)).build())
            .setMeterProvider(
                io.opentelemetry.sdk.metrics.SdkMeterProvider.builder()
                    .registerMetricReader(metrics)
                    .build())
            .build();
    telemetry = settings.apply(LlmTelemetry.builder(sdk)).build();
    loadHandbook();
    embeddingModel = TracingEmbeddingModel.wrap(telemetry, miniLm);
    store = TracingEmbeddingStore.builder(telemetry, handbookStore).collectionName("docs").build();
    String toolCall = resource("ollama-tool-call-response.json");
    Response finalAnswer = OllamaCassettes.response(OllamaCassettes.TOOL_CALLS);
    Response streamedAnswer = OllamaCassettes.response(OllamaCassettes.STREAMING_CHAT);
    // Like a model: asks for the tool first, answers once the tool result is in the conversation.
    ollama.byDefault(
        "/api/chat",
        body -> {
          String compact = body.replaceAll("\\s", "").toLowerCase(java.util.Locale.ROOT);
          boolean toolResultSent = compact.contains("\"role\":\"tool\"");
          boolean streaming = compact.contains("\"stream\":true");
          if (streaming) {
            return toolResultSent ? streamedAnswer : Response.ndjson(toolCall + "\n");
          }
          return toolResultSent ? finalAnswer : Response.json(200, toolCall);
        });
  }

  private static synchronized void loadHandbook() {
    if (miniLm == null) {
      miniLm = new AllMiniLmL6V2EmbeddingModel();
      handbookStore = new InMemoryEmbeddingStore<>();
      List<TextSegment> segments = new ArrayList<>();
      for (String line : resource("documents/observability-handbook.txt").split("\n")) {
        if (!line.isBlank()) {
          segments.add(TextSegment.from(line.strip()));
        }
      }
      handbookStore.addAll(miniLm.embedAll(segments).content(), segments);
    }
  }

  ContentRetriever retriever(String dataSource) {
    return TracingContentRetriever.builder(
            telemetry,
            EmbeddingStoreContentRetriever.builder()
                .embeddingStore(store)
                .embeddingModel(embeddingModel)
                .maxResults(3)
                .build(),
            dataSource)
        .topK(3)
        .build();
  }

  ChatModel chatModel() {
    return OllamaChatModel.builder()
        .baseUrl(ollama.baseUrl())
        .modelName("llama3")
        .timeout(Duration.ofSeconds(10))
        .maxRetries(0)
        .listeners(List.of(TracingChatModelListener.create(telemetry)))
        .build();
  }

  StreamingChatModel streamingChatModel() {
    return TracingStreamingChatModel.wrap(
        OllamaStreamingChatModel.builder()
            .baseUrl(ollama.baseUrl())
            .modelName("llama3")
            .timeout(Duration.ofSeconds(10))
            .listeners(List.of(TracingChatModelListener.create(telemetry)))
            .build());
  }

  Assistant assistant() {
    return TracingAiService.wrap(
        telemetry,
        Assistant.class,
        TracingTools.addTo(
                AiServices.builder(Assistant.class)
                    .chatModel(chatModel())
                    .chatMemoryProvider(id -> MessageWindowChatMemory.withMaxMessages(20))
                    .contentRetriever(retriever("docs")),
                telemetry,
                weather)
            .build());
  }

  StreamingAssistant streamingAssistant() {
    return TracingAiService.wrap(
        telemetry,
        StreamingAssistant.class,
        TracingTools.addTo(
                AiServices.builder(StreamingAssistant.class)
                    .streamingChatModel(streamingChatModel())
                    .chatMemoryProvider(id -> MessageWindowChatMemory.withMaxMessages(20))
                    .contentRetriever(retriever("docs")),
                telemetry,
                weather)
            .build());
  }

  static String resource(String name) {
    try (InputStream in = RagFixture.class.getResourceAsStream("/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no test resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    ollama.close();
    sdk.close();
  }
}
