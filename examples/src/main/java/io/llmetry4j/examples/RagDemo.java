package io.llmetry4j.examples;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.langchain4j.model.ollama.OllamaChatModel;
import dev.langchain4j.model.ollama.OllamaStreamingChatModel;
import dev.langchain4j.rag.RetrievalAugmentor;
import dev.langchain4j.rag.content.retriever.ContentRetriever;
import dev.langchain4j.rag.content.retriever.EmbeddingStoreContentRetriever;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.MemoryId;
import dev.langchain4j.service.TokenStream;
import dev.langchain4j.service.UserMessage;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.inmemory.InMemoryEmbeddingStore;
import dev.langchain4j.store.embedding.milvus.MilvusEmbeddingStore;
import io.llmetry4j.bootstrap.Llmetry;
import io.llmetry4j.bootstrap.LlmetryConfig;
import io.llmetry4j.chat.TracingChatModel;
import io.llmetry4j.chat.TracingChatModelListener;
import io.llmetry4j.chat.TracingStreamingChatModel;
import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.rag.TracingAiService;
import io.llmetry4j.rag.TracingContentRetriever;
import io.llmetry4j.rag.TracingRetrievalAugmentor;
import io.llmetry4j.rag.TracingTools;
import io.llmetry4j.store.TracingEmbeddingModel;
import io.llmetry4j.store.TracingEmbeddingStore;
import io.opentelemetry.api.trace.Span;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A question-answering service over the bundled pages, traced end to end by llmetry4j: bootstrap,
 * chat listener, traced embedding model and store, traced retriever, an AI Service with one tool,
 * and a workflow with a conversation id.
 *
 * <p>Model: {@code OLLAMA_BASE_URL} if set; else Ollama in a container when Docker is available;
 * else a local stand-in (not an LLM) reached through the same Ollama client. Store: Milvus in a
 * container when Docker is available, else in memory. Export: the OTLP endpoint of the environment
 * ({@code OTEL_EXPORTER_OTLP_ENDPOINT}), else the trace is printed on stderr.
 *
 * <p>Arguments: {@code [question] [--stream] [--capture-content] [--no-viewer] [--model NAME]}. The
 * local trace viewer shows the trace in a browser (its address is printed); at a console, more
 * questions can be asked on standard input while it runs.
 */
public final class RagDemo {

  static final String DEFAULT_QUESTION = "What is a span in a trace?";
  static final String DEFAULT_MODEL = "deepseek-r1:1.5b";
  static final String STAND_IN_MODEL = "llmetry4j-stand-in";

  interface Assistant {
    String answer(@MemoryId String conversationId, @UserMessage String question);
  }

  interface StreamingAssistant {
    TokenStream answer(@MemoryId String conversationId, @UserMessage String question);
  }

  private RagDemo() {}

  /** One question asked of the demo's AI Service: one trace. */
  interface Question {
    String answer(String question) throws Exception;
  }

  /** What runs while the viewer is up, before the demo stops it. */
  interface WhileViewing {
    void run(String viewerUrl, Question ask) throws Exception;
  }

  public static void main(String[] args) throws Exception {
    run(args, System.out, RagDemo::askFromStandardInput);
  }

  /**
   * With the viewer on and someone at the console: more questions from standard input, each one a
   * new trace that the page shows as it arrives, until an empty line or the end of input. Without a
   * console (a script, CI) the demo ends at once.
   */
  private static void askFromStandardInput(String viewerUrl, Question ask) throws Exception {
    if (System.console() == null) {
      return;
    }
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    while (true) {
      System.out.println("open " + viewerUrl + " ; ask another question (empty line: stop):");
      String line = in.readLine();
      if (line == null || line.isBlank()) {
        return;
      }
      ask.answer(line.strip());
    }
  }

  /** Runs the demo without waiting on the viewer; returns the answer. */
  static String run(String[] args, PrintStream out) throws Exception {
    return run(args, out, (viewerUrl, ask) -> {});
  }

  /**
   * Runs the demo; returns the first answer. With the viewer on, {@code whileViewing} runs before
   * anything stops. Everything it starts is stopped before it returns.
   */
  static String run(String[] args, PrintStream out, WhileViewing whileViewing) throws Exception {
    String question = DEFAULT_QUESTION;
    boolean stream = false;
    boolean captureContent = false;
    boolean viewer = true;
    String model = System.getenv().getOrDefault("OLLAMA_MODEL", DEFAULT_MODEL);
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--stream" -> stream = true;
        case "--capture-content" -> captureContent = true;
        case "--viewer" -> viewer = true;
        case "--no-viewer" -> viewer = false;
        case "--model" -> model = args[++i];
        default -> question = args[i];
      }
    }
    Deque<AutoCloseable> resources = new ArrayDeque<>();
    try {
      String ollamaUrl = System.getenv("OLLAMA_BASE_URL");
      boolean docker = ollamaUrl == null && Containers.dockerAvailable();
      if (ollamaUrl != null) {
        out.println("model: Ollama at " + ollamaUrl + ", " + model);
      } else if (docker) {
        var ollama = Containers.ollama(model, out);
        resources.push(ollama::stop);
        ollamaUrl = ollama.getEndpoint();
      } else {
        OllamaStandIn standIn = new OllamaStandIn();
        resources.push(standIn);
        ollamaUrl = standIn.baseUrl();
        model = STAND_IN_MODEL;
        out.println(
            "model: no Ollama and no Docker here, so a local stand-in answers: it is not an LLM, it quotes the best-matching retrieved sentence.");
      }

      ExecutorService embeddingThreads = Executors.newFixedThreadPool(2);
      resources.push(
          () -> {
            // Waited for: a demo leaves no thread behind, even on a loaded machine.
            embeddingThreads.shutdownNow();
            embeddingThreads.awaitTermination(10, TimeUnit.SECONDS);
          });
      EmbeddingModel miniLm = new AllMiniLmL6V2EmbeddingModel(embeddingThreads);
      EmbeddingStore<TextSegment> rawStore;
      if (docker) {
        var milvus = Containers.milvus(out);
        resources.push(milvus::stop);
        rawStore =
            MilvusEmbeddingStore.builder()
                .uri(milvus.getEndpoint())
                .collectionName("docs")
                .dimension(384)
                .build();
      } else {
        rawStore = new InMemoryEmbeddingStore<>();
        out.println("store: in memory");
      }
      ingest(miniLm, rawStore, out);

      LlmetryConfig.Builder config = LlmetryConfig.builder().appName("llmetry4j-rag-demo");
      if (captureContent) {
        config.telemetry(t -> t.captureContent(true));
      }
      if (viewer) {
        config.viewer(true);
      }
      Llmetry llmetry = Llmetry.init(config.build());
      resources.push(llmetry);
      LlmTelemetry telemetry = llmetry.telemetry();

      EmbeddingModel embeddingModel = TracingEmbeddingModel.wrap(telemetry, miniLm);
      EmbeddingStore<TextSegment> store =
          TracingEmbeddingStore.builder(telemetry, rawStore).collectionName("docs").build();
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
      // LangChain4j's retrieval augmentor with each stage traced (given the retriever alone, the
      // AI Service would build the same augmentor, untraced).
      RetrievalAugmentor augmentor =
          TracingRetrievalAugmentor.builder(telemetry).contentRetriever(retriever).build();
      TracingChatModelListener listener = TracingChatModelListener.create(telemetry);

      String conversationId = "demo-" + UUID.randomUUID();
      Question ask =
          stream
              ? streamingQuestions(
                  telemetry, listener, augmentor, ollamaUrl, model, conversationId, out)
              : questions(telemetry, listener, augmentor, ollamaUrl, model, conversationId, out);
      String answer = ask.answer(question);
      if (llmetry.viewerUrl().isPresent()) {
        String viewerUrl = llmetry.viewerUrl().get();
        out.println("viewer: " + viewerUrl);
        whileViewing.run(viewerUrl, ask);
      }
      return answer;
    } finally {
      // Closing Llmetry flushes the trace: printed on stderr, or exported to the endpoint.
      while (!resources.isEmpty()) {
        resources.pop().close();
      }
    }
  }

  /**
   * The demo's AI Service over {@code builder}'s model: a window memory per conversation, the
   * traced augmentor and the glossary tool, the service itself traced.
   */
  private static <T> T service(
      LlmTelemetry telemetry, Class<T> type, AiServices<T> builder, RetrievalAugmentor augmentor) {
    builder
        .chatMemoryProvider(id -> MessageWindowChatMemory.withMaxMessages(10))
        .retrievalAugmentor(augmentor);
    return TracingAiService.wrap(
        telemetry, type, TracingTools.addTo(builder, telemetry, new GlossaryTools()).build());
  }

  /** The AI Service of the demo, answering in one call per question. */
  private static Question questions(
      LlmTelemetry telemetry,
      TracingChatModelListener listener,
      RetrievalAugmentor augmentor,
      String url,
      String modelName,
      String conversationId,
      PrintStream out) {
    Assistant assistant =
        service(
            telemetry,
            Assistant.class,
            AiServices.builder(Assistant.class)
                .chatModel(
                    TracingChatModel.wrap(
                        OllamaChatModel.builder()
                            .baseUrl(url)
                            .modelName(modelName)
                            .timeout(Duration.ofMinutes(5))
                            .listeners(List.of(listener))
                            .build())),
            augmentor);
    return question -> {
      String[] traceId = new String[1];
      String answer =
          telemetry
              .workflow("answer-question")
              .conversationId(conversationId)
              .call(
                  () -> {
                    traceId[0] = Span.current().getSpanContext().getTraceId();
                    return assistant.answer(conversationId, question);
                  });
      out.println("answer: " + answer);
      out.println("trace id: " + traceId[0]);
      return answer;
    };
  }

  /** The streaming AI Service of the demo: one workflow lasts until the answer is complete. */
  private static Question streamingQuestions(
      LlmTelemetry telemetry,
      TracingChatModelListener listener,
      RetrievalAugmentor augmentor,
      String url,
      String modelName,
      String conversationId,
      PrintStream out) {
    StreamingAssistant assistant =
        service(
            telemetry,
            StreamingAssistant.class,
            AiServices.builder(StreamingAssistant.class)
                .streamingChatModel(
                    TracingStreamingChatModel.wrap(
                        OllamaStreamingChatModel.builder()
                            .baseUrl(url)
                            .modelName(modelName)
                            .timeout(Duration.ofMinutes(5))
                            .listeners(List.of(listener))
                            .build())),
            augmentor);
    return question -> {
      String[] traceId = new String[1];
      out.print("answer (streamed): ");
      // The workflow lasts until the streamed answer is complete, not just until it starts.
      String answer =
          telemetry
              .workflow("answer-question")
              .conversationId(conversationId)
              .call(
                  () -> {
                    traceId[0] = Span.current().getSpanContext().getTraceId();
                    CompletableFuture<ChatResponse> done = new CompletableFuture<>();
                    assistant
                        .answer(conversationId, question)
                        .onPartialResponse(out::print)
                        .onCompleteResponse(done::complete)
                        .onError(done::completeExceptionally)
                        .start();
                    return done.get(10, TimeUnit.MINUTES).aiMessage().text();
                  });
      out.println();
      out.println("trace id: " + traceId[0]);
      return answer;
    };
  }

  /**
   * Embeds the bundled pages into the store, showing progress. Not traced: setup, not a request.
   */
  private static void ingest(
      EmbeddingModel model, EmbeddingStore<TextSegment> store, PrintStream out) {
    List<TextSegment> segments = DemoDocuments.segments();
    long start = System.nanoTime();
    int batch = 8;
    for (int from = 0; from < segments.size(); from += batch) {
      List<TextSegment> part = segments.subList(from, Math.min(from + batch, segments.size()));
      List<Embedding> embeddings = model.embedAll(part).content();
      store.addAll(embeddings, part);
      out.printf("embedding documents: %d/%d segments%n", from + part.size(), segments.size());
    }
    out.printf("embedding documents: done in %d ms%n", (System.nanoTime() - start) / 1_000_000);
  }
}
