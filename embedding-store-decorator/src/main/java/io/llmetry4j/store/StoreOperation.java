package io.llmetry4j.store;

import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.EmbeddingSearchResult;
import dev.langchain4j.store.embedding.filter.Filter;
import io.llmetry4j.core.internal.Instrumentation;
import io.llmetry4j.core.internal.Operation;
import io.llmetry4j.core.internal.RetrievalDocumentsJson;
import io.llmetry4j.core.internal.SemconvAttributes;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import java.util.ArrayList;
import java.util.List;
import javax.annotation.Nullable;

/**
 * What a vector-store span records: the operation and its target (system, collection, namespace,
 * server), the batch size, for searches the request's top-k and minimum score and the results'
 * count, and with content capture on the query text, the filter, the best score and the matches as
 * {@code [{"id","score"}]}. Never vectors.
 */
final class StoreOperation implements Operation.Extractor<StoreOperation.Request, Object> {

  static final String ADD = "add";
  static final String ADD_ALL = "add_all";
  static final String REMOVE = "remove";
  static final String REMOVE_ALL = "remove_all";
  static final String SEARCH = "search";

  // llmetry4j's own: semconv 1.41.1 registers no vector-query attributes, and keys in the db.*
  // namespace that semconv owns are only the registered ones.
  static final AttributeKey<Long> VECTOR_TOP_K =
      AttributeKey.longKey("llmetry4j.vector.query.top_k");
  static final AttributeKey<Double> VECTOR_MIN_SCORE =
      AttributeKey.doubleKey("llmetry4j.vector.query.min_score");
  static final AttributeKey<Long> VECTOR_RESULT_COUNT =
      AttributeKey.longKey("llmetry4j.vector.query.result_count");
  static final AttributeKey<Double> VECTOR_TOP_SCORE =
      AttributeKey.doubleKey("llmetry4j.vector.query.top_score");
  static final AttributeKey<String> VECTOR_FILTER =
      AttributeKey.stringKey("llmetry4j.vector.query.filter");

  /** One call on the store. */
  static final class Request {
    final String operation;
    final int batchSize;
    @Nullable final EmbeddingSearchRequest search;
    @Nullable final Filter filter;

    Request(
        String operation,
        int batchSize,
        @Nullable EmbeddingSearchRequest search,
        @Nullable Filter filter) {
      this.operation = operation;
      this.batchSize = batchSize;
      this.search = search;
      this.filter = filter;
    }

    static Request of(String operation) {
      return new Request(operation, -1, null, null);
    }

    static Request batch(String operation, @Nullable java.util.Collection<?> items) {
      return new Request(operation, items == null ? -1 : items.size(), null, null);
    }

    static Request search(@Nullable EmbeddingSearchRequest search) {
      return new Request(SEARCH, -1, search, search == null ? null : search.filter());
    }

    static Request removeAll(@Nullable Filter filter) {
      return new Request(REMOVE_ALL, -1, null, filter);
    }
  }

  private final Instrumentation instrumentation;
  private final String systemName;
  @Nullable private final String collectionName;
  @Nullable private final String namespace;
  @Nullable private final String serverAddress;
  @Nullable private final Integer serverPort;

  private StoreOperation(
      Instrumentation instrumentation,
      String systemName,
      @Nullable String collectionName,
      @Nullable String namespace,
      @Nullable String serverAddress,
      @Nullable Integer serverPort) {
    this.instrumentation = instrumentation;
    this.systemName = systemName;
    this.collectionName = collectionName;
    this.namespace = namespace;
    this.serverAddress = serverAddress;
    this.serverPort = serverPort;
  }

  static Operation<Request, Object> create(
      Instrumentation instrumentation,
      String systemName,
      @Nullable String collectionName,
      @Nullable String namespace,
      @Nullable String serverAddress,
      @Nullable Integer serverPort) {
    StoreOperation extractor =
        new StoreOperation(
            instrumentation, systemName, collectionName, namespace, serverAddress, serverPort);
    java.util.Map<String, String> spanNames =
        java.util.Map.of(
            ADD, extractor.spanName(ADD),
            ADD_ALL, extractor.spanName(ADD_ALL),
            REMOVE, extractor.spanName(REMOVE),
            REMOVE_ALL, extractor.spanName(REMOVE_ALL),
            SEARCH, extractor.spanName(SEARCH));
    SpanKind kind = StoreSystems.isInProcess(systemName) ? SpanKind.INTERNAL : SpanKind.CLIENT;
    return Operation.<Request, Object>builder(
            instrumentation, kind, request -> spanNames.get(request.operation))
        .addExtractor(extractor)
        .addOpenLlmetryExtractor(new OpenLlmetryExtractors.Store(instrumentation, systemName))
        .build();
  }

  /** semconv DB span name: operation and target (collection, else namespace, else server). */
  private String spanName(String operation) {
    if (collectionName != null) {
      return operation + " " + collectionName;
    }
    if (namespace != null) {
      return operation + " " + namespace;
    }
    if (serverAddress != null) {
      return operation + " " + serverAddress + (serverPort != null ? ":" + serverPort : "");
    }
    return operation;
  }

  @Override
  public void onStart(SpanBuilder span, Request request) {
    span.setAttribute(SemconvAttributes.DB_SYSTEM_NAME, systemName)
        .setAttribute(SemconvAttributes.DB_OPERATION_NAME, request.operation);
    if (collectionName != null) {
      span.setAttribute(SemconvAttributes.DB_COLLECTION_NAME, collectionName);
    }
    if (namespace != null) {
      span.setAttribute(SemconvAttributes.DB_NAMESPACE, namespace);
    }
    if (serverAddress != null) {
      span.setAttribute(SemconvAttributes.SERVER_ADDRESS, serverAddress);
      if (serverPort != null) {
        span.setAttribute(SemconvAttributes.SERVER_PORT, serverPort.longValue());
      }
    }
    // semconv: batch size only for operations on two or more items.
    if (request.batchSize >= 2) {
      span.setAttribute(SemconvAttributes.DB_OPERATION_BATCH_SIZE, (long) request.batchSize);
    }
    if (request.search != null) {
      span.setAttribute(VECTOR_TOP_K, (long) request.search.maxResults());
      span.setAttribute(VECTOR_MIN_SCORE, request.search.minScore());
    }
  }

  @Override
  public void onRecordingStart(Span span, Request request) {
    // Checked first: with capture off, not even the filter is printed.
    if (!instrumentation.captureContent()) {
      return;
    }
    if (request.search != null) {
      instrumentation.recordContent(
          span, SemconvAttributes.GEN_AI_RETRIEVAL_QUERY_TEXT, request.search.query());
    }
    // The metadata filter as LangChain4j prints it: content, so only with capture on.
    if (request.filter != null) {
      instrumentation.recordContent(span, VECTOR_FILTER, request.filter.toString());
    }
  }

  @Override
  public void onEnd(
      Span span, Request request, @Nullable Object response, @Nullable Throwable error) {
    if (error != null || !SEARCH.equals(request.operation)) {
      return;
    }
    List<? extends EmbeddingMatch<?>> matches =
        response instanceof EmbeddingSearchResult
            ? presentMatches(((EmbeddingSearchResult<?>) response).matches())
            : List.of();
    span.setAttribute(VECTOR_RESULT_COUNT, (long) matches.size());
    span.setAttribute(SemconvAttributes.DB_RESPONSE_RETURNED_ROWS, (long) matches.size());
    // Scores and ids tell what was retrieved: content, recorded only when capture is on.
    if (instrumentation.captureContent() && !matches.isEmpty()) {
      Double top = null;
      for (EmbeddingMatch<?> match : matches) {
        Double score = match.score();
        if (score != null && Double.isFinite(score) && (top == null || score > top)) {
          top = score;
        }
      }
      if (top != null) {
        span.setAttribute(VECTOR_TOP_SCORE, top);
      }
      span.setAttribute(SemconvAttributes.GEN_AI_RETRIEVAL_DOCUMENTS, documents(matches));
    }
  }

  /**
   * The matches a store returned, without the {@code null} entries a faulty store may put in its
   * list (skipped, so that the span keeps its end attributes).
   */
  static List<? extends EmbeddingMatch<?>> presentMatches(
      @Nullable List<? extends EmbeddingMatch<?>> matches) {
    if (matches == null) {
      return List.of();
    }
    // The store's own list when it holds no null (the usual case): no copy per search. Not
    // contains(null), which immutable lists (List.of) answer with a NullPointerException.
    boolean hasNull = false;
    for (EmbeddingMatch<?> match : matches) {
      if (match == null) {
        hasNull = true;
        break;
      }
    }
    if (!hasNull) {
      return matches;
    }
    List<EmbeddingMatch<?>> present = new ArrayList<>(matches.size());
    for (EmbeddingMatch<?> match : matches) {
      if (match != null) {
        present.add(match);
      }
    }
    return present;
  }

  static String documents(List<? extends EmbeddingMatch<?>> matches) {
    return RetrievalDocumentsJson.of(matches, EmbeddingMatch::embeddingId, EmbeddingMatch::score);
  }
}
