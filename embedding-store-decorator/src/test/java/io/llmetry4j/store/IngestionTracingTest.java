package io.llmetry4j.store;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.equalTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.langchain4j.data.document.Document;
import dev.langchain4j.data.document.DocumentSplitter;
import dev.langchain4j.data.document.DocumentTransformer;
import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.document.splitter.DocumentSplitters;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.data.segment.TextSegmentTransformer;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.EmbeddingStoreIngestor;
import dev.langchain4j.store.embedding.IngestionResult;
import dev.langchain4j.store.embedding.inmemory.InMemoryEmbeddingStore;
import dev.langchain4j.store.embedding.pgvector.PgVectorEmbeddingStore;
import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.core.internal.SemconvAttributes;
import io.llmetry4j.core.testing.PostgresCoordinates;
import io.llmetry4j.core.testing.SemconvSpans;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.junit5.OpenTelemetryExtension;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.ExceptionEventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link TracingIngestor} over LangChain4j's own {@code EmbeddingStoreIngestor}: three bundled
 * documents, the recursive splitter, the real all-MiniLM model, and the in-memory store or the real
 * pgvector store. One trace per ingestion, the stages as children; the same result and the same
 * exception as without tracing.
 */
class IngestionTracingTest {

  @RegisterExtension static final OpenTelemetryExtension otel = OpenTelemetryExtension.create();

  private static EmbeddingModel miniLm;

  @BeforeAll
  static void loadModel() {
    miniLm = new AllMiniLmL6V2EmbeddingModel();
  }

  /** A document transformer of the application: tags each document with its collection. */
  static final class CollectionTagger implements DocumentTransformer {
    @Override
    public Document transform(Document document) {
      return Document.from(document.text(), document.metadata().copy().put("collection", "docs"));
    }
  }

  /** A segment transformer of the application: puts the file name in front of each segment. */
  static final class FileNamePrefixer implements TextSegmentTransformer {
    @Override
    public TextSegment transform(TextSegment segment) {
      return TextSegment.from(
          segment.metadata().getString("file_name") + ": " + segment.text(), segment.metadata());
    }
  }

  static List<Document> documents() {
    return List.of(
        document("/documents/observability-handbook.txt", "observability-handbook.txt"),
        document("/ingestion/sampling-notes.txt", "sampling-notes.txt"),
        document("/ingestion/ingestion-checklist.txt", "ingestion-checklist.txt"));
  }

  private static Document document(String resource, String fileName) {
    try (InputStream in = IngestionTracingTest.class.getResourceAsStream(resource)) {
      return Document.from(
          new String(in.readAllBytes(), StandardCharsets.UTF_8),
          Metadata.from("file_name", fileName));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static DocumentSplitter splitter() {
    return DocumentSplitters.recursive(300, 30);
  }

  /** The segments LangChain4j's stages make of the documents, run bare. */
  private static List<TextSegment> expectedSegments() {
    return new FileNamePrefixer()
        .transformAll(splitter().splitAll(new CollectionTagger().transformAll(documents())));
  }

  private static long characters(List<TextSegment> segments) {
    return segments.stream().mapToLong(s -> s.text().length()).sum();
  }

  private LlmTelemetry telemetry(boolean capture) {
    return LlmTelemetry.builder(otel.getOpenTelemetry()).captureContent(capture).build();
  }

  /** What a store holds, ids aside (they are random): texts, metadata and the score of a query. */
  private static List<String> contents(EmbeddingStore<TextSegment> store) {
    return store
        .search(
            EmbeddingSearchRequest.builder()
                .queryEmbedding(miniLm.embed("How are traces sampled?").content())
                .maxResults(1000)
                .minScore(0.0)
                .build())
        .matches()
        .stream()
        .map(m -> m.score() + " " + m.embedded().metadata().toMap() + " " + m.embedded().text())
        .collect(Collectors.toList());
  }

  @ParameterizedTest(name = "content capture {0}")
  @ValueSource(booleans = {false, true})
  void ingestion_into_the_in_memory_store_is_one_trace_with_every_stage_as_a_child(
      boolean capture) {
    List<TextSegment> expected = expectedSegments();
    InMemoryEmbeddingStore<TextSegment> bareStore = new InMemoryEmbeddingStore<>();
    IngestionResult bare =
        EmbeddingStoreIngestor.builder()
            .documentTransformer(new CollectionTagger())
            .documentSplitter(splitter())
            .textSegmentTransformer(new FileNamePrefixer())
            .embeddingModel(miniLm)
            .embeddingStore(bareStore)
            .build()
            .ingest(documents());
    InMemoryEmbeddingStore<TextSegment> store = new InMemoryEmbeddingStore<>();
    TracingIngestor ingestor =
        TracingIngestor.builder(telemetry(capture))
            .documentTransformer(new CollectionTagger())
            .documentSplitter(splitter())
            .textSegmentTransformer(new FileNamePrefixer())
            .embeddingModel(miniLm)
            .embeddingStore(store)
            .collectionName("docs")
            .build();

    IngestionResult result = ingestor.ingest(documents());

    assertThat(result.tokenUsage()).isEqualTo(bare.tokenUsage());
    assertThat(contents(store)).hasSize(expected.size()).isEqualTo(contents(bareStore));
    long tokens = result.tokenUsage().inputTokenCount();
    assertThat(tokens).isPositive();
    assertThat(expected.size()).as("the splitter split the documents").isGreaterThan(10);
    otel.assertTraces()
        .hasTracesSatisfyingExactly(
            trace ->
                trace.hasSpansSatisfyingExactly(
                    span ->
                        span.hasName("ingest docs")
                            .hasKind(SpanKind.INTERNAL)
                            .hasNoParent()
                            .hasStatus(io.opentelemetry.sdk.trace.data.StatusData.unset())
                            // Counts only, with content capture on too: no text of a document.
                            .hasAttributesSatisfyingExactly(
                                equalTo(IngestionOperation.DOCUMENT_COUNT, 3L),
                                equalTo(IngestionOperation.SEGMENT_COUNT, (long) expected.size()),
                                equalTo(IngestionOperation.CHARACTER_COUNT, characters(expected)),
                                equalTo(IngestionOperation.INPUT_TOKENS, tokens)),
                    span ->
                        span.hasName("transform_documents CollectionTagger")
                            .hasKind(SpanKind.INTERNAL)
                            .hasParent(trace.getSpan(0))
                            .hasAttributesSatisfyingExactly(
                                equalTo(IngestionStages.INPUT_COUNT, 3L),
                                equalTo(IngestionStages.OUTPUT_COUNT, 3L)),
                    span ->
                        span.hasName("split_documents DocumentByParagraphSplitter")
                            .hasKind(SpanKind.INTERNAL)
                            .hasParent(trace.getSpan(0))
                            .hasAttributesSatisfyingExactly(
                                equalTo(IngestionStages.INPUT_COUNT, 3L),
                                equalTo(IngestionStages.OUTPUT_COUNT, (long) expected.size())),
                    span ->
                        span.hasName("transform_segments FileNamePrefixer")
                            .hasKind(SpanKind.INTERNAL)
                            .hasParent(trace.getSpan(0))
                            .hasAttributesSatisfyingExactly(
                                equalTo(IngestionStages.INPUT_COUNT, (long) expected.size()),
                                equalTo(IngestionStages.OUTPUT_COUNT, (long) expected.size())),
                    span ->
                        span.hasName("embeddings all-minilm-l6-v2")
                            .hasKind(SpanKind.INTERNAL)
                            .hasParent(trace.getSpan(0))
                            .hasAttributesSatisfyingExactly(
                                equalTo(SemconvAttributes.GEN_AI_OPERATION_NAME, "embeddings"),
                                equalTo(SemconvAttributes.GEN_AI_PROVIDER_NAME, "langchain4j.onnx"),
                                equalTo(SemconvAttributes.GEN_AI_REQUEST_MODEL, "all-minilm-l6-v2"),
                                equalTo(SemconvAttributes.GEN_AI_EMBEDDINGS_DIMENSION_COUNT, 384L),
                                equalTo(EmbeddingsOperation.BATCH_SIZE, (long) expected.size()),
                                equalTo(SemconvAttributes.GEN_AI_USAGE_INPUT_TOKENS, tokens)),
                    span ->
                        span.hasName("add_all docs")
                            .hasKind(SpanKind.INTERNAL)
                            .hasParent(trace.getSpan(0))
                            .hasAttributesSatisfyingExactly(
                                equalTo(SemconvAttributes.DB_SYSTEM_NAME, "langchain4j.in_memory"),
                                equalTo(SemconvAttributes.DB_OPERATION_NAME, "add_all"),
                                equalTo(SemconvAttributes.DB_COLLECTION_NAME, "docs"),
                                equalTo(
                                    SemconvAttributes.DB_OPERATION_BATCH_SIZE,
                                    (long) expected.size()))));
    assertSemconv(otel.getSpans());
  }

  @Test
  void an_ingestion_carries_what_its_embeddings_cost() {
    LlmTelemetry telemetry =
        LlmTelemetry.builder(otel.getOpenTelemetry())
            .tokenPrices(
                io.llmetry4j.core.TokenPrices.builder()
                    .price(
                        io.llmetry4j.core.TokenPrices.price("*", "all-minilm*", "USD")
                            .perMillionTokens()
                            .input("0.02"))
                    .build())
            .build();
    TracingIngestor ingestor =
        TracingIngestor.builder(telemetry)
            .documentSplitter(splitter())
            .embeddingModel(miniLm)
            .embeddingStore(new InMemoryEmbeddingStore<>())
            .collectionName("docs")
            .build();

    IngestionResult result = ingestor.ingest(documents());

    AttributeKey<Double> cost = AttributeKey.doubleKey("llmetry4j.usage.cost");
    long tokens = result.tokenUsage().inputTokenCount();
    double expected = tokens * 0.02 / 1_000_000;
    List<SpanData> embeddings =
        otel.getSpans().stream()
            .filter(s -> s.getName().equals("embeddings all-minilm-l6-v2"))
            .toList();
    assertThat(embeddings).isNotEmpty();
    assertThat(embeddings.stream().mapToDouble(s -> s.getAttributes().get(cost)).sum())
        .isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-15));
    SpanData ingest =
        otel.getSpans().stream()
            .filter(s -> s.getName().equals("ingest docs"))
            .findFirst()
            .orElseThrow();
    assertThat(ingest.getAttributes().get(cost))
        .isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-15));
    assertThat(ingest.getAttributes().get(AttributeKey.stringKey("llmetry4j.usage.cost.currency")))
        .isEqualTo("USD");
  }

  @Test
  void ingestion_into_pgvector_counts_what_postgresql_stored() {
    PostgresCoordinates pg = PostgresCoordinates.require();
    String table = table();
    PgVectorEmbeddingStore bareStore = pgStore(pg, table, 384);
    EmbeddingStore<TextSegment> store =
        TracingEmbeddingStore.builder(telemetry(false), bareStore)
            .collectionName(table)
            .namespace(pg.database())
            .server(pg.host(), pg.port())
            .build();
    TracingIngestor ingestor =
        TracingIngestor.builder(telemetry(false))
            .documentSplitter(splitter())
            .embeddingModel(miniLm)
            .embeddingStore(store)
            .collectionName(table)
            .build();

    IngestionResult result = ingestor.ingest(documents());

    List<TextSegment> expected = splitter().splitAll(documents());
    List<EmbeddingMatch<TextSegment>> stored =
        bareStore
            .search(
                EmbeddingSearchRequest.builder()
                    .queryEmbedding(miniLm.embed("anything").content())
                    .maxResults(1000)
                    .minScore(0.0)
                    .build())
            .matches();
    assertThat(stored).as("rows in the table").hasSize(expected.size());
    long tokens = result.tokenUsage().inputTokenCount();
    otel.assertTraces()
        .hasTracesSatisfyingExactly(
            trace ->
                trace.hasSpansSatisfyingExactly(
                    span ->
                        span.hasName("ingest " + table)
                            .hasKind(SpanKind.INTERNAL)
                            .hasNoParent()
                            .hasAttributesSatisfyingExactly(
                                equalTo(IngestionOperation.DOCUMENT_COUNT, 3L),
                                equalTo(IngestionOperation.SEGMENT_COUNT, (long) stored.size()),
                                equalTo(IngestionOperation.CHARACTER_COUNT, characters(expected)),
                                equalTo(IngestionOperation.INPUT_TOKENS, tokens)),
                    span ->
                        span.hasName("split_documents DocumentByParagraphSplitter")
                            .hasParent(trace.getSpan(0))
                            .hasAttributesSatisfyingExactly(
                                equalTo(IngestionStages.INPUT_COUNT, 3L),
                                equalTo(IngestionStages.OUTPUT_COUNT, (long) expected.size())),
                    span ->
                        span.hasName("embeddings all-minilm-l6-v2")
                            .hasKind(SpanKind.INTERNAL)
                            .hasParent(trace.getSpan(0))
                            .hasAttribute(EmbeddingsOperation.BATCH_SIZE, (long) expected.size())
                            .hasAttribute(SemconvAttributes.GEN_AI_USAGE_INPUT_TOKENS, tokens),
                    span ->
                        span.hasName("add_all " + table)
                            .hasKind(SpanKind.CLIENT)
                            .hasParent(trace.getSpan(0))
                            .hasAttributesSatisfyingExactly(
                                equalTo(SemconvAttributes.DB_SYSTEM_NAME, "postgresql"),
                                equalTo(SemconvAttributes.DB_OPERATION_NAME, "add_all"),
                                equalTo(SemconvAttributes.DB_COLLECTION_NAME, table),
                                equalTo(SemconvAttributes.DB_NAMESPACE, pg.database()),
                                equalTo(SemconvAttributes.SERVER_ADDRESS, pg.host()),
                                equalTo(SemconvAttributes.SERVER_PORT, (long) pg.port()),
                                equalTo(
                                    SemconvAttributes.DB_OPERATION_BATCH_SIZE,
                                    (long) expected.size()))));
    assertSemconv(otel.getSpans());
  }

  @Test
  void a_store_that_refuses_the_vectors_fails_the_store_and_ingestion_spans_with_its_exception() {
    PostgresCoordinates pg = PostgresCoordinates.require();
    String table = table();
    // A table made for 3-dimensional vectors: PostgreSQL refuses all-MiniLM's 384 dimensions.
    Throwable untraced =
        catchThrowable(
            () ->
                EmbeddingStoreIngestor.builder()
                    .documentSplitter(splitter())
                    .embeddingModel(miniLm)
                    .embeddingStore(pgStore(pg, table, 3))
                    .build()
                    .ingest(documents()));
    TracingIngestor ingestor =
        TracingIngestor.builder(telemetry(false))
            .documentSplitter(splitter())
            .embeddingModel(miniLm)
            .embeddingStore(pgStore(pg, table, 3))
            .collectionName(table)
            .build();

    Throwable traced = catchThrowable(() -> ingestor.ingest(documents()));

    assertThat(untraced).as("the store fails without tracing").isNotNull();
    // PgVector's message quotes the failed SQL batch, with the ids the store generated.
    assertThat(traced).isExactlyInstanceOf(untraced.getClass());
    assertThat(withoutIds(traced.getMessage())).isEqualTo(withoutIds(untraced.getMessage()));
    assertThat(traced.getCause()).isExactlyInstanceOf(untraced.getCause().getClass());
    assertThat(withoutIds(traced.getCause().getMessage()))
        .isEqualTo(withoutIds(untraced.getCause().getMessage()));
    String errorType = traced.getClass().getName();
    long segments = splitter().splitAll(documents()).size();
    otel.assertTraces()
        .hasTracesSatisfyingExactly(
            trace ->
                trace.hasSpansSatisfyingExactly(
                    span ->
                        span.hasName("ingest " + table)
                            .hasNoParent()
                            .hasStatusSatisfying(s -> s.hasCode(StatusCode.ERROR))
                            // The segments were embedded before the store refused them; no
                            // result, so no tokens.
                            .hasAttributesSatisfyingExactly(
                                equalTo(IngestionOperation.DOCUMENT_COUNT, 3L),
                                equalTo(IngestionOperation.SEGMENT_COUNT, segments),
                                equalTo(
                                    IngestionOperation.CHARACTER_COUNT,
                                    characters(splitter().splitAll(documents()))),
                                equalTo(SemconvAttributes.ERROR_TYPE, errorType)),
                    span ->
                        span.hasName("split_documents DocumentByParagraphSplitter")
                            .hasParent(trace.getSpan(0))
                            .hasStatusSatisfying(s -> s.hasCode(StatusCode.UNSET)),
                    span ->
                        span.hasName("embeddings all-minilm-l6-v2")
                            .hasParent(trace.getSpan(0))
                            .hasStatusSatisfying(s -> s.hasCode(StatusCode.UNSET)),
                    span ->
                        span.hasName("add_all " + table)
                            .hasKind(SpanKind.CLIENT)
                            .hasParent(trace.getSpan(0))
                            .hasStatusSatisfying(s -> s.hasCode(StatusCode.ERROR))
                            .hasAttribute(SemconvAttributes.ERROR_TYPE, errorType)));
    // The very exception the store threw reached the application, through both spans.
    for (SpanData span : List.of(spanNamed("add_all " + table), spanNamed("ingest " + table))) {
      assertThat(exceptionOf(span)).as(span.getName()).isSameAs(traced);
    }
  }

  @Test
  void an_ingestor_built_elsewhere_gets_the_ingestion_span_over_its_traced_model_and_store() {
    LlmTelemetry telemetry = telemetry(false);
    EmbeddingStoreIngestor prebuilt =
        EmbeddingStoreIngestor.builder()
            .documentSplitter(splitter())
            .embeddingModel(TracingEmbeddingModel.wrap(telemetry, miniLm))
            .embeddingStore(
                TracingEmbeddingStore.builder(telemetry, new InMemoryEmbeddingStore<TextSegment>())
                    .collectionName("docs")
                    .build())
            .build();

    IngestionResult result =
        TracingIngestor.wrap(telemetry, prebuilt).ingest(documents().toArray(new Document[0]));

    otel.assertTraces()
        .hasTracesSatisfyingExactly(
            trace ->
                trace.hasSpansSatisfyingExactly(
                    span ->
                        span.hasName("ingest")
                            .hasNoParent()
                            // Its stages are out of reach: no segment count.
                            .hasAttributesSatisfyingExactly(
                                equalTo(IngestionOperation.DOCUMENT_COUNT, 3L),
                                equalTo(
                                    IngestionOperation.INPUT_TOKENS,
                                    (long) result.tokenUsage().inputTokenCount())),
                    span -> span.hasName("embeddings all-minilm-l6-v2").hasParent(trace.getSpan(0)),
                    span -> span.hasName("add_all docs").hasParent(trace.getSpan(0))));
  }

  @Test
  void a_traced_model_and_store_given_to_the_builder_are_not_traced_twice() {
    LlmTelemetry telemetry = telemetry(false);
    TracingIngestor ingestor =
        TracingIngestor.builder(telemetry)
            .embeddingModel(TracingEmbeddingModel.wrap(telemetry, miniLm, "minilm"))
            .embeddingStore(
                TracingEmbeddingStore.builder(telemetry, new InMemoryEmbeddingStore<TextSegment>())
                    .collectionName("kb")
                    .build())
            .collectionName("docs")
            .build();

    // Without a splitter, LangChain4j makes one segment of each document.
    ingestor.ingest(document("/ingestion/sampling-notes.txt", "sampling-notes.txt"));

    otel.assertTraces()
        .hasTracesSatisfyingExactly(
            trace ->
                trace.hasSpansSatisfyingExactly(
                    span ->
                        span.hasName("ingest docs")
                            .hasAttribute(IngestionOperation.DOCUMENT_COUNT, 1L)
                            .hasAttribute(IngestionOperation.SEGMENT_COUNT, 1L),
                    span -> span.hasName("embeddings minilm").hasParent(trace.getSpan(0)),
                    span -> span.hasName("add_all kb").hasParent(trace.getSpan(0))));
  }

  @Test
  @SuppressWarnings({"unchecked", "rawtypes"})
  void with_an_embedding_input_type_the_segments_go_through_embed_request_and_are_counted() {
    Class<?> inputType = type("dev.langchain4j.model.embedding.request.EmbeddingInputType");
    assumeTrue(inputType != null, "LangChain4j before 1.18: no embedding input type");
    Object document = Enum.valueOf((Class) inputType, "DOCUMENT");
    NewerEmbeddingApiTest.InputTypeRecordingModel recording =
        new NewerEmbeddingApiTest.InputTypeRecordingModel(miniLm);
    TracingIngestor.Builder ingestor =
        TracingIngestor.builder(telemetry(false))
            .documentSplitter(splitter())
            .embeddingModel(recording.model)
            .embeddingStore(new InMemoryEmbeddingStore<>())
            .collectionName("docs")
            .customize(
                builder -> {
                  try {
                    builder
                        .getClass()
                        .getMethod("embeddingInputType", inputType)
                        .invoke(builder, document);
                  } catch (ReflectiveOperationException e) {
                    throw new AssertionError("no embeddingInputType on the ingestor's builder", e);
                  }
                });

    IngestionResult result = ingestor.build().ingest(documents());

    List<TextSegment> expected = splitter().splitAll(documents());
    assertThat(recording.inputTypes)
        .as("one embed(EmbeddingRequest) call, with the input type")
        .extracting(Object::toString)
        .containsExactly("DOCUMENT");
    otel.assertTraces()
        .hasTracesSatisfyingExactly(
            trace ->
                trace.hasSpansSatisfyingExactly(
                    span ->
                        span.hasName("ingest docs")
                            .hasAttributesSatisfyingExactly(
                                equalTo(IngestionOperation.DOCUMENT_COUNT, 3L),
                                equalTo(IngestionOperation.SEGMENT_COUNT, (long) expected.size()),
                                equalTo(IngestionOperation.CHARACTER_COUNT, characters(expected)),
                                equalTo(
                                    IngestionOperation.INPUT_TOKENS,
                                    (long) result.tokenUsage().inputTokenCount())),
                    span -> span.hasName("split_documents DocumentByParagraphSplitter"),
                    span ->
                        span.hasName("embeddings all-minilm-l6-v2")
                            .hasParent(trace.getSpan(0))
                            .hasAttribute(EmbeddingsOperation.BATCH_SIZE, (long) expected.size()),
                    span -> span.hasName("add_all docs").hasParent(trace.getSpan(0))));
  }

  @Test
  void with_openllmetry_compatibility_the_ingestion_is_a_workflow_and_its_stages_tasks() {
    LlmTelemetry telemetry =
        LlmTelemetry.builder(otel.getOpenTelemetry()).openLlmetryCompat(true).build();
    TracingIngestor ingestor =
        TracingIngestor.builder(telemetry)
            .documentSplitter(splitter())
            .embeddingModel(miniLm)
            .embeddingStore(new InMemoryEmbeddingStore<>())
            .collectionName("docs")
            .build();

    ingestor.ingest(documents());

    List<SpanData> spans = otel.getSpans();
    assertThat(spans)
        .filteredOn(span -> span.getName().equals("ingest docs"))
        .singleElement()
        .satisfies(
            span -> {
              assertThat(span.getAttributes().get(AttributeKey.stringKey("traceloop.span.kind")))
                  .isEqualTo("workflow");
              assertThat(span.getAttributes().get(AttributeKey.stringKey("traceloop.entity.name")))
                  .isEqualTo("ingest docs");
            });
    assertThat(spans)
        .filteredOn(span -> span.getName().startsWith("split_documents"))
        .singleElement()
        .satisfies(
            span ->
                assertThat(span.getAttributes().get(AttributeKey.stringKey("traceloop.span.kind")))
                    .isEqualTo("task"));
  }

  /** Conventions: the embeddings and store spans by their definitions, the rest llmetry4j's own. */
  private static void assertSemconv(List<SpanData> spans) {
    for (SpanData span : spans) {
      if (span.getName().startsWith("embeddings ")) {
        SemconvSpans.assertAttributesConform(span, "span.gen_ai.embeddings.client");
      } else if (span.getName().startsWith("add_all ")) {
        SemconvSpans.assertAttributesConform(span, "span.db.client");
      } else {
        assertThat(span.getAttributes().asMap().keySet())
            .extracting(AttributeKey::getKey)
            .allMatch(key -> key.startsWith("llmetry4j.ingestion.") || key.equals("error.type"));
      }
    }
  }

  private static SpanData spanNamed(String name) {
    return otel.getSpans().stream().filter(s -> s.getName().equals(name)).findFirst().orElseThrow();
  }

  private static Throwable exceptionOf(SpanData span) {
    List<EventData> events = span.getEvents();
    assertThat(events).as("events of %s", span.getName()).hasSize(1);
    return ((ExceptionEventData) events.get(0)).getException();
  }

  private static String withoutIds(String message) {
    return message.replaceAll(
        "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<embedding id>");
  }

  private static String table() {
    return "ingest_" + UUID.randomUUID().toString().substring(0, 8).toLowerCase(Locale.ROOT);
  }

  private static PgVectorEmbeddingStore pgStore(PostgresCoordinates pg, String table, int dim) {
    return PgVectorEmbeddingStore.builder()
        .host(pg.host())
        .port(pg.port())
        .database(pg.database())
        .user(pg.user())
        .password(pg.password())
        .table(table)
        .dimension(dim)
        .createTable(true)
        .dropTableFirst(true)
        .build();
  }

  private static Class<?> type(String name) {
    try {
      return Class.forName(name);
    } catch (ClassNotFoundException e) {
      return null;
    }
  }
}
