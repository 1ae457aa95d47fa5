package io.llmetry4j.springtests;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.langchain4j.rag.content.retriever.ContentRetriever;
import dev.langchain4j.rag.content.retriever.EmbeddingStoreContentRetriever;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.inmemory.InMemoryEmbeddingStore;
import java.util.List;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * A LangChain4j web application as a team writes it on Spring Boot 3.5 (traced by Micrometer
 * Tracing's OpenTelemetry bridge in one test module, by the OpenTelemetry Spring Boot starter in the
 * other; each module adds its own {@code GlossaryTools}): LangChain4j's OpenAI and AI Service starters, an embedding model, an
 * in-memory store and a content retriever, a tool, an {@code @AiService} behind a REST endpoint; no
 * llmetry4j code.
 */
@SpringBootApplication
public class GlossaryApplication {

  static final List<String> HANDBOOK =
      List.of(
          "A span is one timed operation of a trace.",
          "A trace is the tree of spans of one request.",
          "An exporter sends finished spans to a backend.");

  @Bean
  public EmbeddingModel embeddingModel() {
    return new AllMiniLmL6V2EmbeddingModel();
  }

  @Bean
  public EmbeddingStore<TextSegment> embeddingStore(EmbeddingModel embeddingModel) {
    EmbeddingStore<TextSegment> store = new InMemoryEmbeddingStore<>();
    for (String sentence : HANDBOOK) {
      TextSegment segment = TextSegment.from(sentence);
      store.add(embeddingModel.embed(segment).content(), segment);
    }
    return store;
  }

  @Bean
  public ContentRetriever contentRetriever(
      EmbeddingStore<TextSegment> embeddingStore, EmbeddingModel embeddingModel) {
    return EmbeddingStoreContentRetriever.builder()
        .embeddingStore(embeddingStore)
        .embeddingModel(embeddingModel)
        .maxResults(2)
        .build();
  }
}
