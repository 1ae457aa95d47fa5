package io.llmetry4j.rag;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.rag.content.Content;
import dev.langchain4j.rag.content.retriever.ContentRetriever;
import dev.langchain4j.rag.content.retriever.WebSearchContentRetriever;
import dev.langchain4j.rag.query.Query;
import dev.langchain4j.web.search.WebSearchEngine;
import dev.langchain4j.web.search.tavily.TavilyWebSearchEngine;
import io.llmetry4j.core.internal.SemconvAttributes;
import io.llmetry4j.core.testing.ReplayHttpServer;
import io.llmetry4j.core.testing.ReplayHttpServer.Response;
import io.llmetry4j.core.testing.SemconvSpans;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A web search retriever (LangChain4j's {@code WebSearchContentRetriever}) over the real Tavily
 * client, against a local server answering in Tavily's format: the search is a span under the
 * retrieval, with the engine and the result count.
 */
class WebSearchTracingTest {

  private RagFixture rag = new RagFixture();
  private final ReplayHttpServer tavily = ReplayHttpServer.start();

  @AfterEach
  void close() {
    tavily.close();
    rag.close();
  }

  private ContentRetriever webRetriever(boolean traced) {
    WebSearchEngine engine =
        TavilyWebSearchEngine.builder()
            .baseUrl(tavily.baseUrl() + "/")
            .apiKey("test-key-not-secret")
            .build();
    WebSearchEngine searched =
        traced
            ? TracingWebSearchEngine.builder(rag.telemetry, engine)
                .baseUrl(tavily.baseUrl())
                .build()
            : engine;
    ContentRetriever retriever =
        WebSearchContentRetriever.builder().webSearchEngine(searched).maxResults(2).build();
    return traced ? TracingContentRetriever.wrap(rag.telemetry, retriever, "web") : retriever;
  }

  @Test
  void the_search_is_a_client_span_under_the_retrieval() {
    tavily.byDefault(
        "/search", body -> Response.json(200, RagFixture.resource("tavily-search-response.json")));

    List<Content> untraced = webRetriever(false).retrieve(Query.from("What is OpenTelemetry?"));
    List<Content> contents = webRetriever(true).retrieve(Query.from("What is OpenTelemetry?"));

    assertThat(contents).isEqualTo(untraced).hasSize(2);
    SpanData retrieval = single("retrieval web");
    SpanData search = single("web_search tavily");
    assertThat(search)
        .hasParent(retrieval)
        .hasKind(SpanKind.CLIENT)
        .hasAttribute(TracingWebSearchEngine.ENGINE, "tavily")
        .hasAttribute(TracingWebSearchEngine.MAX_RESULTS, 2L)
        .hasAttribute(TracingWebSearchEngine.RESULT_COUNT, 2L)
        .hasAttribute(SemconvAttributes.SERVER_ADDRESS, "127.0.0.1")
        .hasAttribute(SemconvAttributes.SERVER_PORT, (long) tavily.port());
    assertThat(search.getAttributes().get(SemconvAttributes.GEN_AI_RETRIEVAL_QUERY_TEXT)).isNull();
    rag.spans.getFinishedSpanItems().forEach(SemconvSpans::assertRegisteredKeys);
  }

  @Test
  void the_search_terms_are_content() {
    rag.close();
    rag = new RagFixture(settings -> settings.captureContent(true));
    tavily.byDefault(
        "/search", body -> Response.json(200, RagFixture.resource("tavily-search-response.json")));

    webRetriever(true).retrieve(Query.from("What is OpenTelemetry?"));

    assertThat(single("web_search tavily"))
        .hasAttribute(SemconvAttributes.GEN_AI_RETRIEVAL_QUERY_TEXT, "What is OpenTelemetry?");
  }

  private SpanData single(String name) {
    List<SpanData> named =
        rag.spans.getFinishedSpanItems().stream()
            .filter(span -> span.getName().equals(name))
            .toList();
    assertThat(named).as(name).hasSize(1);
    return named.get(0);
  }
}
