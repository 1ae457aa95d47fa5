package io.llmetry4j.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.filter.Filter;
import dev.langchain4j.store.embedding.inmemory.InMemoryEmbeddingStore;
import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.core.internal.SemconvAttributes;
import io.opentelemetry.sdk.testing.junit5.OpenTelemetryExtension;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.IOException;
import java.lang.reflect.UndeclaredThrowableException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the application sees through a traced store is what it sees without llmetry4j, for every
 * Throwable: a metadata filter whose {@code toString} overflows the stack (content capture on)
 * breaks neither {@code search} nor {@code removeAll(filter)}, and a checked exception thrown
 * without being declared passes unchanged with its span ended.
 */
class HostileThrowablesTest {

  @RegisterExtension static final OpenTelemetryExtension otel = OpenTelemetryExtension.create();

  private static LlmTelemetry contentOn() {
    return LlmTelemetry.builder(otel.getOpenTelemetry()).captureContent(true).build();
  }

  /** 50,000 nested {@code and}s: LangChain4j's recursive toString overflows the stack. */
  private static Filter deepFilter() {
    Filter filter =
        dev.langchain4j.store.embedding.filter.MetadataFilterBuilder.metadataKey("k")
            .isEqualTo("v");
    for (int i = 0; i < 50_000; i++) {
      filter =
          filter.and(
              dev.langchain4j.store.embedding.filter.MetadataFilterBuilder.metadataKey("k" + i)
                  .isEqualTo("v"));
    }
    Filter deep = filter;
    assertThat(catchThrowable(deep::toString)).isInstanceOf(StackOverflowError.class);
    return deep;
  }

  @Test
  void a_filter_whose_to_string_overflows_breaks_neither_search_nor_remove_all() {
    Filter filter = deepFilter();
    RecordingEmbeddingStore recording = new RecordingEmbeddingStore();
    EmbeddingStore<TextSegment> traced =
        TracingEmbeddingStore.builder(contentOn(), recording).collectionName("docs").build();
    EmbeddingSearchRequest request =
        EmbeddingSearchRequest.builder()
            .queryEmbedding(Embedding.from(new float[] {1, 0}))
            .filter(filter)
            .maxResults(3)
            .build();

    assertThat(traced.search(request)).isSameAs(recording.searchResult);
    traced.removeAll(filter);

    assertThat(recording.calls)
        .extracting(RecordingEmbeddingStore.Call::method)
        .containsExactly("search", "removeAll(Filter)");
    assertThat(otel.getSpans()).hasSize(2).allSatisfy(span -> assertThat(span.hasEnded()).isTrue());
  }

  @Test
  void the_same_filter_on_a_real_in_memory_store_gives_what_the_bare_store_gives() {
    Filter filter = deepFilter();
    InMemoryEmbeddingStore<TextSegment> bare = new InMemoryEmbeddingStore<>();
    EmbeddingStore<TextSegment> traced =
        TracingEmbeddingStore.builder(contentOn(), new InMemoryEmbeddingStore<TextSegment>())
            .collectionName("docs")
            .build();

    Throwable bareOutcome = catchThrowable(() -> bare.removeAll(filter));
    Throwable tracedOutcome = catchThrowable(() -> traced.removeAll(filter));

    assertThat(tracedOutcome == null).isEqualTo(bareOutcome == null);
    if (bareOutcome != null) {
      assertThat(tracedOutcome).hasSameClassAs(bareOutcome);
    }
  }

  @Test
  void an_undeclared_checked_exception_arrives_as_the_documented_proxy_edge_and_ends_the_span() {
    // Not named "failure": RecordingEmbeddingStore has a field of that name, which would shadow it.
    IOException diskGone = new IOException("disk gone");
    RecordingEmbeddingStore recording =
        new RecordingEmbeddingStore() {
          @Override
          public void removeAll() {
            throw Sneaky.<RuntimeException>sneak(diskGone);
          }
        };
    EmbeddingStore<TextSegment> traced =
        TracingEmbeddingStore.builder(contentOn(), recording).collectionName("docs").build();

    Throwable thrown = catchThrowable(traced::removeAll);

    // A JDK proxy's documented edge (docs/reliability.md): wrapped, the cause is the very
    // exception.
    assertThat(thrown).isInstanceOf(UndeclaredThrowableException.class).hasCauseReference(diskGone);
    SpanData span = otel.getSpans().get(0);
    assertThat(span.hasEnded()).isTrue();
    assertThat(span.getAttributes().get(SemconvAttributes.ERROR_TYPE))
        .isEqualTo(IOException.class.getName());
  }

  @Test
  void an_undeclared_checked_exception_from_an_embedding_model_keeps_its_cause() {
    IOException modelGone = new IOException("model gone");
    dev.langchain4j.model.embedding.EmbeddingModel throwing =
        new dev.langchain4j.model.embedding.EmbeddingModel() {
          @Override
          public dev.langchain4j.model.output.Response<java.util.List<Embedding>> embedAll(
              java.util.List<TextSegment> segments) {
            throw Sneaky.<RuntimeException>sneak(modelGone);
          }
        };
    dev.langchain4j.model.embedding.EmbeddingModel traced =
        TracingEmbeddingModel.wrap(contentOn(), throwing, "stand-in");

    assertThat(catchThrowable(() -> traced.embedAll(java.util.List.of(TextSegment.from("x")))))
        .isInstanceOf(UndeclaredThrowableException.class)
        .hasCauseReference(modelGone);
    SpanData span = otel.getSpans().get(0);
    assertThat(span.hasEnded()).isTrue();
    assertThat(span.getAttributes().get(SemconvAttributes.ERROR_TYPE))
        .isEqualTo(IOException.class.getName());
  }

  /** Throws a checked exception without declaring it, as Kotlin or Lombok's @SneakyThrows do. */
  @Test
  void a_null_match_from_a_faulty_store_is_skipped_with_the_end_attributes_intact() {
    InMemoryEmbeddingStore<TextSegment> real = new InMemoryEmbeddingStore<>();
    real.add(Embedding.from(new float[] {1f, 0f}), TextSegment.from("kept"));
    EmbeddingStore<TextSegment> faulty =
        new InMemoryEmbeddingStore<>() {
          @Override
          public dev.langchain4j.store.embedding.EmbeddingSearchResult<TextSegment> search(
              EmbeddingSearchRequest request) {
            java.util.List<dev.langchain4j.store.embedding.EmbeddingMatch<TextSegment>> matches =
                new java.util.ArrayList<>(real.search(request).matches());
            matches.add(null);
            return new dev.langchain4j.store.embedding.EmbeddingSearchResult<>(matches);
          }
        };
    var result = searchTracedWithContentAndCompat(faulty);

    assertThat(result.matches()).hasSize(2).last().isNull(); // the store's answer, unchanged
    SpanData span = otel.getSpans().get(0);
    assertThat(span.getAttributes().get(StoreOperation.VECTOR_RESULT_COUNT)).isEqualTo(1L);
    assertThat(span.getAttributes().get(StoreOperation.VECTOR_TOP_SCORE)).isEqualTo(1.0);
    assertThat(span.getAttributes().get(SemconvAttributes.GEN_AI_RETRIEVAL_DOCUMENTS))
        .startsWith("[{")
        .doesNotContain("null");
    assertThat(span.getEvents()).hasSize(1); // OpenLLMetry's db.query.result, for the real match
  }

  @Test
  void matches_in_an_immutable_list_are_recorded_as_they_are() {
    InMemoryEmbeddingStore<TextSegment> real = new InMemoryEmbeddingStore<>();
    real.add(Embedding.from(new float[] {1f, 0f}), TextSegment.from("kept"));
    real.add(Embedding.from(new float[] {0.6f, 0.8f}), TextSegment.from("also kept"));
    EmbeddingStore<TextSegment> immutable =
        new InMemoryEmbeddingStore<>() {
          @Override
          public dev.langchain4j.store.embedding.EmbeddingSearchResult<TextSegment> search(
              EmbeddingSearchRequest request) {
            // List.copyOf: an immutable list, whose contains(null) would throw.
            return new dev.langchain4j.store.embedding.EmbeddingSearchResult<>(
                java.util.List.copyOf(real.search(request).matches()));
          }
        };
    var result = searchTracedWithContentAndCompat(immutable);

    assertThat(result.matches()).hasSize(2);
    SpanData span = otel.getSpans().get(0);
    assertThat(span.getAttributes().get(StoreOperation.VECTOR_RESULT_COUNT)).isEqualTo(2L);
    assertThat(span.getAttributes().get(StoreOperation.VECTOR_TOP_SCORE)).isEqualTo(1.0);
    assertThat(span.getEvents()).hasSize(2); // OpenLLMetry's db.query.result, one per match
  }

  static final class Sneaky {
    @SuppressWarnings("unchecked")
    static <E extends Throwable> E sneak(Throwable t) throws E {
      throw (E) t;
    }
  }

  /** A search for {1, 0} through the traced store, content capture and OpenLLMetry mode on. */
  private dev.langchain4j.store.embedding.EmbeddingSearchResult<TextSegment>
      searchTracedWithContentAndCompat(EmbeddingStore<TextSegment> store) {
    return TracingEmbeddingStore.builder(
            LlmTelemetry.builder(otel.getOpenTelemetry())
                .captureContent(true)
                .openLlmetryCompat(true)
                .build(),
            store)
        .collectionName("docs")
        .build()
        .search(
            EmbeddingSearchRequest.builder()
                .queryEmbedding(Embedding.from(new float[] {1f, 0f}))
                .maxResults(5)
                .build());
  }
}
