package io.llmetry4j.rag;

import static java.util.Objects.requireNonNull;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.rag.AugmentationRequest;
import dev.langchain4j.rag.AugmentationResult;
import dev.langchain4j.rag.DefaultRetrievalAugmentor;
import dev.langchain4j.rag.RetrievalAugmentor;
import dev.langchain4j.rag.content.Content;
import dev.langchain4j.rag.content.ContentMetadata;
import dev.langchain4j.rag.content.aggregator.ContentAggregator;
import dev.langchain4j.rag.content.injector.ContentInjector;
import dev.langchain4j.rag.content.retriever.ContentRetriever;
import dev.langchain4j.rag.query.Query;
import dev.langchain4j.rag.query.router.QueryRouter;
import dev.langchain4j.rag.query.transformer.QueryTransformer;
import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.core.internal.Forwarding;
import io.llmetry4j.core.internal.Instrumentation;
import io.llmetry4j.core.internal.OpenLlmetryEntity;
import io.llmetry4j.core.internal.Operation;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.annotation.Nullable;

/**
 * Builds LangChain4j's {@link DefaultRetrievalAugmentor} with every stage traced: one {@code
 * retrieval_augmentation} span per augmentation of an AI Service call, with its stages as children
 * — {@code transform_query} (the queries the transformer made; a compressing or expanding
 * transformer's chat call under it), {@code route_query} (the retrievers chosen; a language-model
 * router's chat call under it), the retrievals ({@code retrieval {data source}} of {@link
 * TracingContentRetriever}, parallel ones side by side), {@code aggregate_content} (contents in and
 * out and the kept scores; a re-ranker's {@code rerank} span of {@link TracingScoringModel} under
 * it) and {@code inject_content} (how many contents reached the prompt, and their size).
 *
 * <pre>{@code
 * RetrievalAugmentor augmentor = TracingRetrievalAugmentor.builder(telemetry)
 *     .queryTransformer(new CompressingQueryTransformer(chatModel))
 *     .queryRouter(new LanguageModelQueryRouter(chatModel, retrieversByDescription))
 *     .contentAggregator(new ReRankingContentAggregator(TracingScoringModel.wrap(telemetry, cohere)))
 *     .build();
 * }</pre>
 *
 * <p>The builder is LangChain4j's with the same stages and defaults; the augmentor it returns is
 * LangChain4j's own, its stages wrapped. Several queries or retrievers are retrieved on the
 * augmentor's executor: the executor is given the caller's context (OpenTelemetry's {@code
 * Context.taskWrapping}), so those retrievals stay in the trace. Counts and sizes are always
 * recorded; query and content texts only with content capture on, within the content budget.
 * Semconv 1.41.1 names none of these stages: their span names and keys are llmetry4j's own ({@code
 * llmetry4j.rag.*}, see the span reference).
 */
public final class TracingRetrievalAugmentor {

  /** llmetry4j's own: how many queries the transformer made. */
  static final AttributeKey<Long> QUERY_COUNT = AttributeKey.longKey("llmetry4j.rag.query.count");

  /** llmetry4j's own, content: the queries the transformer made. */
  static final AttributeKey<List<String>> QUERIES =
      AttributeKey.stringArrayKey("llmetry4j.rag.queries");

  /** llmetry4j's own: the data sources the router chose (traced retrievers' ids). */
  static final AttributeKey<List<String>> ROUTED_DATA_SOURCES =
      AttributeKey.stringArrayKey("llmetry4j.rag.routed.data_sources");

  /** llmetry4j's own: how many retrievers the router chose. */
  static final AttributeKey<Long> ROUTED_COUNT = AttributeKey.longKey("llmetry4j.rag.routed.count");

  /** llmetry4j's own: how many contents went into the aggregator. */
  static final AttributeKey<Long> CONTENTS_IN =
      AttributeKey.longKey("llmetry4j.rag.contents.input_count");

  /** llmetry4j's own: how many contents the aggregator kept (or the injector received). */
  static final AttributeKey<Long> CONTENTS_OUT =
      AttributeKey.longKey("llmetry4j.rag.contents.output_count");

  /** llmetry4j's own: the scores of the kept contents (re-ranked where re-ranked). */
  static final AttributeKey<List<Double>> CONTENT_SCORES =
      AttributeKey.doubleArrayKey("llmetry4j.rag.contents.scores");

  /** llmetry4j's own, content: the texts of the contents the aggregator kept, in order. */
  static final AttributeKey<List<String>> CONTENT_TEXTS =
      AttributeKey.stringArrayKey("llmetry4j.rag.contents.texts");

  /** llmetry4j's own: characters of the contents injected into the prompt. */
  static final AttributeKey<Long> INJECTED_CHARACTERS =
      AttributeKey.longKey("llmetry4j.rag.injected.characters");

  /** llmetry4j's own: which stage a span is. */
  static final AttributeKey<String> STAGE = AttributeKey.stringKey("llmetry4j.rag.stage");

  private TracingRetrievalAugmentor() {}

  public static Builder builder(LlmTelemetry telemetry) {
    return new Builder(telemetry);
  }

  /**
   * An augmentor built elsewhere (a Spring bean, one of your own): its {@code augment} is the
   * {@code retrieval_augmentation} span, with the retrievals and model calls under it where they
   * run on the caller's thread; its stages, which LangChain4j keeps private, have no spans of their
   * own. Prefer {@link #builder} where you build the augmentor.
   */
  public static RetrievalAugmentor wrap(LlmTelemetry telemetry, RetrievalAugmentor augmentor) {
    requireNonNull(augmentor, "augmentor");
    return stage(
        RetrievalAugmentor.class,
        augmentor,
        "augment",
        operation(Instrumentation.of(requireNonNull(telemetry, "telemetry")), new Augmentation()),
        args -> (AugmentationRequest) args[0]);
  }

  /** The LangChain4j stage interfaces' synchronous methods, each one span. */
  private static <T, REQ, RES> T stage(
      Class<T> type,
      T delegate,
      String method,
      Operation<REQ, RES> operation,
      java.util.function.Function<Object[], REQ> request) {
    return Forwarding.wrap(
        type,
        delegate,
        candidate ->
            candidate.getName().equals(method)
                ? (target, self, invocation, args) ->
                    operation.call(
                        request.apply(args),
                        () -> {
                          @SuppressWarnings("unchecked")
                          RES result = (RES) invocation.invoke(target, args);
                          return result;
                        })
                : null);
  }

  private static <REQ, RES> Operation<REQ, RES> operation(
      Instrumentation instrumentation, StageAttributes<REQ, RES> attributes) {
    String stage = attributes.stage;
    return Operation.<REQ, RES>builder(instrumentation, SpanKind.INTERNAL, request -> stage)
        .addExtractor(attributes)
        // Tencent APM's views show OpenLLMetry's tasks under the workflow: each stage is one.
        .addOpenLlmetryExtractor(
            new OpenLlmetryEntity<REQ, RES>(
                instrumentation,
                request -> "task",
                request -> stage,
                request -> null,
                result -> null))
        .build();
  }

  /** What every stage span records: its stage, then the stage's own attributes. */
  private abstract static class StageAttributes<REQ, RES> implements Operation.Extractor<REQ, RES> {
    final String stage;

    StageAttributes(String stage) {
      this.stage = stage;
    }

    @Override
    public final void onStart(SpanBuilder span, REQ request) {
      span.setAttribute(STAGE, stage);
      onStageStart(span, request);
    }

    void onStageStart(SpanBuilder span, REQ request) {}
  }

  /** The text of a query, as content may be recorded. */
  @Nullable
  private static String text(@Nullable Query query) {
    return query == null ? null : query.text();
  }

  private static List<String> recorded(Instrumentation instrumentation, Collection<Query> queries) {
    List<String> texts = new ArrayList<>();
    int limit = Math.max(1, instrumentation.semconvContentBudget() / Math.max(1, queries.size()));
    for (Query query : queries) {
      String text = instrumentation.content(text(query), limit);
      if (text != null) {
        texts.add(text);
      }
    }
    return texts;
  }

  /** The score LangChain4j gave a content: re-ranked where re-ranked, else the retrieval's. */
  @Nullable
  private static Double score(Content content) {
    Map<ContentMetadata, Object> metadata = content.metadata();
    if (metadata == null) {
      return null;
    }
    Object score = metadata.get(ContentMetadata.RERANKED_SCORE);
    if (score == null) {
      score = metadata.get(ContentMetadata.SCORE);
    }
    return score instanceof Number ? ((Number) score).doubleValue() : null;
  }

  /** Builder of a traced {@link DefaultRetrievalAugmentor}: the same stages and defaults. */
  public static final class Builder {
    private final LlmTelemetry telemetry;
    @Nullable private QueryTransformer queryTransformer;
    @Nullable private QueryRouter queryRouter;
    @Nullable private ContentAggregator contentAggregator;
    @Nullable private ContentInjector contentInjector;
    @Nullable private Executor executor;

    private Builder(LlmTelemetry telemetry) {
      this.telemetry = requireNonNull(telemetry, "telemetry");
    }

    public Builder queryTransformer(QueryTransformer queryTransformer) {
      this.queryTransformer = requireNonNull(queryTransformer, "queryTransformer");
      return this;
    }

    public Builder queryRouter(QueryRouter queryRouter) {
      this.queryRouter = requireNonNull(queryRouter, "queryRouter");
      return this;
    }

    /** One retriever: LangChain4j's {@code DefaultQueryRouter} over it. */
    public Builder contentRetriever(ContentRetriever contentRetriever) {
      return queryRouter(
          new dev.langchain4j.rag.query.router.DefaultQueryRouter(
              requireNonNull(contentRetriever, "contentRetriever")));
    }

    public Builder contentAggregator(ContentAggregator contentAggregator) {
      this.contentAggregator = requireNonNull(contentAggregator, "contentAggregator");
      return this;
    }

    public Builder contentInjector(ContentInjector contentInjector) {
      this.contentInjector = requireNonNull(contentInjector, "contentInjector");
      return this;
    }

    /** The executor of parallel retrievals; it is given the caller's context. */
    public Builder executor(Executor executor) {
      this.executor = requireNonNull(executor, "executor");
      return this;
    }

    public RetrievalAugmentor build() {
      Instrumentation instrumentation = Instrumentation.of(telemetry);
      DefaultRetrievalAugmentor.DefaultRetrievalAugmentorBuilder augmentor =
          DefaultRetrievalAugmentor.builder();
      augmentor.queryTransformer(
          stage(
              QueryTransformer.class,
              queryTransformer != null
                  ? queryTransformer
                  : new dev.langchain4j.rag.query.transformer.DefaultQueryTransformer(),
              "transform",
              operation(instrumentation, new Transform(instrumentation)),
              args -> (Query) args[0]));
      if (queryRouter == null) {
        throw new IllegalStateException("queryRouter (or contentRetriever) must be set");
      }
      augmentor.queryRouter(
          stage(
              QueryRouter.class,
              queryRouter,
              "route",
              operation(instrumentation, new Route()),
              args -> (Query) args[0]));
      augmentor.contentAggregator(
          stage(
              ContentAggregator.class,
              contentAggregator != null
                  ? contentAggregator
                  : new dev.langchain4j.rag.content.aggregator.DefaultContentAggregator(),
              "aggregate",
              operation(instrumentation, new Aggregate(instrumentation)),
              args -> {
                @SuppressWarnings("unchecked")
                Map<Query, Collection<List<Content>>> contents =
                    (Map<Query, Collection<List<Content>>>) args[0];
                return contents;
              }));
      augmentor.contentInjector(
          stage(
              ContentInjector.class,
              contentInjector != null
                  ? contentInjector
                  : new dev.langchain4j.rag.content.injector.DefaultContentInjector(),
              "inject",
              operation(instrumentation, new Inject()),
              args -> {
                @SuppressWarnings("unchecked")
                List<Content> contents = (List<Content>) args[0];
                return contents;
              }));
      // LangChain4j's default executor, with the caller's context carried to its threads.
      augmentor.executor(
          Context.taskWrapping(
              executor != null
                  ? executor
                  : new ThreadPoolExecutor(
                      0, Integer.MAX_VALUE, 1, TimeUnit.SECONDS, new SynchronousQueue<>())));
      Operation<AugmentationRequest, AugmentationResult> augmentation =
          operation(instrumentation, new Augmentation());
      return stage(
          RetrievalAugmentor.class,
          augmentor.build(),
          "augment",
          augmentation,
          args -> (AugmentationRequest) args[0]);
    }
  }

  private static final class Augmentation
      extends StageAttributes<AugmentationRequest, AugmentationResult> {
    Augmentation() {
      super("retrieval_augmentation");
    }

    @Override
    public void onEnd(
        Span span,
        AugmentationRequest request,
        @Nullable AugmentationResult result,
        @Nullable Throwable error) {
      if (result != null && result.contents() != null) {
        span.setAttribute(CONTENTS_OUT, (long) result.contents().size());
      }
    }
  }

  private static final class Transform extends StageAttributes<Query, Collection<Query>> {
    private final Instrumentation instrumentation;

    Transform(Instrumentation instrumentation) {
      super("transform_query");
      this.instrumentation = instrumentation;
    }

    @Override
    public void onEnd(
        Span span, Query query, @Nullable Collection<Query> queries, @Nullable Throwable error) {
      if (queries == null) {
        return;
      }
      span.setAttribute(QUERY_COUNT, (long) queries.size());
      if (instrumentation.captureContent()) {
        span.setAttribute(QUERIES, recorded(instrumentation, queries));
      }
    }
  }

  private static final class Route extends StageAttributes<Query, Collection<ContentRetriever>> {
    Route() {
      super("route_query");
    }

    @Override
    public void onEnd(
        Span span,
        Query query,
        @Nullable Collection<ContentRetriever> retrievers,
        @Nullable Throwable error) {
      if (retrievers == null) {
        return;
      }
      span.setAttribute(ROUTED_COUNT, (long) retrievers.size());
      List<String> sources = new ArrayList<>();
      for (ContentRetriever retriever : retrievers) {
        String source = TracingContentRetriever.dataSourceOf(retriever);
        if (source != null) {
          sources.add(source);
        }
      }
      if (!sources.isEmpty()) {
        span.setAttribute(ROUTED_DATA_SOURCES, sources);
      }
    }
  }

  private static final class Aggregate
      extends StageAttributes<Map<Query, Collection<List<Content>>>, List<Content>> {
    private final Instrumentation instrumentation;

    Aggregate(Instrumentation instrumentation) {
      super("aggregate_content");
      this.instrumentation = instrumentation;
    }

    @Override
    void onStageStart(SpanBuilder span, Map<Query, Collection<List<Content>>> contents) {
      long count = 0;
      for (Collection<List<Content>> lists : contents.values()) {
        for (List<Content> list : lists) {
          count += list.size();
        }
      }
      span.setAttribute(CONTENTS_IN, count);
    }

    @Override
    public void onEnd(
        Span span,
        Map<Query, Collection<List<Content>>> contents,
        @Nullable List<Content> kept,
        @Nullable Throwable error) {
      if (kept == null) {
        return;
      }
      span.setAttribute(CONTENTS_OUT, (long) kept.size());
      List<Double> scores = new ArrayList<>();
      for (Content content : kept) {
        Double score = score(content);
        if (score != null) {
          scores.add(score);
        }
      }
      if (scores.size() == kept.size() && !scores.isEmpty()) {
        span.setAttribute(CONTENT_SCORES, scores);
      }
      if (instrumentation.captureContent() && !kept.isEmpty()) {
        int limit = Math.max(1, instrumentation.semconvContentBudget() / kept.size());
        List<String> texts = new ArrayList<>();
        for (Content content : kept) {
          String text =
              content.textSegment() == null
                  ? null
                  : instrumentation.content(content.textSegment().text(), limit);
          texts.add(text == null ? "" : text);
        }
        span.setAttribute(CONTENT_TEXTS, texts);
      }
    }
  }

  private static final class Inject extends StageAttributes<List<Content>, ChatMessage> {
    Inject() {
      super("inject_content");
    }

    @Override
    void onStageStart(SpanBuilder span, List<Content> contents) {
      span.setAttribute(CONTENTS_OUT, (long) contents.size());
      long characters = 0;
      for (Content content : contents) {
        if (content.textSegment() != null && content.textSegment().text() != null) {
          characters += content.textSegment().text().length();
        }
      }
      span.setAttribute(INJECTED_CHARACTERS, characters);
    }
  }
}
