package io.llmetry4j.store;

import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.EmbeddingSearchResult;
import dev.langchain4j.store.embedding.filter.Filter;
import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.core.internal.Instrumentation;
import io.llmetry4j.core.internal.RetrievalDocumentsJson;
import io.llmetry4j.core.internal.SemconvAttributes;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import java.util.List;
import javax.annotation.Nullable;

/**
 * Attributes of vector-search spans beyond the operation and target: the request's top-k and
 * minimum score, the results' count and best score, and with content capture on the query text, the
 * filter and the matches as {@code [{"id","score"}]}. Never vectors.
 */
final class StoreAttributes {

  // Extensions beyond semconv, under the names OpenLLMetry uses for vector databases.
  static final AttributeKey<Long> VECTOR_TOP_K = AttributeKey.longKey("db.vector.query.top_k");
  static final AttributeKey<Double> VECTOR_MIN_SCORE =
      AttributeKey.doubleKey("db.vector.query.min_score");
  static final AttributeKey<Long> VECTOR_RESULT_COUNT =
      AttributeKey.longKey("db.vector.query.result_count");
  static final AttributeKey<Double> VECTOR_TOP_SCORE =
      AttributeKey.doubleKey("db.vector.query.top_score");
  static final AttributeKey<String> VECTOR_FILTER =
      AttributeKey.stringKey("db.vector.query.filter");

  private StoreAttributes() {}

  static void onSearchRequest(Span span, EmbeddingSearchRequest request, LlmTelemetry telemetry) {
    span.setAttribute(VECTOR_TOP_K, (long) request.maxResults());
    span.setAttribute(VECTOR_MIN_SCORE, request.minScore());
    if (telemetry.captureContent()) {
      String query = Instrumentation.of(telemetry).content(request.query());
      if (query != null) {
        span.setAttribute(SemconvAttributes.GEN_AI_RETRIEVAL_QUERY_TEXT, query);
      }
      onFilter(span, request.filter(), telemetry);
    }
  }

  /** The metadata filter as LangChain4j prints it; content, so only with capture on. */
  static void onFilter(Span span, @Nullable Filter filter, LlmTelemetry telemetry) {
    if (telemetry.captureContent() && filter != null) {
      String text = Instrumentation.of(telemetry).content(filter.toString());
      if (text != null) {
        span.setAttribute(VECTOR_FILTER, text);
      }
    }
  }

  static void onSearchResult(Span span, EmbeddingSearchResult<?> result, LlmTelemetry telemetry) {
    List<? extends EmbeddingMatch<?>> matches = result == null ? List.of() : result.matches();
    span.setAttribute(VECTOR_RESULT_COUNT, (long) matches.size());
    span.setAttribute(SemconvAttributes.DB_RESPONSE_RETURNED_ROWS, (long) matches.size());
    // Scores and ids tell what was retrieved: content, recorded only when capture is on.
    if (telemetry.captureContent() && !matches.isEmpty()) {
      Double top = null;
      for (EmbeddingMatch<?> match : matches) {
        if (match.score() != null && (top == null || match.score() > top)) {
          top = match.score();
        }
      }
      if (top != null) {
        span.setAttribute(VECTOR_TOP_SCORE, top);
      }
      span.setAttribute(SemconvAttributes.GEN_AI_RETRIEVAL_DOCUMENTS, documents(matches));
    }
  }

  static String documents(List<? extends EmbeddingMatch<?>> matches) {
    return RetrievalDocumentsJson.of(matches, EmbeddingMatch::embeddingId, EmbeddingMatch::score);
  }
}
