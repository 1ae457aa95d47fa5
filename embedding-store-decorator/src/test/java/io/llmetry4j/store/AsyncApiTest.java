package io.llmetry4j.store;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.EmbeddingSearchResult;
import dev.langchain4j.store.embedding.EmbeddingStore;
import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.core.internal.SemconvAttributes;
import io.llmetry4j.core.testing.AsyncStandIn;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.testing.junit5.OpenTelemetryExtension;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.lang.reflect.Method;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code searchAsync} and {@code embedAsync} (langchain4j-core 1.20+) through the wrappers: the
 * caller gets the wrapped component's own future, and one span, a child of the caller's, ends when
 * that future completes — with its result, or its failure. Skipped on a LangChain4j without them
 * (CI runs them with -Plc4j-latest,lc4j-core-latest).
 */
class AsyncApiTest {

  @RegisterExtension static final OpenTelemetryExtension otel = OpenTelemetryExtension.create();

  private static final EmbeddingSearchRequest SEARCH =
      EmbeddingSearchRequest.builder()
          .queryEmbedding(Embedding.from(new float[] {0.1f, 0.2f}))
          .maxResults(4)
          .build();

  @Test
  @SuppressWarnings("unchecked")
  void search_async_ends_its_span_when_the_future_completes() throws Throwable {
    Method searchAsync = AsyncStandIn.asyncMethod(EmbeddingStore.class, "searchAsync");
    assumeTrue(searchAsync != null, "langchain4j-core before 1.20: no searchAsync");
    CompletableFuture<EmbeddingSearchResult<TextSegment>> future = new CompletableFuture<>();
    EmbeddingStore<TextSegment> traced =
        TracingEmbeddingStore.builder(
                LlmTelemetry.create(otel.getOpenTelemetry()),
                AsyncStandIn.returning(EmbeddingStore.class, "searchAsync", future))
            .collectionName("docs")
            .build();
    Span parent = otel.getOpenTelemetry().getTracer("test").spanBuilder("request").startSpan();

    Object returned;
    try (Scope ignored = parent.makeCurrent()) {
      returned = AsyncStandIn.call(searchAsync, traced, SEARCH);
    }
    parent.end();

    assertThat(returned).isSameAs(future);
    assertThat(otel.getSpans()).extracting(SpanData::getName).containsExactly("request");
    EmbeddingSearchResult<TextSegment> result =
        new EmbeddingSearchResult<>(
            List.of(new EmbeddingMatch<>(0.9, "id-1", null, TextSegment.from("a"))));
    future.complete(result);

    assertThat(future.join()).isSameAs(result);
    SpanData search = span("search docs");
    assertThat(search)
        .hasParent(span("request"))
        .hasAttribute(SemconvAttributes.DB_OPERATION_NAME, "search");
    assertThat(search.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
  }

  @Test
  void embed_async_records_the_failure_its_future_completes_with() throws Throwable {
    Method embedAsync = AsyncStandIn.asyncMethod(EmbeddingModel.class, "embedAsync");
    assumeTrue(embedAsync != null, "langchain4j-core before 1.20: no embedAsync");
    CompletableFuture<Object> future = new CompletableFuture<>();
    EmbeddingModel traced =
        TracingEmbeddingModel.wrap(
            LlmTelemetry.create(otel.getOpenTelemetry()),
            AsyncStandIn.returning(EmbeddingModel.class, "embedAsync", future),
            "remote-embedder");
    Object request = newEmbeddingRequest("hello");

    Object returned = AsyncStandIn.call(embedAsync, traced, request);
    assertThat(returned).isSameAs(future);
    assertThat(otel.getSpans()).isEmpty();
    IllegalStateException failure = new IllegalStateException("embedding service down");
    future.completeExceptionally(failure);

    SpanData span = span("embeddings remote-embedder");
    assertThat(span)
        .hasAttribute(SemconvAttributes.ERROR_TYPE, IllegalStateException.class.getName())
        .hasAttribute(EmbeddingsOperation.BATCH_SIZE, 1L);
    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
  }

  private static Object newEmbeddingRequest(String text) throws Exception {
    Class<?> requestType =
        Class.forName("dev.langchain4j.model.embedding.request.EmbeddingRequest");
    Object builder = requestType.getMethod("builder").invoke(null);
    builder.getClass().getMethod("input", String.class).invoke(builder, text);
    return builder.getClass().getMethod("build").invoke(builder);
  }

  private static SpanData span(String name) {
    return otel.getSpans().stream()
        .filter(s -> s.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no span " + name + " in " + otel.getSpans()));
  }
}
