package io.llmetry4j.store;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.equalTo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.EmbeddingSearchResult;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.filter.MetadataFilterBuilder;
import dev.langchain4j.store.embedding.pgvector.PgVectorEmbeddingStore;
import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.core.internal.SemconvAttributes;
import io.llmetry4j.core.testing.PostgresCoordinates;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.junit5.OpenTelemetryExtension;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The real PgVectorEmbeddingStore against PostgreSQL 15 + pgvector on 127.0.0.1. */
class PgVectorStoreTracingTest {

  @RegisterExtension static final OpenTelemetryExtension otel = OpenTelemetryExtension.create();

  private static EmbeddingModel miniLm;
  private static PostgresCoordinates pg;

  @BeforeAll
  static void setUp() {
    pg = PostgresCoordinates.require();
    miniLm = new AllMiniLmL6V2EmbeddingModel();
  }

  private EmbeddingStore<TextSegment> tracedStore(String table) {
    PgVectorEmbeddingStore store =
        PgVectorEmbeddingStore.builder()
            .host(pg.host())
            .port(pg.port())
            .database(pg.database())
            .user(pg.user())
            .password(pg.password())
            .table(table)
            .dimension(384)
            .createTable(true)
            .dropTableFirst(true)
            .build();
    return TracingEmbeddingStore.builder(LlmTelemetry.create(otel.getOpenTelemetry()), store)
        .collectionName(table)
        .namespace(pg.database())
        .server(pg.host(), pg.port())
        .build();
  }

  @Test
  void add_search_and_remove_are_traced_with_the_real_table_and_server() {
    String table =
        "handbook_" + UUID.randomUUID().toString().substring(0, 8).toLowerCase(Locale.ROOT);
    EmbeddingStore<TextSegment> store = tracedStore(table);
    List<TextSegment> segments = Handbook.segments();
    assertThat(segments).hasSize(50);
    List<Embedding> embeddings = miniLm.embedAll(segments).content();

    List<String> ids = store.addAll(embeddings, segments);
    EmbeddingSearchResult<TextSegment> result =
        store.search(
            EmbeddingSearchRequest.builder()
                .queryEmbedding(
                    miniLm.embed("Which extension turns PostgreSQL into a vector store?").content())
                .maxResults(4)
                .minScore(0.2)
                .build());
    store.remove(ids.get(0));
    store.removeAll(MetadataFilterBuilder.metadataKey("topic").isEqualTo("rag"));

    assertThat(result.matches()).isNotEmpty();
    assertThat(result.matches().get(0).embedded().text()).contains("pgvector");
    List<SpanData> spans = otel.getSpans();
    assertThat(spans)
        .extracting(SpanData::getName)
        .containsExactly(
            "add_all " + table, "search " + table, "remove " + table, "remove_all " + table);

    assertThat(spans.get(0))
        .hasKind(SpanKind.CLIENT)
        .hasAttributesSatisfyingExactly(
            equalTo(SemconvAttributes.DB_SYSTEM_NAME, "postgresql"),
            equalTo(SemconvAttributes.DB_OPERATION_NAME, "add_all"),
            equalTo(SemconvAttributes.DB_COLLECTION_NAME, table),
            equalTo(SemconvAttributes.DB_NAMESPACE, pg.database()),
            equalTo(SemconvAttributes.SERVER_ADDRESS, "127.0.0.1"),
            equalTo(SemconvAttributes.SERVER_PORT, (long) pg.port()),
            equalTo(SemconvAttributes.DB_OPERATION_BATCH_SIZE, 50L));
    assertThat(spans.get(1))
        .hasKind(SpanKind.CLIENT)
        .hasAttributesSatisfyingExactly(
            equalTo(SemconvAttributes.DB_SYSTEM_NAME, "postgresql"),
            equalTo(SemconvAttributes.DB_OPERATION_NAME, "search"),
            equalTo(SemconvAttributes.DB_COLLECTION_NAME, table),
            equalTo(SemconvAttributes.DB_NAMESPACE, pg.database()),
            equalTo(SemconvAttributes.SERVER_ADDRESS, "127.0.0.1"),
            equalTo(SemconvAttributes.SERVER_PORT, (long) pg.port()),
            equalTo(StoreOperation.VECTOR_TOP_K, 4L),
            equalTo(StoreOperation.VECTOR_MIN_SCORE, 0.2),
            equalTo(StoreOperation.VECTOR_RESULT_COUNT, (long) result.matches().size()),
            equalTo(SemconvAttributes.DB_RESPONSE_RETURNED_ROWS, (long) result.matches().size()));
    assertThat(spans.get(2)).hasAttribute(SemconvAttributes.DB_OPERATION_NAME, "remove");
    assertThat(spans.get(3)).hasAttribute(SemconvAttributes.DB_OPERATION_NAME, "remove_all");
    assertThat(spans)
        .allSatisfy(
            s ->
                assertThat(s.getStatus().getStatusCode())
                    .isEqualTo(io.opentelemetry.api.trace.StatusCode.UNSET));

    // The removals really happened in PostgreSQL: 49 left minus the 25 "rag" lines (line 0 was
    // "tracing").
    EmbeddingSearchResult<TextSegment> after =
        store.search(
            EmbeddingSearchRequest.builder()
                .queryEmbedding(miniLm.embed("anything").content())
                .maxResults(100)
                .minScore(0.0)
                .build());
    assertThat(after.matches()).hasSize(24);
  }
}
