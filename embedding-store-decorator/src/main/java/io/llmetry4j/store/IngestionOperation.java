package io.llmetry4j.store;

import dev.langchain4j.model.output.TokenUsage;
import dev.langchain4j.store.embedding.IngestionResult;
import io.llmetry4j.core.internal.Instrumentation;
import io.llmetry4j.core.internal.OpenLlmetryEntity;
import io.llmetry4j.core.internal.Operation;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import java.util.List;
import javax.annotation.Nullable;

/**
 * What an {@code ingest {collection}} span records: the documents given, the segments that reached
 * the embedding model and their characters, the tokens the model reported. Counts only: no text of
 * a document or segment is ever recorded, whatever the content capture says.
 */
final class IngestionOperation
    implements Operation.Extractor<IngestionOperation.Ingestion, IngestionResult> {

  // llmetry4j's own: semconv 1.41.1 has no ingestion operation, and the gen_ai.usage.* keys
  // belong to the embeddings span below this one (a backend summing them over a trace would
  // count the tokens twice).
  static final AttributeKey<Long> DOCUMENT_COUNT =
      AttributeKey.longKey("llmetry4j.ingestion.document_count");
  static final AttributeKey<Long> SEGMENT_COUNT =
      AttributeKey.longKey("llmetry4j.ingestion.segment_count");
  static final AttributeKey<Long> CHARACTER_COUNT =
      AttributeKey.longKey("llmetry4j.ingestion.character_count");
  static final AttributeKey<Long> INPUT_TOKENS =
      AttributeKey.longKey("llmetry4j.ingestion.input_tokens");

  /** One {@code ingest} call: the documents given and what its embedding step saw. */
  static final class Ingestion {
    @Nullable final List<?> documents;
    final Tally tally = new Tally();

    Ingestion(@Nullable List<?> documents) {
      this.documents = documents;
    }
  }

  /**
   * The segments that reached the embedding model during one ingestion, counted by the model
   * wrapper of {@link TracingIngestor} that finds it in the context of the ingestion span: the
   * ingestor calls its model on the caller's thread, inside that span.
   */
  static final class Tally {
    private static final ContextKey<Tally> KEY = ContextKey.named("llmetry4j-ingestion-tally");

    // Plain fields: written and read on the thread that runs the ingestion.
    private long segments;
    private long characters;
    private boolean embedded;

    @Nullable
    static Tally current() {
      return Context.current().get(KEY);
    }

    Context storeIn(Context context) {
      return context.with(KEY, this);
    }

    void add(long segments, long characters) {
      this.segments += segments;
      this.characters += characters;
      this.embedded = true;
    }
  }

  private IngestionOperation() {}

  static Operation<Ingestion, IngestionResult> create(
      Instrumentation instrumentation, @Nullable String collectionName) {
    String spanName = collectionName == null ? "ingest" : "ingest " + collectionName;
    return Operation.<Ingestion, IngestionResult>builder(
            instrumentation, SpanKind.INTERNAL, ingestion -> spanName)
        .addExtractor(new IngestionOperation())
        .sumsCost()
        // OpenLLMetry's views (Tencent APM) show an ingestion as a workflow of its own.
        .addOpenLlmetryExtractor(
            new OpenLlmetryEntity<Ingestion, IngestionResult>(
                instrumentation,
                ingestion -> "workflow",
                ingestion -> spanName,
                ingestion -> null,
                result -> null))
        .build();
  }

  @Override
  public void onStart(SpanBuilder span, Ingestion ingestion) {
    if (ingestion.documents != null) {
      span.setAttribute(DOCUMENT_COUNT, (long) ingestion.documents.size());
    }
  }

  @Override
  public void onEnd(
      Span span, Ingestion ingestion, @Nullable IngestionResult result, @Nullable Throwable error) {
    // Also on failure: a store that refuses the batch still had these segments embedded.
    Tally tally = ingestion.tally;
    if (tally.embedded) {
      span.setAttribute(SEGMENT_COUNT, tally.segments);
      span.setAttribute(CHARACTER_COUNT, tally.characters);
    }
    Long tokens = result == null ? null : inputTokens(result.tokenUsage());
    if (tokens != null) {
      span.setAttribute(INPUT_TOKENS, tokens);
    }
  }

  @Nullable
  private static Long inputTokens(@Nullable TokenUsage usage) {
    return usage == null || usage.inputTokenCount() == null
        ? null
        : usage.inputTokenCount().longValue();
  }
}
