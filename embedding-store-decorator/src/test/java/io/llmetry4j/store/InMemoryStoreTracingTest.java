package io.llmetry4j.store;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.equalTo;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.satisfies;
import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.EmbeddingSearchResult;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.inmemory.InMemoryEmbeddingStore;
import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.core.internal.SemconvAttributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.junit5.OpenTelemetryExtension;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The real in-process all-MiniLM-L6-v2 model and the in-memory store, traced. */
class InMemoryStoreTracingTest {

  @RegisterExtension static final OpenTelemetryExtension otel = OpenTelemetryExtension.create();

  private static EmbeddingModel miniLm;

  @BeforeAll
  static void loadModel() {
    miniLm = new AllMiniLmL6V2EmbeddingModel();
  }

  private LlmTelemetry telemetry(boolean capture) {
    return LlmTelemetry.builder(otel.getOpenTelemetry()).captureContent(capture).build();
  }

  @Test
  void embeddings_span_names_the_model_and_its_384_dimensions() {
    EmbeddingModel model = TracingEmbeddingModel.wrap(telemetry(false), miniLm);

    dev.langchain4j.model.output.Response<Embedding> response =
        model.embed("What does a span record?");

    assertThat(response.content().dimension()).isEqualTo(384);
    long inputTokens = response.tokenUsage().inputTokenCount();
    assertThat(inputTokens).isPositive();
    otel.assertTraces()
        .hasTracesSatisfyingExactly(
            trace ->
                trace.hasSpansSatisfyingExactly(
                    span ->
                        span.hasName("embeddings all-minilm-l6-v2")
                            .hasKind(SpanKind.INTERNAL)
                            .hasAttributesSatisfyingExactly(
                                equalTo(SemconvAttributes.GEN_AI_OPERATION_NAME, "embeddings"),
                                equalTo(SemconvAttributes.GEN_AI_PROVIDER_NAME, "langchain4j.onnx"),
                                equalTo(SemconvAttributes.GEN_AI_REQUEST_MODEL, "all-minilm-l6-v2"),
                                equalTo(SemconvAttributes.GEN_AI_EMBEDDINGS_DIMENSION_COUNT, 384L),
                                equalTo(EmbeddingsOperation.BATCH_SIZE, 1L),
                                equalTo(
                                    SemconvAttributes.GEN_AI_USAGE_INPUT_TOKENS, inputTokens))));
    MetricData duration =
        otel.getMetrics().stream()
            .filter(m -> m.getName().equals("gen_ai.client.operation.duration"))
            .findFirst()
            .orElseThrow();
    assertThat(duration)
        .hasHistogramSatisfying(
            h ->
                h.hasPointsSatisfying(
                    p ->
                        p.hasCount(1)
                            .hasAttributesSatisfyingExactly(
                                equalTo(SemconvAttributes.GEN_AI_OPERATION_NAME, "embeddings"),
                                equalTo(SemconvAttributes.GEN_AI_PROVIDER_NAME, "langchain4j.onnx"),
                                equalTo(
                                    SemconvAttributes.GEN_AI_REQUEST_MODEL, "all-minilm-l6-v2"))));
  }

  @Test
  void search_span_reports_top_k_min_score_and_result_count() {
    List<TextSegment> segments = Handbook.segments();
    EmbeddingStore<TextSegment> store =
        TracingEmbeddingStore.builder(telemetry(false), new InMemoryEmbeddingStore<TextSegment>())
            .collectionName("handbook")
            .build();
    store.addAll(miniLm.embedAll(segments).content(), segments);
    otel.clearSpans();

    EmbeddingSearchResult<TextSegment> result =
        store.search(
            EmbeddingSearchRequest.builder()
                .query("How are spans exported?")
                .queryEmbedding(miniLm.embed("How are spans exported?").content())
                .maxResults(5)
                .minScore(0.3)
                .build());

    assertThat(result.matches()).isNotEmpty().hasSizeLessThanOrEqualTo(5);
    otel.assertTraces()
        .hasTracesSatisfyingExactly(
            trace ->
                trace.hasSpansSatisfyingExactly(
                    span ->
                        span.hasName("search handbook")
                            .hasKind(SpanKind.INTERNAL)
                            .hasAttributesSatisfyingExactly(
                                equalTo(SemconvAttributes.DB_SYSTEM_NAME, "langchain4j.in_memory"),
                                equalTo(SemconvAttributes.DB_OPERATION_NAME, "search"),
                                equalTo(SemconvAttributes.DB_COLLECTION_NAME, "handbook"),
                                equalTo(StoreOperation.VECTOR_TOP_K, 5L),
                                equalTo(StoreOperation.VECTOR_MIN_SCORE, 0.3),
                                equalTo(
                                    StoreOperation.VECTOR_RESULT_COUNT,
                                    (long) result.matches().size()),
                                equalTo(
                                    SemconvAttributes.DB_RESPONSE_RETURNED_ROWS,
                                    (long) result.matches().size()))));
  }

  @Test
  void vector_query_keys_are_llmetry4js_own_and_openllmetrys_top_k_only_in_compat_mode() {
    EmbeddingSearchRequest request =
        EmbeddingSearchRequest.builder()
            .queryEmbedding(miniLm.embed("How are spans exported?").content())
            .maxResults(2)
            .build();
    InMemoryEmbeddingStore<TextSegment> bare = new InMemoryEmbeddingStore<>();

    TracingEmbeddingStore.wrap(telemetry(false), bare).search(request);
    TracingEmbeddingStore.wrap(
            LlmTelemetry.builder(otel.getOpenTelemetry()).openLlmetryCompat(true).build(), bare)
        .search(request);

    io.opentelemetry.api.common.Attributes plain = otel.getSpans().get(0).getAttributes();
    io.opentelemetry.api.common.Attributes compat = otel.getSpans().get(1).getAttributes();
    assertThat(plain.asMap().keySet())
        .extracting(io.opentelemetry.api.common.AttributeKey::getKey)
        .contains("llmetry4j.vector.query.top_k", "llmetry4j.vector.query.min_score")
        .noneMatch(key -> key.startsWith("db.vector."));
    assertThat(
            compat.get(io.opentelemetry.api.common.AttributeKey.longKey("db.vector.query.top_k")))
        .isEqualTo(2L);
  }

  @Test
  void add_all_reports_the_batch_size() {
    List<TextSegment> segments = Handbook.segments().subList(0, 10);
    EmbeddingStore<TextSegment> store =
        TracingEmbeddingStore.wrap(telemetry(false), new InMemoryEmbeddingStore<TextSegment>());

    store.addAll(miniLm.embedAll(segments).content(), segments);

    SpanData add =
        otel.getSpans().stream()
            .filter(s -> s.getName().equals("add_all"))
            .findFirst()
            .orElseThrow();
    assertThat(add)
        .hasKind(SpanKind.INTERNAL)
        .hasAttributesSatisfyingExactly(
            equalTo(SemconvAttributes.DB_SYSTEM_NAME, "langchain4j.in_memory"),
            equalTo(SemconvAttributes.DB_OPERATION_NAME, "add_all"),
            equalTo(SemconvAttributes.DB_OPERATION_BATCH_SIZE, 10L));
  }

  @Test
  void with_content_on_the_query_and_matches_are_recorded_and_valid() {
    List<TextSegment> segments = Handbook.segments();
    EmbeddingStore<TextSegment> store =
        TracingEmbeddingStore.builder(telemetry(true), new InMemoryEmbeddingStore<TextSegment>())
            .collectionName("handbook")
            .build();
    store.addAll(miniLm.embedAll(segments).content(), segments);
    otel.clearSpans();

    EmbeddingSearchResult<TextSegment> result =
        store.search(
            EmbeddingSearchRequest.builder()
                .query("Which vector database is open source?")
                .queryEmbedding(miniLm.embed("Which vector database is open source?").content())
                .maxResults(3)
                .build());

    SpanData span = otel.getSpans().get(0);
    String documents = span.getAttributes().get(SemconvAttributes.GEN_AI_RETRIEVAL_DOCUMENTS);
    assertThat(documents).contains("\"id\":\"" + result.matches().get(0).embeddingId() + "\"");
    assertThat(span)
        .hasAttribute(
            SemconvAttributes.GEN_AI_RETRIEVAL_QUERY_TEXT, "Which vector database is open source?")
        .hasAttributesSatisfying(
            satisfies(
                StoreOperation.VECTOR_TOP_SCORE,
                s -> s.isEqualTo(result.matches().get(0).score())));
    RetrievalDocumentsSchema.assertValid(documents);
  }

  @Test
  void with_content_off_no_query_ids_or_scores_appear() {
    List<TextSegment> segments = Handbook.segments();
    EmbeddingStore<TextSegment> store =
        TracingEmbeddingStore.wrap(telemetry(false), new InMemoryEmbeddingStore<TextSegment>());
    List<String> ids = store.addAll(miniLm.embedAll(segments).content(), segments);

    EmbeddingSearchResult<TextSegment> result =
        store.search(
            EmbeddingSearchRequest.builder()
                .query("Which vector database is open source?")
                .queryEmbedding(miniLm.embed("Which vector database is open source?").content())
                .maxResults(3)
                .build());

    for (SpanData span : otel.getSpans()) {
      String attributes = span.getAttributes().toString();
      assertThat(attributes).doesNotContain("open source");
      for (String id : ids) {
        assertThat(attributes).doesNotContain(id);
      }
      result
          .matches()
          .forEach(m -> assertThat(attributes).doesNotContain(String.valueOf(m.score())));
    }
  }
}
