package io.llmetry4j.benchmarks;

import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.ChatResponseMetadata;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.Response;
import dev.langchain4j.model.output.TokenUsage;
import dev.langchain4j.model.scoring.ScoringModel;
import dev.langchain4j.rag.DefaultRetrievalAugmentor;
import dev.langchain4j.rag.content.aggregator.ReRankingContentAggregator;
import dev.langchain4j.rag.content.retriever.ContentRetriever;
import dev.langchain4j.rag.content.retriever.EmbeddingStoreContentRetriever;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.MemoryId;
import dev.langchain4j.service.UserMessage;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.EmbeddingSearchResult;
import dev.langchain4j.store.embedding.EmbeddingStore;
import io.llmetry4j.bootstrap.AssociationPropertiesSpanProcessor;
import io.llmetry4j.chat.TracingChatModelListener;
import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.rag.TracingAiService;
import io.llmetry4j.rag.TracingContentRetriever;
import io.llmetry4j.rag.TracingRetrievalAugmentor;
import io.llmetry4j.rag.TracingScoringModel;
import io.llmetry4j.rag.TracingTools;
import io.llmetry4j.store.TracingEmbeddingModel;
import io.llmetry4j.store.TracingEmbeddingStore;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One full RAG request — workflow → agent → retrieval (embed + search) → chat → tool → chat —
 * through in-process stubs of model, embedder and store, with and without llmetry4j, content
 * capture off and on. The difference is what tracing adds per request. The {@code *_stages} modes
 * run the retrieval through a retrieval augmentor with a re-ranking aggregator (a stub scoring
 * model), traced stage by stage ({@code TracingRetrievalAugmentor}, {@code TracingScoringModel}):
 * 14 spans a request. {@link #floor_bareSpan} is the floor of the same run: one bare span.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PipelineBenchmark {

  interface Assistant {
    String chat(@MemoryId String conversationId, @UserMessage String question);
  }

  /** The tool of the request. */
  public static final class WeatherTools {
    @Tool("Current weather of a city")
    public String getWeather(String city) {
      return "sunny in " + city;
    }
  }

  @Param({
    "untraced",
    "traced_contentOff",
    "traced_contentOn",
    "untraced_stages",
    "traced_stages_contentOff"
  })
  public String mode;

  private OpenTelemetrySdk sdk;
  private Assistant assistant;
  private LlmTelemetry telemetry;
  private io.opentelemetry.api.trace.Tracer tracer;

  @Setup(Level.Trial)
  public void setUp() {
    sdk =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .addSpanProcessor(AssociationPropertiesSpanProcessor.create(false))
                    .addSpanProcessor(BenchmarkTelemetry.batchProcessor())
                    .build())
            .setMeterProvider(
                SdkMeterProvider.builder()
                    .registerMetricReader(InMemoryMetricReader.create())
                    .build())
            .build();
    boolean traced = mode.startsWith("traced");
    boolean stages = mode.endsWith("stages") || mode.contains("_stages_");
    telemetry = LlmTelemetry.builder(sdk).captureContent(mode.equals("traced_contentOn")).build();
    tracer = sdk.getTracer("benchmark");

    EmbeddingModel embedder = new StubEmbedder();
    List<EmbeddingMatch<TextSegment>> matches = new java.util.ArrayList<>();
    for (int i = 0; i < 3; i++) {
      matches.add(
          new EmbeddingMatch<>(
              0.9 - i * 0.1, "id-" + i, null, TextSegment.from("Fact " + i + " about tracing.")));
    }
    EmbeddingStore<TextSegment> rawStore =
        new StoreBenchmark.StubStore(new EmbeddingSearchResult<>(matches));
    EmbeddingStore<TextSegment> store =
        traced
            ? TracingEmbeddingStore.builder(telemetry, rawStore).collectionName("docs").build()
            : rawStore;
    EmbeddingModel embeddings = traced ? TracingEmbeddingModel.wrap(telemetry, embedder) : embedder;
    ContentRetriever retriever =
        EmbeddingStoreContentRetriever.builder()
            .embeddingStore(store)
            .embeddingModel(embeddings)
            .maxResults(3)
            .build();
    if (traced) {
      retriever = TracingContentRetriever.builder(telemetry, retriever, "docs").topK(3).build();
    }
    ChatModel model =
        new ToolCallingStubModel(
            traced ? List.of(TracingChatModelListener.create(telemetry)) : List.of());
    AiServices<Assistant> builder =
        AiServices.builder(Assistant.class)
            .chatModel(model)
            .chatMemoryProvider(id -> MessageWindowChatMemory.withMaxMessages(10));
    if (stages) {
      ScoringModel scorer =
          traced
              ? TracingScoringModel.builder(telemetry, new StubScorer())
                  .providerName("cohere")
                  .requestModel("rerank-english-v3.0")
                  .build()
              : new StubScorer();
      ReRankingContentAggregator aggregator =
          ReRankingContentAggregator.builder().scoringModel(scorer).minScore(0.5).build();
      builder.retrievalAugmentor(
          traced
              ? TracingRetrievalAugmentor.builder(telemetry)
                  .contentRetriever(retriever)
                  .contentAggregator(aggregator)
                  .build()
              : DefaultRetrievalAugmentor.builder()
                  .contentRetriever(retriever)
                  .contentAggregator(aggregator)
                  .build());
    } else {
      builder.contentRetriever(retriever);
    }
    if (traced) {
      TracingTools.addTo(builder, telemetry, new WeatherTools());
    } else {
      builder.tools(new WeatherTools());
    }
    Assistant service = builder.build();
    assistant = traced ? TracingAiService.wrap(telemetry, Assistant.class, service) : service;
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    sdk.close();
  }

  @Benchmark
  public String ragRequest() throws Exception {
    // One conversation: its window memory (10 messages) stays bounded across iterations, where
    // a conversation per request would grow the AI Service's memory map without end.
    String conversation = "conversation-1";
    if (mode.startsWith("untraced")) {
      return assistant.chat(conversation, "What is the weather in Paris?");
    }
    return telemetry
        .workflow("answer-question")
        .conversationId(conversation)
        .call(() -> assistant.chat(conversation, "What is the weather in Paris?"));
  }

  /** The floor of the same run: a bare span with three attributes, started and ended. */
  @Benchmark
  public void floor_bareSpan() {
    tracer
        .spanBuilder("aggregate_content")
        .setAttribute("llmetry4j.rag.stage", "aggregate_content")
        .setAttribute("llmetry4j.rag.contents.input_count", 3L)
        .setAttribute("llmetry4j.rag.contents.output_count", 3L)
        .startSpan()
        .end();
  }

  /** A stub, named as one: descending scores for the contents, no model. */
  static final class StubScorer implements ScoringModel {
    @Override
    public Response<List<Double>> scoreAll(List<TextSegment> segments, String query) {
      List<Double> scores = new java.util.ArrayList<>(segments.size());
      for (int i = 0; i < segments.size(); i++) {
        scores.add(0.9 - i * 0.1);
      }
      return Response.from(scores);
    }
  }

  /** A stub, named as one: a fixed pseudo-random vector per call, no model. */
  static final class StubEmbedder implements EmbeddingModel {
    private final Embedding embedding = vector(new Random(3));

    static Embedding vector(Random random) {
      float[] values = new float[384];
      for (int i = 0; i < values.length; i++) {
        values[i] = random.nextFloat() - 0.5f;
      }
      return Embedding.from(values);
    }

    @Override
    public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
      return Response.from(segments.stream().map(s -> embedding).toList(), new TokenUsage(8));
    }

    @Override
    public String modelName() {
      return "stub-embedder";
    }
  }

  /** A stub, named as one: asks for the weather tool, then answers once the result is in. */
  static final class ToolCallingStubModel implements ChatModel {
    private final List<ChatModelListener> listeners;

    ToolCallingStubModel(List<ChatModelListener> listeners) {
      this.listeners = listeners;
    }

    @Override
    public ChatResponse doChat(ChatRequest request) {
      List<ChatMessage> messages = request.messages();
      boolean toolAnswered =
          messages.get(messages.size() - 1) instanceof ToolExecutionResultMessage;
      AiMessage message =
          toolAnswered
              ? AiMessage.from("It is sunny in Paris.")
              : AiMessage.from(
                  ToolExecutionRequest.builder()
                      .id("call-1")
                      .name("getWeather")
                      .arguments("{\"city\":\"Paris\"}")
                      .build());
      return ChatResponse.builder()
          .aiMessage(message)
          .metadata(
              ChatResponseMetadata.builder()
                  .id("r")
                  .modelName("stub-llm")
                  .finishReason(toolAnswered ? FinishReason.STOP : FinishReason.TOOL_EXECUTION)
                  .tokenUsage(new TokenUsage(120, 20))
                  .build())
          .build();
    }

    @Override
    public List<ChatModelListener> listeners() {
      return listeners;
    }

    @Override
    public ModelProvider provider() {
      return ModelProvider.OLLAMA;
    }
  }
}
