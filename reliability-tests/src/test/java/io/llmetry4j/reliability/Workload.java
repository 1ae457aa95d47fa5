package io.llmetry4j.reliability;

import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.ollama.OllamaChatModel;
import dev.langchain4j.model.ollama.OllamaStreamingChatModel;
import dev.langchain4j.rag.content.retriever.EmbeddingStoreContentRetriever;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.MemoryId;
import dev.langchain4j.service.UserMessage;
import dev.langchain4j.store.embedding.inmemory.InMemoryEmbeddingStore;
import io.llmetry4j.chat.TracingChatModelListener;
import io.llmetry4j.chat.TracingStreamingChatModel;
import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.core.testing.OllamaCassettes;
import io.llmetry4j.core.testing.ReplayHttpServer;
import io.llmetry4j.core.testing.ReplayHttpServer.Response;
import io.llmetry4j.rag.TracingAiService;
import io.llmetry4j.rag.TracingContentRetriever;
import io.llmetry4j.rag.TracingTools;
import io.llmetry4j.store.TracingEmbeddingModel;
import io.llmetry4j.store.TracingEmbeddingStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Instrumented chat and RAG calls for the reliability tests: the real Ollama clients against the
 * recorded responses replayed on 127.0.0.1, an AI Service with a retriever and a tool. The
 * embedding model is a stub (named as one) so that thousands of requests stay cheap.
 */
final class Workload implements AutoCloseable {

  interface Assistant {
    String chat(@MemoryId String conversationId, @UserMessage String question);
  }

  static final class ShopTools {
    @Tool("Finds the bakery at an address")
    String findShop(String address) {
      return "open until six";
    }
  }

  static final String TOOL_CALL =
      "{\"model\":\"llama3\",\"created_at\":\"2024-09-16T02:41:55Z\",\"message\":{\"role\":\"assistant\","
          + "\"content\":\"\",\"tool_calls\":[{\"function\":{\"name\":\"findShop\",\"arguments\":"
          + "{\"address\":\""
          + Secrets.TOOL_ARGUMENT
          + "\"}}}]},\"done_reason\":\"stop\",\"done\":true,"
          + "\"prompt_eval_count\":30,\"eval_count\":9}";

  final ReplayHttpServer ollama = ReplayHttpServer.start();
  final LlmTelemetry telemetry;
  final ChatModel chat;
  final StreamingChatModel streaming;
  final Assistant assistant;

  Workload(LlmTelemetry telemetry, ChatModelListener... extraListeners) {
    this.telemetry = telemetry;
    Response chatAnswer = OllamaCassettes.response(OllamaCassettes.CHAT);
    Response streamAnswer = OllamaCassettes.response(OllamaCassettes.STREAMING_CHAT);
    ollama.byDefault(
        "/api/chat",
        body -> {
          String compact = body.replaceAll("\\s", "").toLowerCase(Locale.ROOT);
          if (compact.contains("\"stream\":true")) {
            return streamAnswer;
          }
          boolean toolsOffered = compact.contains("\"tools\":[{");
          boolean toolAnswered = compact.contains("\"role\":\"tool\"");
          return toolsOffered && !toolAnswered ? Response.json(200, TOOL_CALL) : chatAnswer;
        });
    List<ChatModelListener> listeners = new ArrayList<>();
    listeners.add(TracingChatModelListener.create(telemetry));
    listeners.addAll(List.of(extraListeners));
    chat =
        OllamaChatModel.builder()
            .baseUrl(ollama.baseUrl())
            .modelName("llama3")
            .timeout(Duration.ofSeconds(20))
            .maxRetries(0)
            .listeners(listeners)
            .build();
    streaming =
        TracingStreamingChatModel.wrap(
            OllamaStreamingChatModel.builder()
                .baseUrl(ollama.baseUrl())
                .modelName("llama3")
                .timeout(Duration.ofSeconds(20))
                .listeners(listeners)
                .build());
    InMemoryEmbeddingStore<TextSegment> store = new InMemoryEmbeddingStore<>();
    StubEmbedder embedder = new StubEmbedder();
    for (String text :
        List.of(Secrets.DOCUMENT, "Bread is baked at dawn.", "Croissants need butter.")) {
      store.add(embedder.embed(text).content(), TextSegment.from(text));
    }
    assistant =
        TracingAiService.wrap(
            telemetry,
            Assistant.class,
            TracingTools.addTo(
                    AiServices.builder(Assistant.class)
                        .chatModel(chat)
                        .chatMemoryProvider(id -> MessageWindowChatMemory.withMaxMessages(10))
                        .contentRetriever(
                            TracingContentRetriever.wrap(
                                telemetry,
                                EmbeddingStoreContentRetriever.builder()
                                    .embeddingStore(
                                        TracingEmbeddingStore.builder(telemetry, store)
                                            .collectionName("bakery")
                                            .build())
                                    .embeddingModel(TracingEmbeddingModel.wrap(telemetry, embedder))
                                    .maxResults(2)
                                    .build(),
                                "bakery")),
                    telemetry,
                    new ShopTools())
                .build());
  }

  /**
   * One request of kind {@code kind % 4}: sync chat, streaming chat, RAG with a tool, plain chat.
   */
  String request(int kind, String conversationId) throws Exception {
    return telemetry
        .workflow("request")
        .conversationId(conversationId)
        .call(
            () ->
                switch (kind % 4) {
                  case 0 -> chat.chat(Secrets.QUESTION);
                  case 1 -> stream();
                  case 2 -> assistant.chat(conversationId, Secrets.QUESTION);
                  default -> chat.chat(Secrets.QUESTION + " again");
                });
  }

  private String stream() throws Exception {
    CompletableFuture<ChatResponse> done = new CompletableFuture<>();
    streaming.chat(
        Secrets.QUESTION,
        new StreamingChatResponseHandler() {
          @Override
          public void onCompleteResponse(ChatResponse response) {
            done.complete(response);
          }

          @Override
          public void onError(Throwable error) {
            done.completeExceptionally(error);
          }
        });
    return done.get(30, TimeUnit.SECONDS).aiMessage().text();
  }

  @Override
  public void close() {
    ollama.close();
  }

  /** A stub, named as one: a vector from the text's character histogram. */
  static final class StubEmbedder implements EmbeddingModel {
    @Override
    public dev.langchain4j.model.output.Response<List<Embedding>> embedAll(
        List<TextSegment> segments) {
      List<Embedding> embeddings = new ArrayList<>();
      for (TextSegment segment : segments) {
        float[] vector = new float[32];
        for (char c : segment.text().toLowerCase(Locale.ROOT).toCharArray()) {
          vector[c % 32] += 1;
        }
        embeddings.add(Embedding.from(vector));
      }
      return dev.langchain4j.model.output.Response.from(embeddings);
    }

    @Override
    public String modelName() {
      return "stub-embedder";
    }
  }
}
