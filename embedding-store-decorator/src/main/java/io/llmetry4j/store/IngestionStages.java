package io.llmetry4j.store;

import dev.langchain4j.data.document.DocumentSplitter;
import dev.langchain4j.data.document.DocumentTransformer;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.data.segment.TextSegmentTransformer;
import dev.langchain4j.model.embedding.EmbeddingModel;
import io.llmetry4j.core.internal.Forwarding;
import io.llmetry4j.core.internal.Instrumentation;
import io.llmetry4j.core.internal.NoArgMethod;
import io.llmetry4j.core.internal.OpenLlmetryEntity;
import io.llmetry4j.core.internal.Operation;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import java.util.List;
import javax.annotation.Nullable;

/**
 * The stages {@link TracingIngestor} gives LangChain4j's {@code EmbeddingStoreIngestor}: its
 * document transformer, splitter and segment transformer, each timed by a span {@code {stage}
 * {class}} around the one call the ingestor makes of it ({@code transformAll} / {@code splitAll});
 * and its embedding model, which counts the segments it is given into the ingestion's {@link
 * IngestionOperation.Tally}. Every other method is the wrapped stage's own.
 */
final class IngestionStages {

  static final String TRANSFORM_DOCUMENTS = "transform_documents";
  static final String SPLIT_DOCUMENTS = "split_documents";
  static final String TRANSFORM_SEGMENTS = "transform_segments";

  /** Items (documents or segments) a stage was given, and how many it returned. */
  static final AttributeKey<Long> INPUT_COUNT =
      AttributeKey.longKey("llmetry4j.ingestion.stage.input_count");

  static final AttributeKey<Long> OUTPUT_COUNT =
      AttributeKey.longKey("llmetry4j.ingestion.stage.output_count");

  private static final String LIST = List.class.getName();
  private static final String EMBEDDING_REQUEST =
      "dev.langchain4j.model.embedding.request.EmbeddingRequest";
  // EmbeddingRequest.inputs() and EmbeddingInput.text() (LangChain4j 1.18+), read by name: the
  // floor of the range lacks both types.
  private static final NoArgMethod INPUTS = new NoArgMethod("inputs");
  private static final NoArgMethod TEXT = new NoArgMethod("text");

  private IngestionStages() {}

  static DocumentTransformer documentTransformer(
      Instrumentation instrumentation, DocumentTransformer delegate) {
    Operation<List<?>, Object> operation =
        stage(instrumentation, TRANSFORM_DOCUMENTS, delegate.getClass());
    return Forwarding.wrap(
        DocumentTransformer.class,
        delegate,
        method -> Forwarding.is(method, "transformAll", LIST) ? timed(operation) : null);
  }

  static DocumentSplitter documentSplitter(
      Instrumentation instrumentation, DocumentSplitter delegate) {
    Operation<List<?>, Object> operation =
        stage(instrumentation, SPLIT_DOCUMENTS, delegate.getClass());
    return Forwarding.wrap(
        DocumentSplitter.class,
        delegate,
        method -> Forwarding.is(method, "splitAll", LIST) ? timed(operation) : null);
  }

  static TextSegmentTransformer textSegmentTransformer(
      Instrumentation instrumentation, TextSegmentTransformer delegate) {
    Operation<List<?>, Object> operation =
        stage(instrumentation, TRANSFORM_SEGMENTS, delegate.getClass());
    return Forwarding.wrap(
        TextSegmentTransformer.class,
        delegate,
        method -> Forwarding.is(method, "transformAll", LIST) ? timed(operation) : null);
  }

  /**
   * The model as the ingestor sees it: {@code embedAll} (and, from LangChain4j 1.19, {@code
   * embed(EmbeddingRequest)} when the ingestor has an input type) count their segments into the
   * current ingestion, then go to {@code delegate} (the traced model) unchanged.
   */
  static EmbeddingModel countingModel(EmbeddingModel delegate) {
    return Forwarding.wrap(
        EmbeddingModel.class,
        delegate,
        method -> {
          if (Forwarding.is(method, "embedAll", LIST)) {
            return (model, self, invocation, args) -> {
              countSegments(args[0]);
              return invocation.invoke(model, args);
            };
          }
          if (Forwarding.is(method, "embed", EMBEDDING_REQUEST)) {
            return (model, self, invocation, args) -> {
              countInputs(args[0]);
              return invocation.invoke(model, args);
            };
          }
          return null;
        });
  }

  private static void countSegments(@Nullable Object segments) {
    IngestionOperation.Tally tally = IngestionOperation.Tally.current();
    if (tally == null || !(segments instanceof List)) {
      return;
    }
    long characters = 0;
    for (Object segment : (List<?>) segments) {
      if (segment instanceof TextSegment) {
        characters += ((TextSegment) segment).text().length();
      }
    }
    tally.add(((List<?>) segments).size(), characters);
  }

  private static void countInputs(@Nullable Object request) {
    IngestionOperation.Tally tally = IngestionOperation.Tally.current();
    Object inputs = INPUTS.read(request);
    if (tally == null || !(inputs instanceof List)) {
      return;
    }
    long characters = 0;
    for (Object input : (List<?>) inputs) {
      Object text = TEXT.read(input);
      if (text instanceof String) {
        characters += ((String) text).length();
      }
    }
    tally.add(((List<?>) inputs).size(), characters);
  }

  @SuppressWarnings("unchecked")
  private static <T> Forwarding.Handler<T> timed(Operation<List<?>, Object> operation) {
    return (stage, self, invocation, args) ->
        operation.call((List<?>) args[0], () -> invocation.invoke(stage, args));
  }

  private static Operation<List<?>, Object> stage(
      Instrumentation instrumentation, String stage, Class<?> type) {
    String target = target(type);
    String spanName = target == null ? stage : stage + " " + target;
    return Operation.<List<?>, Object>builder(instrumentation, SpanKind.INTERNAL, items -> spanName)
        .addExtractor(new StageExtractor())
        // OpenLLMetry's views show the stages as tasks of the ingestion.
        .addOpenLlmetryExtractor(
            new OpenLlmetryEntity<List<?>, Object>(
                instrumentation, items -> "task", items -> spanName, items -> null, result -> null))
        .build();
  }

  /**
   * The class that names a stage's span: its simple name, or none for a lambda or an anonymous
   * class, whose generated names differ from run to run.
   */
  @Nullable
  static String target(Class<?> type) {
    if (type.isHidden() || type.isAnonymousClass() || type.isSynthetic()) {
      return null;
    }
    String simple = type.getSimpleName();
    return simple.isEmpty() ? null : simple;
  }

  /** Counts in and out of one stage call. */
  private static final class StageExtractor implements Operation.Extractor<List<?>, Object> {
    @Override
    public void onStart(SpanBuilder span, @Nullable List<?> items) {
      if (items != null) {
        span.setAttribute(INPUT_COUNT, (long) items.size());
      }
    }

    @Override
    public void onEnd(
        Span span, List<?> items, @Nullable Object response, @Nullable Throwable error) {
      if (response instanceof List) {
        span.setAttribute(OUTPUT_COUNT, (long) ((List<?>) response).size());
      }
    }
  }
}
