package io.llmetry4j.examples.spring;

import dev.langchain4j.data.document.Document;
import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.document.splitter.DocumentSplitters;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.langchain4j.store.embedding.EmbeddingStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * The handbook assistant on Spring Boot: LangChain4j's starters build the AI Service, the in-memory
 * store and the retriever; llmetry4j's starter traces them — there is no llmetry4j code here. The
 * model is OpenAI-compatible when {@code langchain4j.open-ai.chat-model.api-key} is set (with
 * {@code .base-url} for DeepSeek or another), else an embedded stand-in. Spans go to {@code
 * otel.exporter.otlp.endpoint} (or {@code OTEL_EXPORTER_OTLP_ENDPOINT}) when set, else they are
 * printed as trees on stderr; the local trace viewer ({@code llmetry4j.viewer.enabled} in {@code
 * application.properties}) shows them in a browser, its address printed beside the trees, and at a
 * console the application then takes more questions until an empty line. Run: {@code mvn -B -q -pl
 * examples/spring-boot -am -DskipTests package exec:java}, a question in {@code -Dexec.args}.
 */
@SpringBootApplication
public class HandbookApplication {

  static final String DEFAULT_QUESTION = "What is a span?";
  private static final List<String> PAGES =
      List.of("tracing-basics.md", "rag-with-langchain4j.md", "operating-llm-services.md");

  public static void main(String[] args) {
    // A command-line application: it answers, and the context closes, flushing the spans.
    try (ConfigurableApplicationContext ignored =
        SpringApplication.run(HandbookApplication.class, args)) {
      // answered by the runner below
    }
  }

  @Bean
  public EmbeddingModel embeddingModel() {
    return new AllMiniLmL6V2EmbeddingModel();
  }

  /** When no OpenAI-compatible model is configured. */
  @Bean
  @ConditionalOnExpression("'${langchain4j.open-ai.chat-model.api-key:}'.isEmpty()")
  public ChatModel standInChatModel(ObjectProvider<ChatModelListener> listeners) {
    System.out.println(
        "model: no langchain4j.open-ai.chat-model.api-key set, so an embedded stand-in answers:"
            + " it is not an LLM, it quotes the best-matching retrieved sentence.");
    return new StandInChatModel(listeners.orderedStream().toList());
  }

  @Bean
  public ApplicationRunner answer(
      EmbeddingModel embeddingModel,
      EmbeddingStore<TextSegment> store,
      HandbookAssistant assistant,
      @Value("${llmetry4j.viewer.enabled:false}") boolean viewer) {
    return arguments -> {
      ingest(embeddingModel, store);
      List<String> words = arguments.getNonOptionArgs();
      String question = words.isEmpty() ? DEFAULT_QUESTION : String.join(" ", words);
      PrintStream out = System.out;
      out.println("question: " + question);
      out.println("answer: " + assistant.answer(question));
      if (viewer) {
        askFromStandardInput(assistant, out);
      }
    };
  }

  /**
   * While the viewer is up and someone is at the console: more questions, each one a new trace that
   * the open page shows as it arrives, until an empty line or the end of input. Without a console
   * (a script, a test) the application ends at once, and the viewer with it.
   */
  private static void askFromStandardInput(HandbookAssistant assistant, PrintStream out)
      throws IOException {
    if (System.console() == null) {
      return;
    }
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    while (true) {
      out.println("open the viewer's address above; ask another question (empty line: stop):");
      String line = in.readLine();
      if (line == null || line.isBlank()) {
        return;
      }
      out.println("answer: " + assistant.answer(line.strip()));
    }
  }

  /** Embeds the bundled pages (setup, not a request: its spans are the store's own). */
  static void ingest(EmbeddingModel model, EmbeddingStore<TextSegment> store) {
    List<TextSegment> segments = new ArrayList<>();
    for (String page : PAGES) {
      Document document = Document.from(read(page), Metadata.from("page", page));
      segments.addAll(DocumentSplitters.recursive(300, 0).split(document));
    }
    store.addAll(model.embedAll(segments).content(), segments);
  }

  private static String read(String page) {
    try (InputStream in = HandbookApplication.class.getResourceAsStream("/docs/" + page)) {
      if (in == null) {
        throw new IllegalStateException("handbook page missing: " + page);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
