package io.llmetry4j.agenttests;

import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.langchain4j.model.ollama.OllamaChatModel;
import dev.langchain4j.rag.content.retriever.ContentRetriever;
import dev.langchain4j.rag.content.retriever.EmbeddingStoreContentRetriever;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.MemoryId;
import dev.langchain4j.service.UserMessage;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.inmemory.InMemoryEmbeddingStore;
import io.llmetry4j.bootstrap.Llmetry;
import io.llmetry4j.bootstrap.LlmetryConfig;
import io.llmetry4j.chat.TracingChatModel;
import io.llmetry4j.chat.TracingChatModelListener;
import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.rag.TracingAiService;
import io.llmetry4j.rag.TracingContentRetriever;
import io.llmetry4j.rag.TracingTools;
import io.llmetry4j.store.TracingEmbeddingModel;
import io.llmetry4j.store.TracingEmbeddingStore;
import io.opentelemetry.api.GlobalOpenTelemetry;
import java.time.Duration;
import java.util.List;

/**
 * A RAG service as an application would write it, run once per JVM by {@link JavaAgentTest} under
 * the OpenTelemetry Java agent: an AI Service with a retriever over an in-memory store (the
 * in-process all-MiniLM model) and one tool, the real Ollama client, every piece traced by
 * llmetry4j, one question inside a workflow.
 *
 * <p>Arguments: {@code init <ollamaBaseUrl> <endpoint>} initialises with {@code Llmetry.init} (the
 * Tencent preset, exporting to {@code endpoint}, which the agent's instance must override); {@code
 * plain <ollamaBaseUrl>} takes the agent's instance as the README says, instrumentation artifacts
 * only. Prints {@value #MARKER} and the answer's length, then exits.
 */
public final class RagApplication {

  static final String MARKER = "rag-application answer length: ";
  static final String CONVERSATION_ID = "conv-42";

  interface Assistant {
    String chat(@MemoryId String conversationId, @UserMessage String question);
  }

  static final class WeatherTools {
    @Tool("Current weather of a city")
    String getWeather(String city) {
      return "The weather in " + city + " is 70 degrees and sunny.";
    }
  }

  private static final List<String> DOCUMENTS =
      List.of(
          "San Francisco is often foggy in the summer months.",
          "OpenTelemetry is a framework for traces, metrics and logs.",
          "A span represents one unit of work within a trace.",
          "Weather services report temperatures in degrees Fahrenheit in the United States.");

  private RagApplication() {}

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    String ollamaBaseUrl = args[1];
    LlmTelemetry telemetry;
    switch (mode) {
      case "init":
        Llmetry llmetry =
            Llmetry.init(LlmetryConfig.tencentApm(args[2], "secret-token", "rag-service").build());
        telemetry = llmetry.telemetry();
        break;
      case "plain":
        telemetry = LlmTelemetry.builder(GlobalOpenTelemetry.get()).build();
        break;
      default:
        throw new IllegalArgumentException("mode: init or plain, not " + mode);
    }

    // Ingested untraced, at startup: the request below is the only trace.
    EmbeddingModel miniLm = new AllMiniLmL6V2EmbeddingModel();
    InMemoryEmbeddingStore<TextSegment> documents = new InMemoryEmbeddingStore<>();
    List<TextSegment> segments = DOCUMENTS.stream().map(TextSegment::from).toList();
    documents.addAll(miniLm.embedAll(segments).content(), segments);
    EmbeddingModel embeddingModel = TracingEmbeddingModel.wrap(telemetry, miniLm);
    EmbeddingStore<TextSegment> store =
        TracingEmbeddingStore.builder(telemetry, documents).collectionName("docs").build();
    ContentRetriever retriever =
        TracingContentRetriever.builder(
                telemetry,
                EmbeddingStoreContentRetriever.builder()
                    .embeddingStore(store)
                    .embeddingModel(embeddingModel)
                    .maxResults(3)
                    .build(),
                "docs")
            .topK(3)
            .build();
    ChatModel model =
        TracingChatModel.wrap(
            OllamaChatModel.builder()
                .baseUrl(ollamaBaseUrl)
                .modelName("llama3")
                .timeout(Duration.ofSeconds(20))
                .maxRetries(0)
                .listeners(List.of(TracingChatModelListener.create(telemetry)))
                .build());
    Assistant assistant =
        TracingAiService.builder(
                telemetry,
                Assistant.class,
                TracingTools.addTo(
                        AiServices.builder(Assistant.class)
                            .chatModel(model)
                            .chatMemoryProvider(id -> MessageWindowChatMemory.withMaxMessages(20))
                            .contentRetriever(retriever),
                        telemetry,
                        new WeatherTools())
                    .build())
            .chatModel(model)
            .build();

    String answer =
        telemetry
            .workflow("answer-question")
            .conversationId(CONVERSATION_ID)
            .call(() -> assistant.chat(CONVERSATION_ID, "What is the weather in San Francisco?"));

    System.out.println(MARKER + answer.length());
    // The agent exports what is pending in its shutdown hook.
    System.exit(0);
  }
}
