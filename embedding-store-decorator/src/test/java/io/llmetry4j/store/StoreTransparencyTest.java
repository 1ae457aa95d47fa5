package io.llmetry4j.store;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.filter.Filter;
import dev.langchain4j.store.embedding.filter.MetadataFilterBuilder;
import dev.langchain4j.store.embedding.listener.EmbeddingStoreListener;
import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.core.internal.Forwarding;
import io.llmetry4j.core.internal.SemconvAttributes;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.junit5.OpenTelemetryExtension;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every EmbeddingStore method reaches the delegate with the same arguments; results come back. */
class StoreTransparencyTest {

  @RegisterExtension static final OpenTelemetryExtension otel = OpenTelemetryExtension.create();

  private static final Embedding E1 = Embedding.from(new float[] {0.1f, 0.2f});
  private static final Embedding E2 = Embedding.from(new float[] {0.3f, 0.4f});
  private static final TextSegment S1 = TextSegment.from("one");
  private static final TextSegment S2 = TextSegment.from("two");
  private static final Filter FILTER = MetadataFilterBuilder.metadataKey("topic").isEqualTo("rag");
  private static final EmbeddingSearchRequest SEARCH =
      EmbeddingSearchRequest.builder().queryEmbedding(E1).maxResults(3).build();
  private static final EmbeddingStoreListener LISTENER = new EmbeddingStoreListener() {};

  /** method name, the call through the wrapper, the expected arguments, the span operation. */
  static Stream<Arguments> methods() {
    return Stream.of(
        op("add(Embedding)", s -> s.add(E1), List.of(E1), "add"),
        op(
            "add(String,Embedding)",
            s -> {
              s.add("x", E1);
              return null;
            },
            List.of("x", E1),
            "add"),
        op("add(Embedding,E)", s -> s.add(E1, S1), List.of(E1, S1), "add"),
        op("addAll(List)", s -> s.addAll(List.of(E1, E2)), List.of(List.of(E1, E2)), "add_all"),
        op(
            "addAll(List,List)",
            s -> s.addAll(List.of(E1, E2), List.of(S1, S2)),
            List.of(List.of(E1, E2), List.of(S1, S2)),
            "add_all"),
        op(
            "addAll(ids,List,List)",
            s -> {
              s.addAll(List.of("a", "b"), List.of(E1, E2), List.of(S1, S2));
              return null;
            },
            List.of(List.of("a", "b"), List.of(E1, E2), List.of(S1, S2)),
            "add_all"),
        op("generateIds", s -> s.generateIds(2), List.of(2), null),
        op(
            "remove",
            s -> {
              s.remove("id-9");
              return null;
            },
            List.of("id-9"),
            "remove"),
        op(
            "removeAll(ids)",
            s -> {
              s.removeAll(List.of("a", "b"));
              return null;
            },
            List.of(List.of("a", "b")),
            "remove_all"),
        op(
            "removeAll(Filter)",
            s -> {
              s.removeAll(FILTER);
              return null;
            },
            List.of(FILTER),
            "remove_all"),
        op(
            "removeAll()",
            s -> {
              s.removeAll();
              return null;
            },
            List.of(),
            "remove_all"),
        op("search", s -> s.search(SEARCH), List.of(SEARCH), "search"),
        op("addListener", s -> s.addListener(LISTENER), List.of(LISTENER), null),
        op(
            "addListeners",
            s -> s.addListeners(List.of(LISTENER)),
            List.of(List.of(LISTENER)),
            null));
  }

  private static Arguments op(
      String method,
      Function<EmbeddingStore<TextSegment>, Object> call,
      List<Object> args,
      String operation) {
    return Arguments.of(method, call, args, operation);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("methods")
  void forwards_to_the_delegate_with_the_same_arguments(
      String method,
      Function<EmbeddingStore<TextSegment>, Object> call,
      List<Object> args,
      String operation) {
    RecordingEmbeddingStore delegate = new RecordingEmbeddingStore();
    EmbeddingStore<TextSegment> traced =
        TracingEmbeddingStore.wrap(LlmTelemetry.create(otel.getOpenTelemetry()), delegate);
    Object withoutWrapper = call.apply(new RecordingEmbeddingStore());

    Object result = call.apply(traced);

    assertThat(delegate.calls).containsExactly(new RecordingEmbeddingStore.Call(method, args));
    if (method.startsWith("addListener")) {
      // The listener is registered by the delegate; the store handed back stays traced.
      assertThat(result).isNotSameAs(delegate).isInstanceOf(EmbeddingStore.class);
      assertThat(Forwarding.delegateOf(result)).isSameAs(delegate);
    } else if (method.equals("search")) {
      assertThat(result).isSameAs(delegate.searchResult);
    } else if (method.equals("generateIds")) {
      assertThat(result).isSameAs(delegate.generatedIds);
    } else {
      assertThat(result).isEqualTo(withoutWrapper);
    }
    if (operation == null) {
      assertThat(otel.getSpans()).isEmpty();
    } else {
      assertThat(otel.getSpans()).hasSize(1);
      assertThat(otel.getSpans().get(0))
          .hasAttribute(SemconvAttributes.DB_OPERATION_NAME, operation)
          .hasAttribute(SemconvAttributes.DB_SYSTEM_NAME, "recording");
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("methods")
  void a_delegate_exception_passes_through_unchanged_and_marks_the_span(
      String method,
      Function<EmbeddingStore<TextSegment>, Object> call,
      List<Object> args,
      String operation) {
    RecordingEmbeddingStore delegate = new RecordingEmbeddingStore();
    IllegalStateException failure = new IllegalStateException("store down");
    delegate.failure = failure;
    EmbeddingStore<TextSegment> traced =
        TracingEmbeddingStore.wrap(LlmTelemetry.create(otel.getOpenTelemetry()), delegate);

    Throwable thrown = catchThrowable(() -> call.apply(traced));

    assertThat(thrown).isSameAs(failure);
    if (operation != null) {
      SpanData span = otel.getSpans().get(0);
      assertThat(span)
          .hasStatus(
              io.opentelemetry.sdk.trace.data.StatusData.create(StatusCode.ERROR, "store down"))
          .hasAttribute(SemconvAttributes.ERROR_TYPE, "java.lang.IllegalStateException");
      assertThat(span.getEvents()).filteredOn(e -> e.getName().equals("exception")).hasSize(1);
    }
  }

  @Test
  void a_decorator_wrapping_a_decorator_makes_nested_spans_and_stays_transparent() {
    RecordingEmbeddingStore delegate = new RecordingEmbeddingStore();
    LlmTelemetry telemetry = LlmTelemetry.create(otel.getOpenTelemetry());
    EmbeddingStore<TextSegment> twice =
        TracingEmbeddingStore.wrap(telemetry, TracingEmbeddingStore.wrap(telemetry, delegate));

    assertThat(twice.search(SEARCH)).isSameAs(delegate.searchResult);

    List<SpanData> spans = otel.getSpans();
    assertThat(spans).hasSize(2);
    assertThat(spans.get(0).getParentSpanId()).isEqualTo(spans.get(1).getSpanId());
  }
}
