package io.llmetry4j.rag;

import static java.util.Objects.requireNonNull;

import dev.langchain4j.rag.content.Content;
import dev.langchain4j.rag.content.ContentMetadata;
import dev.langchain4j.rag.content.retriever.ContentRetriever;
import dev.langchain4j.rag.query.Query;
import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.core.internal.Forwarding;
import io.llmetry4j.core.internal.Instrumentation;
import io.llmetry4j.core.internal.LatestGenAiAttributes;
import io.llmetry4j.core.internal.Operation;
import io.llmetry4j.core.internal.RetrievalDocumentsJson;
import io.llmetry4j.core.internal.SemconvAttributes;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import javax.annotation.Nullable;

/**
 * Wraps a {@link ContentRetriever} so that {@code retrieve} (and {@code retrieveAsync} where the
 * running LangChain4j has it) records a {@code retrieval {data_source_id}} span (kind CLIENT);
 * every other method is the wrapped retriever's own. The span is current while the delegate runs,
 * so the embeddings and vector-search spans of an {@code EmbeddingStoreContentRetriever} nest under
 * it.
 *
 * <pre>{@code
 * ContentRetriever retriever = TracingContentRetriever.builder(telemetry, embeddingStoreRetriever, "docs")
 *     .topK(5)
 *     .build();
 * }</pre>
 *
 * <p>With content capture on, the query text and the retrieved documents ({@code [{id, score}]}
 * from the content metadata) are recorded. Delegate exceptions are recorded and rethrown unchanged.
 */
public final class TracingContentRetriever {

  /** Extension: how many contents the retriever returned. */
  static final AttributeKey<Long> RESULT_COUNT =
      AttributeKey.longKey("llmetry4j.retrieval.result_count");

  private static final String QUERY = "dev.langchain4j.rag.query.Query";

  // The data source of each traced retriever, for the router's span (weak: retrievers come and go).
  private static final Map<ContentRetriever, String> dataSources =
      java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

  private TracingContentRetriever() {}

  /** The data source id of {@code retriever} if llmetry4j traces it, else null. */
  @Nullable
  static String dataSourceOf(ContentRetriever retriever) {
    return dataSources.get(retriever);
  }

  public static ContentRetriever wrap(
      LlmTelemetry telemetry, ContentRetriever delegate, String dataSourceId) {
    return builder(telemetry, delegate, dataSourceId).build();
  }

  public static Builder builder(
      LlmTelemetry telemetry, ContentRetriever delegate, String dataSourceId) {
    return new Builder(telemetry, delegate, dataSourceId);
  }

  @Nullable
  @SuppressWarnings("unchecked")
  private static Forwarding.Handler<ContentRetriever> route(
      Method method, Builder builder, Operation<Query, List<Content>> operation) {
    if (Forwarding.is(method, "retrieve", QUERY)) {
      return (retriever, self, invocation, args) ->
          operation.call((Query) args[0], () -> (List<Content>) invocation.invoke(retriever, args));
    }
    if (Forwarding.is(method, "retrieveAsync", QUERY)) {
      return (retriever, self, invocation, args) ->
          operation.callAsync((Query) args[0], () -> invocation.invoke(retriever, args));
    }
    if (method.getName().startsWith("addListener")) {
      // The wrapped retriever registers the listener; the retriever it returns stays traced.
      return (retriever, self, invocation, args) -> {
        Object listening = invocation.invoke(retriever, args);
        if (listening == retriever) {
          return self;
        }
        return listening instanceof ContentRetriever
            ? builder.copyFor((ContentRetriever) listening).build()
            : listening;
      };
    }
    return null;
  }

  /** What a retrieval span records. */
  private static final class Attributes implements Operation.Extractor<Query, List<Content>> {
    private final Instrumentation instrumentation;
    private final String dataSourceId;
    @Nullable private final Integer topK;

    Attributes(Instrumentation instrumentation, String dataSourceId, @Nullable Integer topK) {
      this.instrumentation = instrumentation;
      this.dataSourceId = dataSourceId;
      this.topK = topK;
    }

    @Override
    public void onStart(SpanBuilder span, @Nullable Query query) {
      span.setAttribute(
              SemconvAttributes.GEN_AI_OPERATION_NAME, SemconvAttributes.OperationName.RETRIEVAL)
          .setAttribute(SemconvAttributes.GEN_AI_DATA_SOURCE_ID, dataSourceId);
      if (topK != null && instrumentation.latestExperimental()) {
        span.setAttribute(LatestGenAiAttributes.GEN_AI_RETRIEVAL_TOP_K, topK.longValue());
      } else if (topK != null) {
        span.setAttribute(SemconvAttributes.GEN_AI_REQUEST_TOP_K, topK.doubleValue());
      }
    }

    @Override
    public void onRecordingStart(Span span, @Nullable Query query) {
      if (query != null) {
        instrumentation.recordContent(
            span, SemconvAttributes.GEN_AI_RETRIEVAL_QUERY_TEXT, query.text());
      }
    }

    @Override
    public void onEnd(
        Span span,
        @Nullable Query query,
        @Nullable List<Content> contents,
        @Nullable Throwable error) {
      if (error != null) {
        return;
      }
      int count = contents == null ? 0 : contents.size();
      span.setAttribute(RESULT_COUNT, (long) count);
      if (instrumentation.captureContent() && count > 0) {
        span.setAttribute(SemconvAttributes.GEN_AI_RETRIEVAL_DOCUMENTS, documents(contents));
      }
    }
  }

  /** {@code [{"id","score"}]} from each content's metadata; contents without either are skipped. */
  static String documents(List<Content> contents) {
    return RetrievalDocumentsJson.of(
        contents,
        content -> content.metadata().get(ContentMetadata.EMBEDDING_ID),
        content ->
            content.metadata().get(ContentMetadata.SCORE) instanceof Number
                ? (Number) content.metadata().get(ContentMetadata.SCORE)
                : null);
  }

  /** Builder of {@link TracingContentRetriever}. */
  public static final class Builder {
    private final LlmTelemetry telemetry;
    private final ContentRetriever delegate;
    private final String dataSourceId;
    @Nullable private Integer topK;

    private Builder(LlmTelemetry telemetry, ContentRetriever delegate, String dataSourceId) {
      this.telemetry = requireNonNull(telemetry, "telemetry");
      this.delegate = requireNonNull(delegate, "delegate");
      this.dataSourceId = requireNonNull(dataSourceId, "dataSourceId");
    }

    /** {@code gen_ai.request.top_k}, for retrievers that do not expose their maximum results. */
    public Builder topK(int topK) {
      if (topK < 1) {
        throw new IllegalArgumentException("topK must be at least 1, was " + topK);
      }
      this.topK = topK;
      return this;
    }

    Builder copyFor(ContentRetriever other) {
      Builder copy = new Builder(telemetry, other, dataSourceId);
      copy.topK = topK;
      return copy;
    }

    /** The traced retriever. */
    public ContentRetriever build() {
      Instrumentation instrumentation = Instrumentation.of(telemetry);
      String spanName = "retrieval " + dataSourceId;
      Operation<Query, List<Content>> operation =
          Operation.<Query, List<Content>>builder(
                  instrumentation, SpanKind.CLIENT, query -> spanName)
              .addExtractor(new Attributes(instrumentation, dataSourceId, topK))
              .addOpenLlmetryExtractor(
                  new OpenLlmetryExtractors.Retrieval(instrumentation, dataSourceId))
              .metrics(new RetrievalMetrics<Query, Content>(instrumentation, dataSourceId))
              .build();
      // A copy: later changes to this builder do not reach the retrievers built from it.
      Builder snapshot = copyFor(delegate);
      ContentRetriever traced =
          Forwarding.wrap(
              ContentRetriever.class, delegate, method -> route(method, snapshot, operation));
      dataSources.put(traced, dataSourceId);
      return traced;
    }
  }
}
