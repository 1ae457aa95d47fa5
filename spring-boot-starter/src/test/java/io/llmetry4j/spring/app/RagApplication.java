package io.llmetry4j.spring.app;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.langchain4j.store.embedding.EmbeddingStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * A LangChain4j RAG application as a team writes it: LangChain4j's OpenAI and AI Service starters,
 * an embedding model bean, the starter's in-memory store and content retriever, an
 * {@code @AiService}; no llmetry4j code. The handbook pages are embedded at start-up.
 */
@SpringBootApplication
public class RagApplication {

  @Bean
  public EmbeddingModel embeddingModel() {
    return new AllMiniLmL6V2EmbeddingModel();
  }

  @Bean
  public ApplicationRunner ingest(
      EmbeddingModel embeddingModel, EmbeddingStore<TextSegment> store) {
    return arguments -> {
      for (String line : handbook().split("\n")) {
        if (!line.isBlank()) {
          TextSegment segment = TextSegment.from(line);
          store.add(embeddingModel.embed(segment).content(), segment);
        }
      }
    };
  }

  static String handbook() {
    try (InputStream in =
        RagApplication.class.getResourceAsStream("/documents/observability-handbook.txt")) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
