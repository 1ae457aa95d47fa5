package io.llmetry4j.rag;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.memory.ChatMemory;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.cohere.CohereScoringModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.scoring.ScoringModel;
import dev.langchain4j.rag.RetrievalAugmentor;
import dev.langchain4j.rag.content.aggregator.ReRankingContentAggregator;
import dev.langchain4j.rag.content.retriever.ContentRetriever;
import dev.langchain4j.rag.content.retriever.EmbeddingStoreContentRetriever;
import dev.langchain4j.rag.query.router.LanguageModelQueryRouter;
import dev.langchain4j.rag.query.transformer.CompressingQueryTransformer;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.store.embedding.inmemory.InMemoryEmbeddingStore;
import io.llmetry4j.chat.TracingChatModelListener;
import io.llmetry4j.core.internal.SemconvAttributes;
import io.llmetry4j.core.testing.ReplayHttpServer;
import io.llmetry4j.core.testing.ReplayHttpServer.Response;
import io.llmetry4j.core.testing.SemconvSpans;
import io.llmetry4j.store.TracingEmbeddingStore;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An AI Service whose retrieval augmentor has every stage: a compressing query transformer and a
 * language-model router (a real OpenAI-format chat client against a local server), two retrievers
 * (real all-MiniLM over two in-memory stores), a re-ranking aggregator with a real Cohere client
 * against the same local server, LangChain4j's default injector.
 */
class AugmentationTracingTest {

  private static final String HANDBOOK = "The observability handbook: spans, traces and metrics";
  private static final String FAQ = "Frequently asked questions about the product";

  private RagFixture rag = new RagFixture();
  private final ReplayHttpServer server = ReplayHttpServer.start();
  private final ObjectMapper json = new ObjectMapper();

  @AfterEach
  void close() {
    server.close();
    rag.close();
  }

  interface Assistant {
    String chat(
        @dev.langchain4j.service.MemoryId String conversation,
        @dev.langchain4j.service.UserMessage String question);
  }

  /** Like the services: the chat model by what the prompt asks; Cohere by the documents sent. */
  private void answerLikeTheServices() {
    server.byDefault(
        "/v1/chat/completions",
        body -> {
          String text;
          if (body.contains(FAQ)) {
            text = "1, 2"; // the router: both data sources
          } else if (body.replaceAll("\\s", "").contains("\"role\":\"assistant\"")) {
            text = "A span is one timed operation of a trace."; // the answer, memory in the prompt
          } else {
            text = "What is a span in distributed tracing?"; // the compressed query
          }
          return Response.json(200, chatAnswer(text));
        });
    server.byDefault("/rerank", this::rerank);
  }

  private static String chatAnswer(String text) {
    return RagFixture.resource("openai-final-response.json")
        .replace("It is 70 degrees and sunny in San Francisco.", text);
  }

  /** Cohere's rerank answer: one descending score per document sent, as the API returns them. */
  private Response rerank(String body) {
    try {
      JsonNode request = json.readTree(body);
      int documents = request.path("documents").size();
      StringBuilder results = new StringBuilder();
      for (int i = 0; i < documents; i++) {
        results
            .append(i == 0 ? "" : ",")
            .append("{\"index\":")
            .append(i)
            .append(",\"relevance_score\":")
            .append(SCORES[i % SCORES.length])
            .append('}');
      }
      return Response.json(
          200,
          "{\"id\":\"rerank-1\",\"results\":["
              + results
              + "],\"meta\":{\"billed_units\":{\"search_units\":1}}}");
    } catch (Exception e) {
      return Response.json(400, "{\"message\":\"bad request\"}");
    }
  }

  private static final double[] SCORES = {0.91, 0.12, 0.78, 0.05, 0.66, 0.02};

  private ChatModel chatModel() {
    return OpenAiChatModel.builder()
        .baseUrl(server.baseUrl() + "/v1")
        .apiKey("test-key-not-secret")
        .modelName("gpt-4o-mini")
        .maxRetries(0)
        .timeout(Duration.ofSeconds(10))
        .listeners(List.of(TracingChatModelListener.create(rag.telemetry)))
        .build();
  }

  private ContentRetriever faqRetriever() {
    return faqRetriever(new InMemoryEmbeddingStore<>());
  }

  /** The FAQ retriever over {@code faq}: the in-memory store, or PostgreSQL + pgvector. */
  private ContentRetriever faqRetriever(
      dev.langchain4j.store.embedding.EmbeddingStore<TextSegment> faq) {
    for (String line :
        List.of(
            "A span records one operation of a request.",
            "Traces are kept for fourteen days.",
            "Exports go over OTLP to the collector.")) {
      TextSegment segment = TextSegment.from(line);
      faq.add(rag.embeddingModel.embed(segment).content(), segment);
    }
    return TracingContentRetriever.builder(
            rag.telemetry,
            EmbeddingStoreContentRetriever.builder()
                .embeddingStore(
                    TracingEmbeddingStore.builder(rag.telemetry, faq).collectionName("faq").build())
                .embeddingModel(rag.embeddingModel)
                .maxResults(3)
                .build(),
            "faq")
        .topK(3)
        .build();
  }

  /** The FAQ store, when a test puts it in PostgreSQL. */
  private dev.langchain4j.store.embedding.EmbeddingStore<TextSegment> faqStore;

  /** The augmentor, traced or LangChain4j's own. */
  private RetrievalAugmentor augmentor(boolean traced, ChatModel model) {
    Map<ContentRetriever, String> retrievers = new LinkedHashMap<>();
    retrievers.put(rag.retriever("docs"), HANDBOOK);
    retrievers.put(faqStore != null ? faqRetriever(faqStore) : faqRetriever(), FAQ);
    ScoringModel cohere =
        CohereScoringModel.builder()
            .baseUrl(server.baseUrl() + "/")
            .apiKey("test-key-not-secret")
            .modelName("rerank-english-v3.0")
            .maxRetries(0)
            .build();
    if (!traced) {
      return dev.langchain4j.rag.DefaultRetrievalAugmentor.builder()
          .queryTransformer(new CompressingQueryTransformer(model))
          .queryRouter(new LanguageModelQueryRouter(model, retrievers))
          .contentAggregator(
              ReRankingContentAggregator.builder().scoringModel(cohere).minScore(0.5).build())
          .build();
    }
    return TracingRetrievalAugmentor.builder(rag.telemetry)
        .queryTransformer(new CompressingQueryTransformer(model))
        .queryRouter(new LanguageModelQueryRouter(model, retrievers))
        .contentAggregator(
            ReRankingContentAggregator.builder()
                .scoringModel(
                    TracingScoringModel.builder(rag.telemetry, cohere)
                        .requestModel("rerank-english-v3.0")
                        .baseUrl(server.baseUrl())
                        .build())
                .minScore(0.5)
                .build())
        .build();
  }

  /** The AI Service; its memory already holds one exchange, so the transformer compresses. */
  private Assistant assistant(boolean traced) {
    ChatModel model = chatModel();
    ChatMemory memory = MessageWindowChatMemory.withMaxMessages(20);
    memory.add(UserMessage.from("We were talking about distributed tracing."));
    memory.add(AiMessage.from("Yes: requests across services, recorded as traces."));
    Assistant service =
        AiServices.builder(Assistant.class)
            .chatModel(model)
            .chatMemoryProvider(id -> memory)
            .retrievalAugmentor(augmentor(traced, model))
            .build();
    return traced ? TracingAiService.wrap(rag.telemetry, Assistant.class, service) : service;
  }

  private String tree() {
    List<SpanData> all = rag.spans.getFinishedSpanItems();
    List<String> lines = new ArrayList<>();
    all.stream()
        .filter(s -> all.stream().noneMatch(p -> p.getSpanId().equals(s.getParentSpanId())))
        .forEach(root -> append(root, all, "", lines));
    return String.join("\n", lines);
  }

  private static void append(SpanData span, List<SpanData> all, String indent, List<String> lines) {
    lines.add(indent + span.getName());
    // Parallel retrievals start in any order: adjacent ones are listed by name.
    List<SpanData> children =
        all.stream()
            .filter(s -> s.getParentSpanId().equals(span.getSpanId()))
            .sorted(Comparator.comparingLong(SpanData::getStartEpochNanos))
            .collect(Collectors.toList());
    for (int i = 0; i < children.size(); i++) {
      int end = i;
      while (end < children.size() && children.get(end).getName().startsWith("retrieval ")) {
        end++;
      }
      if (end > i + 1) {
        children.subList(i, end).sort(Comparator.comparing(SpanData::getName));
      }
    }
    children.stream().forEach(child -> append(child, all, indent + "  ", lines));
  }

  private SpanData only(String name) {
    List<SpanData> named =
        rag.spans.getFinishedSpanItems().stream()
            .filter(span -> span.getName().equals(name))
            .collect(Collectors.toList());
    assertThat(named).as("%s in%n%s", name, tree()).hasSize(1);
    return named.get(0);
  }

  @Test
  void every_stage_of_the_augmentation_is_a_span_under_the_agent() {
    answerLikeTheServices();

    Assistant assistant = assistant(true);
    rag.spans.reset(); // the FAQ's embedding at set-up is not the call

    String answer = assistant.chat("conv-1", "And what is a span?");

    assertThat(answer).isEqualTo("A span is one timed operation of a trace.");
    assertThat(tree())
        .isEqualTo(
            String.join(
                "\n",
                "invoke_agent Assistant",
                "  retrieval_augmentation",
                "    transform_query",
                "      chat gpt-4o-mini",
                "    route_query",
                "      chat gpt-4o-mini",
                "    retrieval docs",
                "      embeddings all-minilm-l6-v2",
                "      search docs",
                "    retrieval faq",
                "      embeddings all-minilm-l6-v2",
                "      search faq",
                "    aggregate_content",
                "      rerank rerank-english-v3.0",
                "    inject_content",
                "  chat gpt-4o-mini"));
    assertThat(Context.current()).isSameAs(Context.root());
    rag.spans.getFinishedSpanItems().forEach(SemconvSpans::assertRegisteredKeys);

    assertThat(only("transform_query"))
        .hasAttribute(TracingRetrievalAugmentor.QUERY_COUNT, 1L)
        .hasAttribute(TracingRetrievalAugmentor.STAGE, "transform_query");
    assertThat(only("transform_query").getAttributes().get(TracingRetrievalAugmentor.QUERIES))
        .isNull();
    assertThat(
            only("aggregate_content").getAttributes().get(TracingRetrievalAugmentor.CONTENT_TEXTS))
        .isNull();
    assertThat(only("route_query"))
        .hasAttribute(TracingRetrievalAugmentor.ROUTED_COUNT, 2L)
        .hasAttribute(TracingRetrievalAugmentor.ROUTED_DATA_SOURCES, List.of("docs", "faq"));
    SpanData rerank = only("rerank rerank-english-v3.0");
    assertThat(rerank)
        .hasKind(SpanKind.CLIENT)
        .hasAttribute(SemconvAttributes.GEN_AI_OPERATION_NAME, "rerank")
        .hasAttribute(SemconvAttributes.GEN_AI_PROVIDER_NAME, "cohere")
        .hasAttribute(SemconvAttributes.GEN_AI_REQUEST_MODEL, "rerank-english-v3.0")
        .hasAttribute(SemconvAttributes.SERVER_ADDRESS, "127.0.0.1")
        .hasAttribute(SemconvAttributes.SERVER_PORT, (long) server.port())
        .hasAttribute(TracingScoringModel.DOCUMENT_COUNT, 6L)
        .hasAttribute(TracingScoringModel.SCORES, List.of(0.91, 0.12, 0.78, 0.05, 0.66, 0.02))
        .hasAttribute(TracingScoringModel.SEARCH_UNITS, 1L);
    assertThat(rerank.getAttributes().get(SemconvAttributes.GEN_AI_USAGE_INPUT_TOKENS)).isNull();
    assertThat(rerank.getAttributes().get(SemconvAttributes.GEN_AI_RETRIEVAL_QUERY_TEXT)).isNull();
    assertThat(only("aggregate_content"))
        .hasAttribute(TracingRetrievalAugmentor.CONTENTS_IN, 6L)
        .hasAttribute(TracingRetrievalAugmentor.CONTENTS_OUT, 3L)
        .hasAttribute(TracingRetrievalAugmentor.CONTENT_SCORES, List.of(0.91, 0.78, 0.66));
    SpanData inject = only("inject_content");
    assertThat(inject).hasAttribute(TracingRetrievalAugmentor.CONTENTS_OUT, 3L);
    assertThat(inject.getAttributes().get(TracingRetrievalAugmentor.INJECTED_CHARACTERS))
        .isPositive();
    assertThat(only("retrieval_augmentation"))
        .hasAttribute(TracingRetrievalAugmentor.CONTENTS_OUT, 3L);
    // Each retrieval's duration and result count, per data source.
    assertThat(rag.metrics.collectAllMetrics())
        .filteredOn(metric -> metric.getName().equals("llmetry4j.retrieval.result_count"))
        .singleElement()
        .satisfies(
            metric ->
                assertThat(metric.getHistogramData().getPoints())
                    .extracting(
                        point -> point.getAttributes().get(SemconvAttributes.GEN_AI_DATA_SOURCE_ID))
                    .containsExactlyInAnyOrder("docs", "faq"));
    assertThat(rag.metrics.collectAllMetrics())
        .extracting(io.opentelemetry.sdk.metrics.data.MetricData::getName)
        .contains("llmetry4j.retrieval.duration");
    // The re-ranking call's duration, as every GenAI client operation's.
    assertThat(rag.metrics.collectAllMetrics())
        .filteredOn(metric -> metric.getName().equals("gen_ai.client.operation.duration"))
        .singleElement()
        .satisfies(
            metric ->
                assertThat(metric.getHistogramData().getPoints())
                    .anySatisfy(
                        point -> {
                          assertThat(
                                  point
                                      .getAttributes()
                                      .get(SemconvAttributes.GEN_AI_OPERATION_NAME))
                              .isEqualTo("rerank");
                          assertThat(
                                  point.getAttributes().get(SemconvAttributes.GEN_AI_PROVIDER_NAME))
                              .isEqualTo("cohere");
                          assertThat(point.getCount()).isEqualTo(1);
                        }));
  }

  @Test
  void the_queries_are_content_recorded_only_with_capture_on() {
    rag.close();
    rag = new RagFixture(settings -> settings.captureContent(true));
    answerLikeTheServices();

    Assistant assistant = assistant(true);
    rag.spans.reset();
    assistant.chat("conv-1", "And what is a span?");

    assertThat(only("transform_query"))
        .hasAttribute(
            TracingRetrievalAugmentor.QUERIES, List.of("What is a span in distributed tracing?"));
    assertThat(only("rerank rerank-english-v3.0"))
        .hasAttribute(
            SemconvAttributes.GEN_AI_RETRIEVAL_QUERY_TEXT,
            "What is a span in distributed tracing?");
    assertThat(
            only("aggregate_content").getAttributes().get(TracingRetrievalAugmentor.CONTENT_TEXTS))
        .hasSize(3)
        .allSatisfy(text -> assertThat(text).isNotBlank());
  }

  @Test
  void the_answer_and_what_the_services_receive_are_the_same_with_and_without_tracing() {
    answerLikeTheServices();
    String untraced = assistant(false).chat("conv-1", "And what is a span?");
    List<String> untracedRequests = List.copyOf(server.requestBodies());

    String traced = assistant(true).chat("conv-1", "And what is a span?");
    List<String> requests = server.requestBodies();

    assertThat(traced).isEqualTo(untraced);
    assertThat(requests.subList(untracedRequests.size(), requests.size()))
        .containsExactlyInAnyOrderElementsOf(untracedRequests);
  }

  @Test
  void with_openllmetry_compatibility_each_stage_is_a_task() {
    rag.close();
    rag = new RagFixture(true);
    answerLikeTheServices();
    Assistant assistant = assistant(true);
    rag.spans.reset();

    assistant.chat("conv-1", "And what is a span?");

    for (String stage :
        List.of(
            "retrieval_augmentation",
            "transform_query",
            "route_query",
            "aggregate_content",
            "inject_content")) {
      assertThat(only(stage))
          .hasAttribute(io.llmetry4j.core.internal.TraceloopAttributes.SPAN_KIND, "task")
          .hasAttribute(io.llmetry4j.core.internal.TraceloopAttributes.ENTITY_NAME, stage);
    }
  }

  @Test
  void a_failing_reranker_fails_its_span_and_the_stages_above_and_the_exception_is_unchanged() {
    answerLikeTheServices();
    server.byDefault("/rerank", body -> Response.json(500, "{\"message\":\"internal error\"}"));
    Throwable untraced =
        org.assertj.core.api.Assertions.catchThrowable(
            () -> assistant(false).chat("conv-1", "And what is a span?"));
    Assistant assistant = assistant(true);
    rag.spans.reset();

    Throwable traced =
        org.assertj.core.api.Assertions.catchThrowable(
            () -> assistant.chat("conv-1", "And what is a span?"));

    assertThat(traced).isNotNull().hasSameClassAs(untraced).hasMessage(untraced.getMessage());
    for (String name :
        List.of(
            "rerank rerank-english-v3.0",
            "aggregate_content",
            "retrieval_augmentation",
            "invoke_agent Assistant")) {
      assertThat(only(name).getStatus().getStatusCode())
          .as(name)
          .isEqualTo(io.opentelemetry.api.trace.StatusCode.ERROR);
      assertThat(only(name).getAttributes().get(SemconvAttributes.ERROR_TYPE))
          .as(name)
          .isNotBlank();
    }
    assertThat(Context.current()).isSameAs(Context.root());
  }

  @Test
  void a_retriever_over_pgvector_is_routed_to_beside_the_in_memory_one() {
    io.llmetry4j.core.testing.PostgresCoordinates pg =
        io.llmetry4j.core.testing.PostgresCoordinates.require();
    faqStore =
        dev.langchain4j.store.embedding.pgvector.PgVectorEmbeddingStore.builder()
            .host(pg.host())
            .port(pg.port())
            .database(pg.database())
            .user(pg.user())
            .password(pg.password())
            .table("faq_" + java.util.UUID.randomUUID().toString().substring(0, 8))
            .dimension(384)
            .createTable(true)
            .dropTableFirst(true)
            .build();
    answerLikeTheServices();
    String untraced = assistant(false).chat("conv-1", "And what is a span?");
    Assistant assistant = assistant(true);
    rag.spans.reset();

    String answer = assistant.chat("conv-1", "And what is a span?");

    assertThat(answer).isEqualTo(untraced).isEqualTo("A span is one timed operation of a trace.");
    assertThat(tree())
        .contains(
            String.join(
                "\n",
                "    retrieval docs",
                "      embeddings all-minilm-l6-v2",
                "      search docs",
                "    retrieval faq",
                "      embeddings all-minilm-l6-v2",
                "      search faq",
                "    aggregate_content",
                "      rerank rerank-english-v3.0",
                "    inject_content"));
    assertThat(only("search faq"))
        .hasAttribute(SemconvAttributes.DB_SYSTEM_NAME, "postgresql")
        .hasParent(only("retrieval faq"));
    assertThat(only("aggregate_content")).hasAttribute(TracingRetrievalAugmentor.CONTENTS_IN, 6L);
  }

  @Test
  void a_single_score_call_is_a_rerank_span_too() {
    answerLikeTheServices();
    ScoringModel traced =
        TracingScoringModel.builder(
                rag.telemetry,
                CohereScoringModel.builder()
                    .baseUrl(server.baseUrl() + "/")
                    .apiKey("test-key-not-secret")
                    .modelName("rerank-english-v3.0")
                    .maxRetries(0)
                    .build())
            .requestModel("rerank-english-v3.0")
            .build();
    rag.spans.reset();

    dev.langchain4j.model.output.Response<Double> score =
        traced.score("A span is one timed operation.", "What is a span?");

    assertThat(score.content()).isEqualTo(0.91);
    assertThat(only("rerank rerank-english-v3.0"))
        .hasAttribute(TracingScoringModel.DOCUMENT_COUNT, 1L)
        .hasAttribute(TracingScoringModel.SCORES, List.of(0.91));
  }
}
