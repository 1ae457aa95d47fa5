package io.llmetry4j.rag;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.langchain4j.rag.content.Content;
import dev.langchain4j.rag.content.retriever.ContentRetriever;
import dev.langchain4j.rag.query.Query;
import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.core.testing.AsyncStandIn;
import io.opentelemetry.sdk.testing.junit5.OpenTelemetryExtension;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.lang.reflect.Method;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code retrieveAsync} (langchain4j-core 1.20+) through the traced retriever: the caller gets the
 * retriever's own future; the retrieval span ends when it completes. Skipped on a LangChain4j
 * without it (CI runs it with -Plc4j-latest,lc4j-core-latest).
 */
class AsyncRetrieverTest {

  @RegisterExtension static final OpenTelemetryExtension otel = OpenTelemetryExtension.create();

  @Test
  void retrieve_async_ends_its_span_when_the_future_completes() throws Throwable {
    Method retrieveAsync = AsyncStandIn.asyncMethod(ContentRetriever.class, "retrieveAsync");
    assumeTrue(retrieveAsync != null, "langchain4j-core before 1.20: no retrieveAsync");
    CompletableFuture<List<Content>> future = new CompletableFuture<>();
    ContentRetriever traced =
        TracingContentRetriever.wrap(
            LlmTelemetry.create(otel.getOpenTelemetry()),
            AsyncStandIn.returning(ContentRetriever.class, "retrieveAsync", future),
            "docs");

    Object returned = AsyncStandIn.call(retrieveAsync, traced, Query.from("q"));

    assertThat(returned).isSameAs(future);
    assertThat(otel.getSpans()).isEmpty();
    List<Content> contents = List.of(Content.from("a span is a timed operation"));
    future.complete(contents);
    assertThat(otel.getSpans())
        .singleElement()
        .satisfies(
            span ->
                assertThat(span)
                    .hasName("retrieval docs")
                    .hasAttribute(TracingContentRetriever.RESULT_COUNT, 1L));
    assertThat(future.join()).isSameAs(contents);
    assertThat(otel.getSpans()).extracting(SpanData::getName).containsExactly("retrieval docs");
  }
}
