package io.llmetry4j.store;

import static java.util.Objects.requireNonNull;

import dev.langchain4j.data.document.Document;
import dev.langchain4j.data.document.DocumentSplitter;
import dev.langchain4j.data.document.DocumentTransformer;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.data.segment.TextSegmentTransformer;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.EmbeddingStoreIngestor;
import dev.langchain4j.store.embedding.IngestionResult;
import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.core.internal.Forwarding;
import io.llmetry4j.core.internal.Instrumentation;
import io.llmetry4j.core.internal.Operation;
import io.llmetry4j.store.IngestionOperation.Ingestion;
import io.opentelemetry.context.Context;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;
import javax.annotation.Nullable;

/**
 * LangChain4j's {@link EmbeddingStoreIngestor}, traced: each {@code ingest} call is one trace, an
 * {@code ingest {collection}} span (kind INTERNAL) with the documents given, the segments embedded
 * and their characters, and the tokens the embedding model reported; below it the stages as they
 * run — {@code transform_documents {class}}, {@code split_documents {class}}, {@code
 * transform_segments {class}} when set, then {@code embeddings {model}} and {@code add_all
 * {collection}}. The ingestion itself is LangChain4j's, with the same stages, the same result and
 * the same exceptions.
 *
 * <pre>{@code
 * TracingIngestor ingestor = TracingIngestor.builder(telemetry)
 *     .documentSplitter(DocumentSplitters.recursive(300, 30))
 *     .embeddingModel(new AllMiniLmL6V2EmbeddingModel())
 *     .embeddingStore(pgVectorStore)
 *     .collectionName("handbook")
 *     .build();
 * IngestionResult result = ingestor.ingest(documents);
 * }</pre>
 *
 * <p>No text of a document or segment is recorded on the ingestion and stage spans, whatever the
 * content capture says: counts only.
 *
 * <p>Stages that LangChain4j loads itself (an embedding model or splitter found through its SPI
 * when none is given) run untraced. An ingestor built elsewhere can be wrapped with {@link
 * #wrap(LlmTelemetry, EmbeddingStoreIngestor)}, which records the ingestion span alone.
 */
public final class TracingIngestor {

  private final EmbeddingStoreIngestor delegate;
  private final Operation<Ingestion, IngestionResult> operation;

  private TracingIngestor(
      EmbeddingStoreIngestor delegate, Operation<Ingestion, IngestionResult> operation) {
    this.delegate = delegate;
    this.operation = operation;
  }

  public static Builder builder(LlmTelemetry telemetry) {
    return new Builder(telemetry);
  }

  /**
   * An ingestor built elsewhere, whose stages llmetry4j cannot reach: each {@code ingest} records
   * the {@code ingest} span with the documents given and the tokens embedded; its model and store
   * add their spans below it when they are traced themselves.
   */
  public static TracingIngestor wrap(LlmTelemetry telemetry, EmbeddingStoreIngestor ingestor) {
    requireNonNull(telemetry, "telemetry");
    requireNonNull(ingestor, "ingestor");
    return new TracingIngestor(
        ingestor, IngestionOperation.create(Instrumentation.of(telemetry), null));
  }

  /** {@link EmbeddingStoreIngestor#ingest(Document)}, traced. */
  public IngestionResult ingest(Document document) {
    return traced(Collections.singletonList(document), () -> delegate.ingest(document));
  }

  /** {@link EmbeddingStoreIngestor#ingest(Document...)}, traced. */
  public IngestionResult ingest(Document... documents) {
    return traced(
        documents == null ? null : Arrays.asList(documents), () -> delegate.ingest(documents));
  }

  /** {@link EmbeddingStoreIngestor#ingest(List)}, traced. */
  public IngestionResult ingest(List<Document> documents) {
    return traced(documents, () -> delegate.ingest(documents));
  }

  private IngestionResult traced(
      @Nullable List<Document> documents,
      Operation.Body<IngestionResult, RuntimeException> ingestion) {
    Ingestion call = new Ingestion(documents);
    // The tally rides in the span's context, where the ingestor's model finds it.
    return operation.call(call.tally.storeIn(Context.current()), call, ingestion);
  }

  /**
   * Builder of {@link TracingIngestor}, with the settings of {@link EmbeddingStoreIngestor.Builder}
   * (each stage given here is traced) and the collection the documents go to.
   */
  public static final class Builder {
    private final LlmTelemetry telemetry;
    @Nullable private DocumentTransformer documentTransformer;
    @Nullable private DocumentSplitter documentSplitter;
    @Nullable private TextSegmentTransformer textSegmentTransformer;
    @Nullable private EmbeddingModel embeddingModel;
    @Nullable private EmbeddingStore<TextSegment> embeddingStore;
    @Nullable private String collectionName;
    @Nullable private Consumer<EmbeddingStoreIngestor.Builder> customizer;

    private Builder(LlmTelemetry telemetry) {
      this.telemetry = requireNonNull(telemetry, "telemetry");
    }

    /** Transforms each document before it is split; traced as {@code transform_documents}. */
    public Builder documentTransformer(DocumentTransformer documentTransformer) {
      this.documentTransformer = requireNonNull(documentTransformer, "documentTransformer");
      return this;
    }

    /** Splits the documents into segments; traced as {@code split_documents}. */
    public Builder documentSplitter(DocumentSplitter documentSplitter) {
      this.documentSplitter = requireNonNull(documentSplitter, "documentSplitter");
      return this;
    }

    /** Transforms each segment before it is embedded; traced as {@code transform_segments}. */
    public Builder textSegmentTransformer(TextSegmentTransformer textSegmentTransformer) {
      this.textSegmentTransformer =
          requireNonNull(textSegmentTransformer, "textSegmentTransformer");
      return this;
    }

    /**
     * The embedding model; wrapped with {@link TracingEmbeddingModel} unless it already is one
     * (then it keeps its own settings, such as an explicit model name).
     */
    public Builder embeddingModel(EmbeddingModel embeddingModel) {
      this.embeddingModel = requireNonNull(embeddingModel, "embeddingModel");
      return this;
    }

    /**
     * The store; wrapped with {@link TracingEmbeddingStore} (with {@link #collectionName}) unless
     * it already is one — wrap it yourself to record its namespace and server.
     */
    public Builder embeddingStore(EmbeddingStore<TextSegment> embeddingStore) {
      this.embeddingStore = requireNonNull(embeddingStore, "embeddingStore");
      return this;
    }

    /**
     * The collection (table, index) the documents go to: names the span {@code ingest
     * {collectionName}}, and the store's spans when this builder wraps the store. Without it the
     * span is {@code ingest}.
     */
    public Builder collectionName(String collectionName) {
      this.collectionName = requireNonNull(collectionName, "collectionName");
      return this;
    }

    /**
     * Applied to LangChain4j's own builder after the traced stages are set on it: for settings this
     * builder does not know, such as {@code embeddingInputType} (LangChain4j 1.19+). A stage set
     * here replaces the traced one and runs untraced.
     */
    public Builder customize(Consumer<EmbeddingStoreIngestor.Builder> customizer) {
      this.customizer = requireNonNull(customizer, "customizer");
      return this;
    }

    /**
     * The traced ingestor. LangChain4j's builder validates as it always does (a missing store fails
     * here, with its message).
     */
    public TracingIngestor build() {
      Instrumentation instrumentation = Instrumentation.of(telemetry);
      EmbeddingStoreIngestor.Builder ingestor = EmbeddingStoreIngestor.builder();
      if (documentTransformer != null) {
        ingestor.documentTransformer(
            IngestionStages.documentTransformer(instrumentation, documentTransformer));
      }
      if (documentSplitter != null) {
        ingestor.documentSplitter(
            IngestionStages.documentSplitter(instrumentation, documentSplitter));
      }
      if (textSegmentTransformer != null) {
        ingestor.textSegmentTransformer(
            IngestionStages.textSegmentTransformer(instrumentation, textSegmentTransformer));
      }
      if (embeddingModel != null) {
        ingestor.embeddingModel(IngestionStages.countingModel(traced(embeddingModel)));
      }
      if (embeddingStore != null) {
        ingestor.embeddingStore(traced(embeddingStore));
      }
      if (customizer != null) {
        customizer.accept(ingestor);
      }
      return new TracingIngestor(
          ingestor.build(), IngestionOperation.create(instrumentation, collectionName));
    }

    private EmbeddingModel traced(EmbeddingModel model) {
      // A Forwarding wrapper of an EmbeddingModel is TracingEmbeddingModel's: not traced twice.
      return Forwarding.delegateOf(model) != null
          ? model
          : TracingEmbeddingModel.wrap(telemetry, model);
    }

    private EmbeddingStore<TextSegment> traced(EmbeddingStore<TextSegment> store) {
      if (Forwarding.delegateOf(store) != null) {
        return store; // TracingEmbeddingStore's, with the application's settings
      }
      TracingEmbeddingStore.Builder<TextSegment> traced =
          TracingEmbeddingStore.builder(telemetry, store);
      if (collectionName != null) {
        traced.collectionName(collectionName);
      }
      return traced.build();
    }
  }
}
