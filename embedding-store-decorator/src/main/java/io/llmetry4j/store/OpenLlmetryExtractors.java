package io.llmetry4j.store;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.EmbeddingSearchResult;
import io.llmetry4j.core.internal.Instrumentation;
import io.llmetry4j.core.internal.Operation;
import io.llmetry4j.core.internal.TraceloopAttributes;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import java.util.List;
import javax.annotation.Nullable;

/**
 * What OpenLLMetry's instrumentations record for embedding models and vector stores, added to their
 * operations in OpenLLMetry compatibility mode only. Its content takes the half of each span's
 * content budget that the conventions' attributes leave.
 */
final class OpenLlmetryExtractors {

  // OpenLLMetry's vector-DB keys (its semantic-conventions-ai).
  static final AttributeKey<Long> VECTOR_TOP_K = AttributeKey.longKey("db.vector.query.top_k");
  static final AttributeKey<String> DB_SYSTEM = AttributeKey.stringKey("db.system");
  static final AttributeKey<String> DB_OPERATION = AttributeKey.stringKey("db.operation");
  static final String RESULT_EVENT = "db.query.result";
  static final AttributeKey<String> RESULT_ID = AttributeKey.stringKey("db.query.result.id");
  static final AttributeKey<Double> RESULT_SCORE = AttributeKey.doubleKey("db.query.result.score");
  static final AttributeKey<String> RESULT_DOCUMENT =
      AttributeKey.stringKey("db.query.result.document");

  private OpenLlmetryExtractors() {}

  /**
   * An {@code embeddings} span: {@code gen_ai.system}, {@code llm.request.type}, the token keys
   * and, with content capture on, the texts embedded as {@code gen_ai.prompt.N.content}.
   */
  static final class Embeddings implements Operation.Extractor<EmbeddingsOperation.Call, Object> {
    private final Instrumentation instrumentation;
    private final String provider;

    Embeddings(Instrumentation instrumentation, String provider) {
      this.instrumentation = instrumentation;
      this.provider = provider;
    }

    @Override
    public void onStart(SpanBuilder span, EmbeddingsOperation.Call call) {
      span.setAttribute(TraceloopAttributes.GEN_AI_SYSTEM, TraceloopAttributes.system(provider))
          .setAttribute(TraceloopAttributes.LLM_REQUEST_TYPE, "embedding")
          .setAttribute(TraceloopAttributes.LLM_IS_STREAMING, false);
    }

    @Override
    public void onRecordingStart(Span span, EmbeddingsOperation.Call call) {
      if (!instrumentation.captureContent()) {
        return;
      }
      List<?> inputs = call.input instanceof List ? (List<?>) call.input : List.of(call.input);
      int remaining = instrumentation.spanContentBudget();
      for (int i = 0;
          i < inputs.size() && i < TraceloopAttributes.MAX_INDEXED && remaining > 0;
          i++) {
        Object input = inputs.get(i);
        String text = input instanceof TextSegment ? ((TextSegment) input).text() : null;
        if (input instanceof String) {
          text = (String) input;
        }
        String content = instrumentation.content(text, remaining);
        if (content != null) {
          span.setAttribute(TraceloopAttributes.PROMPTS.key(i, "content"), content);
          remaining -= content.length();
        }
      }
    }

    @Override
    public void onEnd(
        Span span,
        EmbeddingsOperation.Call call,
        @Nullable Object response,
        @Nullable Throwable error) {
      Long input = response == null ? null : EmbeddingsOperation.inputTokens(response);
      if (input != null) {
        span.setAttribute(TraceloopAttributes.GEN_AI_USAGE_PROMPT_TOKENS, input)
            .setAttribute(TraceloopAttributes.LLM_USAGE_TOTAL_TOKENS, input);
      }
    }
  }

  /**
   * A store span: {@code db.system}, {@code db.operation}, {@code db.vector.query.top_k} and, with
   * content capture on, a {@code db.query.result} event per match (id, score, the document's text).
   */
  static final class Store implements Operation.Extractor<StoreOperation.Request, Object> {
    private final Instrumentation instrumentation;
    private final String systemName;

    Store(Instrumentation instrumentation, String systemName) {
      this.instrumentation = instrumentation;
      this.systemName = systemName;
    }

    @Override
    public void onStart(SpanBuilder span, StoreOperation.Request request) {
      span.setAttribute(DB_SYSTEM, systemName).setAttribute(DB_OPERATION, request.operation);
      if (request.search != null) {
        span.setAttribute(VECTOR_TOP_K, (long) request.search.maxResults());
      }
    }

    @Override
    public void onEnd(
        Span span,
        StoreOperation.Request request,
        @Nullable Object response,
        @Nullable Throwable error) {
      if (error != null
          || !StoreOperation.SEARCH.equals(request.operation)
          || !instrumentation.captureContent()
          || !(response instanceof EmbeddingSearchResult)) {
        return;
      }
      List<? extends EmbeddingMatch<?>> matches =
          StoreOperation.presentMatches(((EmbeddingSearchResult<?>) response).matches());
      int remaining = instrumentation.spanContentBudget() / 2;
      for (int i = 0; i < matches.size() && i < TraceloopAttributes.MAX_INDEXED; i++) {
        EmbeddingMatch<?> match = matches.get(i);
        AttributesBuilder event = Attributes.builder();
        if (match.embeddingId() != null) {
          event.put(RESULT_ID, match.embeddingId());
        }
        if (match.score() != null && Double.isFinite(match.score())) {
          event.put(RESULT_SCORE, match.score());
        }
        Object embedded = match.embedded();
        if (embedded instanceof TextSegment && remaining > 0) {
          String text = instrumentation.content(((TextSegment) embedded).text(), remaining);
          if (text != null) {
            event.put(RESULT_DOCUMENT, text);
            remaining -= text.length();
          }
        }
        span.addEvent(RESULT_EVENT, event.build());
      }
    }
  }
}
