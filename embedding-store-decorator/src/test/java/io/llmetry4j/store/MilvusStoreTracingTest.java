package io.llmetry4j.store;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.milvus.MilvusEmbeddingStore;
import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.core.internal.SemconvAttributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.junit5.OpenTelemetryExtension;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.milvus.MilvusContainer;

/**
 * The real MilvusEmbeddingStore against Milvus in a container. Runs wherever Docker can pull {@code
 * milvusdb/milvus}; skipped without Docker (as on the project's own machines).
 */
@Testcontainers(disabledWithoutDocker = true)
class MilvusStoreTracingTest {

  @Container static final MilvusContainer milvus = new MilvusContainer("milvusdb/milvus:v2.5.10");

  @RegisterExtension static final OpenTelemetryExtension otel = OpenTelemetryExtension.create();

  @Test
  void search_on_milvus_is_a_client_span_with_the_collection() {
    EmbeddingModel miniLm = new AllMiniLmL6V2EmbeddingModel();
    MilvusEmbeddingStore milvusStore =
        MilvusEmbeddingStore.builder()
            .uri(milvus.getEndpoint())
            .collectionName("handbook")
            .dimension(384)
            .build();
    EmbeddingStore<TextSegment> store =
        TracingEmbeddingStore.builder(LlmTelemetry.create(otel.getOpenTelemetry()), milvusStore)
            .collectionName("handbook")
            .build();
    List<TextSegment> segments = Handbook.segments();
    store.addAll(miniLm.embedAll(segments).content(), segments);

    store.search(
        EmbeddingSearchRequest.builder()
            .queryEmbedding(miniLm.embed("What is Milvus?").content())
            .maxResults(3)
            .build());

    SpanData search =
        otel.getSpans().stream()
            .filter(s -> s.getName().equals("search handbook"))
            .findFirst()
            .orElseThrow();
    assertThat(search)
        .hasKind(SpanKind.CLIENT)
        .hasAttribute(SemconvAttributes.DB_SYSTEM_NAME, "milvus")
        .hasAttribute(SemconvAttributes.DB_COLLECTION_NAME, "handbook");
    assertThat(search.getAttributes().get(StoreOperation.VECTOR_RESULT_COUNT)).isEqualTo(3L);
  }
}
