package io.llmetry4j.spring;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.equalTo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.cohere.CohereScoringModel;
import dev.langchain4j.model.output.Response;
import dev.langchain4j.model.scoring.ScoringModel;
import dev.langchain4j.rag.AugmentationRequest;
import dev.langchain4j.rag.AugmentationResult;
import dev.langchain4j.rag.DefaultRetrievalAugmentor;
import dev.langchain4j.rag.RetrievalAugmentor;
import dev.langchain4j.rag.content.Content;
import dev.langchain4j.rag.content.retriever.ContentRetriever;
import dev.langchain4j.rag.query.Metadata;
import dev.langchain4j.web.search.WebSearchEngine;
import dev.langchain4j.web.search.WebSearchInformationResult;
import dev.langchain4j.web.search.WebSearchOrganicResult;
import dev.langchain4j.web.search.WebSearchRequest;
import dev.langchain4j.web.search.WebSearchResults;
import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.core.internal.Forwarding;
import io.llmetry4j.core.testing.ReplayHttpServer;
import io.llmetry4j.rag.TracingRetrievalAugmentor;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The application's ScoringModel, RetrievalAugmentor and WebSearchEngine beans, real LangChain4j
 * classes declared by their concrete types, wrapped by the starter in real application contexts;
 * the re-ranker is Cohere's client against a local server answering in Cohere's wire format.
 */
class RagComponentsAutoConfigurationTest {

  private static final String PAGE =
      "A span is current while its work runs; children nest under it.";
  private static final String QUESTION = "How do spans nest?";

  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final OpenTelemetry openTelemetry =
      OpenTelemetrySdk.builder()
          .setTracerProvider(
              SdkTracerProvider.builder()
                  .addSpanProcessor(SimpleSpanProcessor.create(spans))
                  .build())
          .build();
  private final ReplayHttpServer cohere =
      ReplayHttpServer.start()
          .byDefault(
              "/rerank",
              body ->
                  ReplayHttpServer.Response.json(
                      200,
                      "{\"id\":\"r\",\"results\":[{\"index\":0,\"relevance_score\":0.9}],"
                          + "\"meta\":{\"billed_units\":{\"search_units\":1}}}"));

  // Each bean declared by its class, as applications write @Bean methods: the starter's wrappers
  // implement the LangChain4j interface, which is how the application injects them.
  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(LlmetryAutoConfiguration.class))
          .withBean(OpenTelemetry.class, () -> openTelemetry)
          .withBean(
              CohereScoringModel.class,
              () ->
                  CohereScoringModel.builder()
                      .baseUrl(cohere.baseUrl() + "/")
                      .apiKey("test-key-not-secret")
                      .modelName("rerank-english-v3.0")
                      .maxRetries(0)
                      .build())
          .withBean(SiteSearch.class, SiteSearch::new)
          .withUserConfiguration(Rag.class);

  @AfterEach
  void close() {
    cohere.close();
    GlobalOpenTelemetry.resetForTest();
  }

  /** An in-memory retriever and LangChain4j's default augmentor over it. */
  @Configuration
  static class Rag {
    @Bean
    ContentRetriever handbook() {
      return query -> List.of(Content.from(PAGE));
    }

    @Bean
    DefaultRetrievalAugmentor retrievalAugmentor(ContentRetriever handbook) {
      return DefaultRetrievalAugmentor.builder().contentRetriever(handbook).build();
    }
  }

  /** The application's own engine: one page for any search. */
  static class SiteSearch implements WebSearchEngine {
    @Override
    public WebSearchResults search(WebSearchRequest request) {
      return WebSearchResults.from(
          WebSearchInformationResult.from(1L),
          List.of(WebSearchOrganicResult.from("Spans", URI.create("https://example.com/spans"))));
    }
  }

  @Test
  void a_scoring_model_bean_is_wrapped_and_each_scoring_call_is_a_rerank_client_span() {
    runner.run(
        context -> {
          ScoringModel model = context.getBean(ScoringModel.class);
          assertThat(Forwarding.delegateOf(model)).isInstanceOf(CohereScoringModel.class);

          // The call LangChain4j's ReRankingContentAggregator makes.
          Response<List<Double>> scores = model.scoreAll(List.of(TextSegment.from(PAGE)), QUESTION);

          assertThat(scores.content()).containsExactly(0.9);
          assertThat(cohere.requestBodies()).hasSize(1);
          assertThat(spans.getFinishedSpanItems())
              .satisfiesExactly(
                  rerank ->
                      assertThat(rerank)
                          .hasName("rerank")
                          .hasKind(SpanKind.CLIENT)
                          .hasNoParent()
                          .hasAttributesSatisfyingExactly(
                              equalTo(AttributeKey.stringKey("gen_ai.operation.name"), "rerank"),
                              equalTo(AttributeKey.stringKey("gen_ai.provider.name"), "cohere"),
                              equalTo(AttributeKey.longKey("llmetry4j.rerank.document_count"), 1L),
                              equalTo(
                                  AttributeKey.doubleArrayKey("llmetry4j.rerank.scores"),
                                  List.of(0.9)),
                              equalTo(AttributeKey.longKey("llmetry4j.rerank.search_units"), 1L)));
        });
  }

  @Test
  void
      a_retrieval_augmentor_bean_is_wrapped_and_each_augmentation_is_one_span_over_its_retrieval() {
    runner.run(
        context -> {
          RetrievalAugmentor augmentor = context.getBean(RetrievalAugmentor.class);
          assertThat(Forwarding.delegateOf(augmentor))
              .isInstanceOf(DefaultRetrievalAugmentor.class);

          AugmentationResult result = augmentor.augment(request());

          // LangChain4j's own augmentation, unchanged: the page retrieved and injected.
          assertThat(result.contents())
              .extracting(content -> content.textSegment().text())
              .containsExactly(PAGE);
          assertThat(((UserMessage) result.chatMessage()).singleText()).contains(PAGE);
          List<SpanData> finished = spans.getFinishedSpanItems();
          assertThat(finished)
              .satisfiesExactly(
                  retrieval ->
                      assertThat(retrieval)
                          .hasName("retrieval handbook")
                          .hasParent(finished.get(1)),
                  augmentation ->
                      assertThat(augmentation)
                          .hasName("retrieval_augmentation")
                          .hasKind(SpanKind.INTERNAL)
                          .hasNoParent()
                          .hasAttributesSatisfyingExactly(
                              equalTo(
                                  AttributeKey.stringKey("llmetry4j.rag.stage"),
                                  "retrieval_augmentation"),
                              equalTo(
                                  AttributeKey.longKey("llmetry4j.rag.contents.output_count"),
                                  1L)));
        });
  }

  @Test
  void a_web_search_engine_bean_is_wrapped_and_each_search_is_a_web_search_span() {
    runner.run(
        context -> {
          WebSearchEngine engine = context.getBean(WebSearchEngine.class);
          assertThat(Forwarding.delegateOf(engine)).isInstanceOf(SiteSearch.class);

          assertThat(engine.search(QUESTION).results()).hasSize(1);

          assertThat(spans.getFinishedSpanItems())
              .satisfiesExactly(
                  search ->
                      assertThat(search)
                          .hasName("web_search SiteSearch")
                          .hasKind(SpanKind.CLIENT)
                          .hasAttributesSatisfyingExactly(
                              equalTo(
                                  AttributeKey.stringKey("llmetry4j.web_search.engine"),
                                  "SiteSearch"),
                              equalTo(
                                  AttributeKey.longKey("llmetry4j.web_search.result_count"), 1L)));
        });
  }

  /** An augmentor the application built with its stages traced. */
  @Configuration
  static class TracedStages {
    @Bean
    RetrievalAugmentor retrievalAugmentor(LlmTelemetry telemetry, ContentRetriever handbook) {
      return TracingRetrievalAugmentor.builder(telemetry).contentRetriever(handbook).build();
    }
  }

  @Test
  void an_augmentor_already_traced_by_the_application_is_not_wrapped_twice() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(LlmetryAutoConfiguration.class))
        .withBean(OpenTelemetry.class, () -> openTelemetry)
        .withBean("handbook", ContentRetriever.class, () -> query -> List.of(Content.from(PAGE)))
        .withUserConfiguration(TracedStages.class)
        .run(
            context -> {
              RetrievalAugmentor augmentor = context.getBean(RetrievalAugmentor.class);
              assertThat(Forwarding.delegateOf(augmentor))
                  .isInstanceOf(DefaultRetrievalAugmentor.class);

              augmentor.augment(request());

              assertThat(spans.getFinishedSpanItems())
                  .extracting(SpanData::getName)
                  .containsExactly(
                      "transform_query",
                      "route_query",
                      "retrieval handbook",
                      "aggregate_content",
                      "inject_content",
                      "retrieval_augmentation");
            });
  }

  @Test
  void the_switches_leave_the_beans_as_they_are_and_make_no_spans() {
    runner
        .withPropertyValues(
            "llmetry4j.components.scoring-model=false",
            "llmetry4j.components.retrieval-augmentor=false",
            "llmetry4j.components.web-search-engine=false")
        .run(
            context -> {
              assertThat(context.getBean(ScoringModel.class))
                  .isInstanceOf(CohereScoringModel.class);
              assertThat(context.getBean(RetrievalAugmentor.class))
                  .isInstanceOf(DefaultRetrievalAugmentor.class);
              assertThat(context.getBean(WebSearchEngine.class)).isInstanceOf(SiteSearch.class);

              assertThat(
                      context
                          .getBean(ScoringModel.class)
                          .scoreAll(List.of(TextSegment.from(PAGE)), QUESTION)
                          .content())
                  .containsExactly(0.9);
              context.getBean(RetrievalAugmentor.class).augment(request());
              context.getBean(WebSearchEngine.class).search(QUESTION);

              // Only the retriever, whose own switch is on.
              assertThat(spans.getFinishedSpanItems())
                  .extracting(SpanData::getName)
                  .containsExactly("retrieval handbook");
            });
  }

  private static AugmentationRequest request() {
    UserMessage question = UserMessage.from(QUESTION);
    return new AugmentationRequest(question, Metadata.from(question, "user-1", List.of()));
  }
}
