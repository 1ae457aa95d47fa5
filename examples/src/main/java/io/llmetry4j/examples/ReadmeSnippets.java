package io.llmetry4j.examples;

import dev.langchain4j.agentic.Agent;
import dev.langchain4j.agentic.AgenticServices;
import dev.langchain4j.agentic.UntypedAgent;
import dev.langchain4j.agentic.declarative.AgentListenerSupplier;
import dev.langchain4j.agentic.declarative.SequenceAgent;
import dev.langchain4j.agentic.observability.AgentListener;
import dev.langchain4j.data.document.Document;
import dev.langchain4j.data.document.splitter.DocumentSplitters;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.guardrail.InputGuardrail;
import dev.langchain4j.guardrail.InputGuardrailResult;
import dev.langchain4j.guardrail.OutputGuardrail;
import dev.langchain4j.guardrail.OutputGuardrailResult;
import dev.langchain4j.mcp.client.DefaultMcpClient;
import dev.langchain4j.mcp.client.McpClient;
import dev.langchain4j.mcp.client.transport.McpTransport;
import dev.langchain4j.mcp.client.transport.http.StreamableHttpMcpTransport;
import dev.langchain4j.mcp.client.transport.stdio.StdioMcpTransport;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.langchain4j.model.moderation.ModerationModel;
import dev.langchain4j.model.ollama.OllamaChatModel;
import dev.langchain4j.model.ollama.OllamaStreamingChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.scoring.ScoringModel;
import dev.langchain4j.rag.DefaultRetrievalAugmentor;
import dev.langchain4j.rag.RetrievalAugmentor;
import dev.langchain4j.rag.content.aggregator.ReRankingContentAggregator;
import dev.langchain4j.rag.content.retriever.ContentRetriever;
import dev.langchain4j.rag.content.retriever.EmbeddingStoreContentRetriever;
import dev.langchain4j.rag.content.retriever.WebSearchContentRetriever;
import dev.langchain4j.rag.query.router.DefaultQueryRouter;
import dev.langchain4j.rag.query.router.LanguageModelQueryRouter;
import dev.langchain4j.rag.query.transformer.CompressingQueryTransformer;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.MemoryId;
import dev.langchain4j.service.UserMessage;
import dev.langchain4j.service.V;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.IngestionResult;
import dev.langchain4j.web.search.WebSearchEngine;
import io.llmetry4j.agentic.AgenticTracing;
import io.llmetry4j.bootstrap.Llmetry;
import io.llmetry4j.bootstrap.LlmetryConfig;
import io.llmetry4j.chat.TracingChatModel;
import io.llmetry4j.chat.TracingChatModelListener;
import io.llmetry4j.chat.TracingStreamingChatModel;
import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.mcp.TracingMcpTransport;
import io.llmetry4j.rag.TracingAiService;
import io.llmetry4j.rag.TracingContentRetriever;
import io.llmetry4j.rag.TracingGuardrails;
import io.llmetry4j.rag.TracingModerationModel;
import io.llmetry4j.rag.TracingRetrievalAugmentor;
import io.llmetry4j.rag.TracingScoringModel;
import io.llmetry4j.rag.TracingTools;
import io.llmetry4j.rag.TracingWebSearchEngine;
import io.llmetry4j.store.TracingEmbeddingModel;
import io.llmetry4j.store.TracingEmbeddingStore;
import io.llmetry4j.store.TracingIngestor;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.context.Context;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The code of the README, compiled: every ```java block of README.md must appear here (compared
 * without white space by ReadmeSnippetsTest). Not meant to be run.
 */
@SuppressWarnings("unused")
final class ReadmeSnippets {

  interface Assistant {
    String chat(@MemoryId String chatId, @UserMessage String question);
  }

  private ReadmeSnippets() {}

  static Llmetry tencent(String endpoint, String token) {
    Llmetry llmetry =
        Llmetry.init(
            LlmetryConfig.tencentApm(endpoint, token, "rag-service")
                .hostName("rag-host-1")
                .build());
    LlmTelemetry telemetry = llmetry.telemetry(); // hand this to the listeners and decorators
    return llmetry;
  }

  static LlmetryConfig contentSettings(String endpoint, String token) {
    LlmetryConfig config =
        LlmetryConfig.tencentApm(endpoint, token, "rag-service")
            .telemetry(t -> t.captureContent(true).maxContentLength(4096))
            .build();
    return config;
  }

  static Llmetry generic() {
    Llmetry llmetry =
        Llmetry.init(
            LlmetryConfig.builder()
                .appName("rag-service")
                .endpoint("http://127.0.0.1:4317") // gRPC by default
                .resourceAttribute("deployment.environment.name", "prod")
                .build());
    return llmetry;
  }

  static LlmTelemetry underAnAgent() {
    LlmTelemetry telemetry =
        LlmTelemetry.builder(GlobalOpenTelemetry.get()).captureContent(false).build();
    return telemetry;
  }

  static ChatModel chat(Llmetry llmetry) {
    ChatModel model =
        TracingChatModel.wrap(
            OllamaChatModel.builder()
                .baseUrl("http://localhost:11434")
                .modelName("deepseek-r1:1.5b")
                .listeners(List.of(TracingChatModelListener.create(llmetry.telemetry())))
                .build());
    return model;
  }

  static ChatModel deepseek(Llmetry llmetry, String key) {
    ChatModel deepseek =
        TracingChatModel.wrap(
            OpenAiChatModel.builder()
                .baseUrl("https://api.deepseek.com/v1")
                .apiKey(key)
                .modelName("deepseek-chat")
                .listeners(
                    List.of(
                        TracingChatModelListener.builder(llmetry.telemetry())
                            .providerName("deepseek")
                            .server("api.deepseek.com", 443)
                            .build()))
                .build());
    return deepseek;
  }

  static StreamingChatModel streaming(Llmetry llmetry) {
    StreamingChatModel streaming =
        TracingStreamingChatModel.wrap(
            OllamaStreamingChatModel.builder()
                .baseUrl("http://localhost:11434")
                .modelName("llama3")
                .listeners(List.of(TracingChatModelListener.create(llmetry.telemetry())))
                .build());
    return streaming;
  }

  static void stores(Llmetry llmetry, EmbeddingStore<TextSegment> pgVectorStore) {
    EmbeddingModel embeddingModel =
        TracingEmbeddingModel.wrap(llmetry.telemetry(), new AllMiniLmL6V2EmbeddingModel());
    EmbeddingStore<TextSegment> store =
        TracingEmbeddingStore.builder(llmetry.telemetry(), pgVectorStore)
            .collectionName("docs") // the pgvector table, the Milvus collection...
            .namespace("rag") // the database
            .server("127.0.0.1", 5432)
            .build();
  }

  static String rag(
      LlmTelemetry telemetry,
      ChatModel model,
      EmbeddingStore<TextSegment> store,
      EmbeddingModel embeddingModel,
      String chatId,
      String userId,
      String question)
      throws Exception {
    ContentRetriever retriever =
        TracingContentRetriever.builder(
                telemetry,
                EmbeddingStoreContentRetriever.builder()
                    .embeddingStore(store)
                    .embeddingModel(embeddingModel)
                    .maxResults(3)
                    .build(),
                "docs")
            .topK(3) // the wrapped retriever does not tell
            .build();

    Assistant assistant =
        TracingAiService.builder(
                telemetry,
                Assistant.class,
                TracingTools.addTo(
                        AiServices.builder(Assistant.class)
                            .chatModel(model) // with the chat listener registered
                            .chatMemoryProvider(id -> MessageWindowChatMemory.withMaxMessages(20))
                            .contentRetriever(retriever),
                        telemetry,
                        new GlossaryTools())
                    .build())
            .chatModel(model) // gen_ai.provider.name and gen_ai.request.model of the agent span
            .build();

    String answer =
        telemetry
            .workflow("answer-question")
            .conversationId(chatId)
            .userId(userId)
            .call(() -> assistant.chat(chatId, question));
    return answer;
  }

  static void executors(ContentRetriever handbookRetriever, ContentRetriever faqRetriever) {
    ExecutorService executor = Context.taskWrapping(Executors.newFixedThreadPool(4));
    RetrievalAugmentor augmentor =
        DefaultRetrievalAugmentor.builder()
            .queryRouter(new DefaultQueryRouter(handbookRetriever, faqRetriever))
            .executor(executor)
            .build();
    AiServices.builder(Assistant.class).executeToolsConcurrently(executor);
  }

  // docs/instrumentations.md: agentic systems, MCP clients, guardrails and moderation.

  static UntypedAgent agentic(
      LlmTelemetry telemetry, Object writer, Object recommendations, Object refinement) {
    AgenticTracing tracing = AgenticTracing.create(telemetry);
    UntypedAgent system =
        tracing.build(
            AgenticServices.sequenceBuilder()
                .name("storyPipeline")
                .subAgents(writer, recommendations, refinement) // built as usual, no llmetry4j call
                .outputKey("story"));
    return system;
  }

  /** Where the application keeps its AgenticTracing. */
  static final class Observability {
    static AgenticTracing AGENTIC;
  }

  public interface Writer {
    @dev.langchain4j.service.UserMessage("Write a story about {{topic}}")
    @Agent(outputKey = "story")
    String write(@V("topic") String topic);
  }

  public interface Editor {
    @dev.langchain4j.service.UserMessage("Edit this story: {{story}}")
    @Agent(outputKey = "story")
    String edit(@V("story") String story);
  }

  public interface StoryEvening {
    @SequenceAgent(
        outputKey = "story",
        subAgents = {Writer.class, Editor.class})
    String plan(@V("topic") String topic);

    @AgentListenerSupplier
    static AgentListener tracing() {
      return Observability.AGENTIC.listener(); // your AgenticTracing, made at start-up
    }
  }

  static StoryEvening declarative(ChatModel model) {
    StoryEvening evening =
        Observability.AGENTIC.wrap(AgenticServices.createAgenticSystem(StoryEvening.class, model));
    return evening;
  }

  static McpClient mcpStdio(LlmTelemetry telemetry) {
    McpTransport transport =
        TracingMcpTransport.wrap(
            telemetry, new StdioMcpTransport.Builder().command(List.of("my-mcp-server")).build());
    McpClient client = new DefaultMcpClient.Builder().transport(transport).build();
    return client;
  }

  static McpTransport mcpHttp(LlmTelemetry telemetry, String url) {
    McpTransport transport =
        TracingMcpTransport.builder(
                telemetry,
                StreamableHttpMcpTransport.builder()
                    .url(url)
                    .customHeaders(
                        TracingMcpTransport.httpHeaders(telemetry)) // or (telemetry, yourHeaders)
                    .build())
            .serverUrl(url)
            .build();
    return transport;
  }

  static final class NoPasswords implements InputGuardrail {
    @Override
    public InputGuardrailResult validate(dev.langchain4j.data.message.UserMessage message) {
      return message.singleText().contains("password") ? failure("no passwords") : success();
    }
  }

  static final class GivesTemperature implements OutputGuardrail {
    @Override
    public OutputGuardrailResult validate(dev.langchain4j.data.message.AiMessage message) {
      return message.text().contains("degrees") ? success() : retry("give the temperature");
    }
  }

  static ModerationModel guardrails(
      LlmTelemetry telemetry,
      ChatModel model,
      ModerationModel moderationModel,
      ModerationModel openAiModeration) {
    AiServices<Assistant> services =
        AiServices.builder(Assistant.class)
            .chatModel(model)
            // output-guardrail retries need a chat memory
            .chatMemoryProvider(id -> MessageWindowChatMemory.withMaxMessages(20))
            .inputGuardrails(new NoPasswords())
            .outputGuardrails(new GivesTemperature());
    TracingGuardrails.addTo(services, telemetry); // guardrail events
    TracingModerationModel.addTo(services, telemetry, moderationModel); // @Moderate, traced
    // the agent span has its provider even when a guardrail blocks before any chat
    Assistant assistant =
        TracingAiService.builder(telemetry, Assistant.class, services.build())
            .chatModel(model)
            .build();

    // server.address / server.port: the model does not expose them
    ModerationModel moderation =
        TracingModerationModel.builder(telemetry, openAiModeration)
            .baseUrl("https://api.openai.com/v1")
            .build();
    return moderation;
  }

  // docs/instrumentations.md: the RAG pipeline.

  static RetrievalAugmentor augmentation(
      LlmTelemetry telemetry,
      ChatModel chatModel,
      java.util.Map<ContentRetriever, String> retrieversByDescription,
      ScoringModel cohere) {
    RetrievalAugmentor augmentor =
        TracingRetrievalAugmentor.builder(telemetry)
            .queryTransformer(new CompressingQueryTransformer(chatModel))
            .queryRouter(new LanguageModelQueryRouter(chatModel, retrieversByDescription))
            .contentAggregator(
                ReRankingContentAggregator.builder()
                    .scoringModel(
                        TracingScoringModel.builder(telemetry, cohere)
                            .requestModel("rerank-english-v3.0")
                            .baseUrl("https://api.cohere.com/")
                            .build())
                    .minScore(0.5)
                    .build())
            .build();
    return augmentor;
  }

  static ContentRetriever webSearch(LlmTelemetry telemetry, WebSearchEngine tavily) {
    ContentRetriever web =
        TracingContentRetriever.wrap(
            telemetry,
            WebSearchContentRetriever.builder()
                .webSearchEngine(TracingWebSearchEngine.wrap(telemetry, tavily))
                .maxResults(3)
                .build(),
            "web");
    return web;
  }

  static IngestionResult ingestion(
      LlmTelemetry telemetry,
      EmbeddingModel embeddingModel,
      EmbeddingStore<TextSegment> pgVectorStore,
      List<Document> documents) {
    TracingIngestor ingestor =
        TracingIngestor.builder(telemetry)
            .documentSplitter(DocumentSplitters.recursive(300, 30))
            .embeddingModel(embeddingModel)
            .embeddingStore(pgVectorStore)
            .collectionName("handbook") // names the spans
            .build();
    IngestionResult result = ingestor.ingest(documents);
    return result;
  }
}
