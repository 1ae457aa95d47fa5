package io.llmetry4j.rag;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.listener.ChatModelResponseContext;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.rag.DefaultRetrievalAugmentor;
import dev.langchain4j.rag.query.router.DefaultQueryRouter;
import dev.langchain4j.service.AiServices;
import io.llmetry4j.chat.TracingChatModelListener;
import io.llmetry4j.core.testing.ReplayHttpServer;
import io.llmetry4j.core.testing.ReplayHttpServer.Response;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Parents stay right across executors, HTTP client threads and concurrent requests. */
class RagContextTest {

  private final RagFixture rag = new RagFixture();

  @AfterEach
  void close() {
    rag.close();
    assertThat(Context.current()).isSameAs(Context.root());
  }

  @Test
  void two_retrievers_on_the_augmentors_executor_are_children_of_the_agent() throws Exception {
    // The supported way: an executor that carries the caller's context to its threads.
    ExecutorService executor = Context.taskWrapping(Executors.newFixedThreadPool(2));
    try {
      RagFixture.Assistant assistant =
          TracingAiService.wrap(
              rag.telemetry,
              RagFixture.Assistant.class,
              TracingTools.addTo(
                      AiServices.builder(RagFixture.Assistant.class)
                          .chatModel(rag.chatModel())
                          .chatMemoryProvider(id -> MessageWindowChatMemory.withMaxMessages(20))
                          .retrievalAugmentor(
                              DefaultRetrievalAugmentor.builder()
                                  .queryRouter(
                                      new DefaultQueryRouter(
                                          rag.retriever("handbook"), rag.retriever("faq")))
                                  .executor(executor)
                                  .build()),
                      rag.telemetry,
                      rag.weather)
                  .build());

      assistant.chat("c2", "What is the weather in San Francisco?");
    } finally {
      executor.shutdownNow();
    }

    List<SpanData> spans = rag.spans.getFinishedSpanItems();
    SpanData agent = byName(spans, "invoke_agent Assistant").get(0);
    assertThat(byName(spans, "retrieval handbook"))
        .singleElement()
        .satisfies(s -> assertThat(s).hasParent(agent));
    assertThat(byName(spans, "retrieval faq"))
        .singleElement()
        .satisfies(s -> assertThat(s).hasParent(agent));
    assertThat(spans.stream().map(SpanData::getTraceId).distinct()).hasSize(1);
  }

  @Test
  void openai_tool_flow_spans_the_real_tool_execution() {
    try (ReplayHttpServer openAi = ReplayHttpServer.start()) {
      openAi.byDefault(
          "/v1/chat/completions",
          body ->
              Response.json(
                  200,
                  body.replaceAll("\\s", "").contains("\"role\":\"tool\"")
                      ? RagFixture.resource("openai-final-response.json")
                      : RagFixture.resource("openai-tool-call-response.json")));
      RagFixture.Assistant assistant =
          TracingAiService.wrap(
              rag.telemetry,
              RagFixture.Assistant.class,
              TracingTools.addTo(
                      AiServices.builder(RagFixture.Assistant.class)
                          .chatModel(
                              OpenAiChatModel.builder()
                                  .baseUrl(openAi.baseUrl() + "/v1")
                                  .apiKey("test-key-not-secret")
                                  .modelName("gpt-4o-mini")
                                  .maxRetries(0)
                                  .listeners(
                                      List.of(TracingChatModelListener.create(rag.telemetry)))
                                  .build())
                          .chatMemoryProvider(id -> MessageWindowChatMemory.withMaxMessages(20)),
                      rag.telemetry,
                      rag.weather)
                  .build());

      String answer = assistant.chat("c3", "What is the weather in San Francisco?");

      assertThat(answer).isEqualTo("It is 70 degrees and sunny in San Francisco.");
    }
    List<SpanData> spans = rag.spans.getFinishedSpanItems();
    assertThat(SpanTree.render(spans))
        .isEqualTo(
            String.join(
                "\n",
                "invoke_agent Assistant",
                "  chat gpt-4o-mini",
                "  execute_tool getWeather",
                "  chat gpt-4o-mini"));
    SpanData tool = byName(spans, "execute_tool getWeather").get(0);
    assertThat(tool)
        .hasAttribute(
            io.llmetry4j.core.internal.SemconvAttributes.GEN_AI_TOOL_CALL_ID, "call_weather_1");
    long toolSpanNanos = tool.getEndEpochNanos() - tool.getStartEpochNanos();
    assertThat(toolSpanNanos).isGreaterThanOrEqualTo(rag.weather.lastExecutionNanos.get());
    List<SpanData> chats = byName(spans, "chat gpt-4o-mini");
    assertThat(tool.getStartEpochNanos()).isGreaterThanOrEqualTo(chats.get(0).getEndEpochNanos());
    assertThat(tool.getEndEpochNanos()).isLessThanOrEqualTo(chats.get(1).getStartEpochNanos());
  }

  @Test
  void streaming_ai_service_gives_the_same_tree_and_leaves_no_context_behind() throws Exception {
    List<Context> outsideCallbacks = new CopyOnWriteArrayList<>();
    ChatModelListener observer =
        new ChatModelListener() {
          @Override
          public void onResponse(ChatModelResponseContext context) {
            outsideCallbacks.add(Context.current());
          }
        };
    RagFixture.StreamingAssistant assistant =
        TracingAiService.wrap(
            rag.telemetry,
            RagFixture.StreamingAssistant.class,
            TracingTools.addTo(
                    AiServices.builder(RagFixture.StreamingAssistant.class)
                        .streamingChatModel(
                            io.llmetry4j.chat.TracingStreamingChatModel.wrap(
                                dev.langchain4j.model.ollama.OllamaStreamingChatModel.builder()
                                    .baseUrl(rag.ollama.baseUrl())
                                    .modelName("llama3")
                                    .timeout(Duration.ofSeconds(10))
                                    .listeners(
                                        List.of(
                                            TracingChatModelListener.create(rag.telemetry),
                                            observer))
                                    .build()))
                        .chatMemoryProvider(id -> MessageWindowChatMemory.withMaxMessages(20))
                        .contentRetriever(rag.retriever("docs")),
                    rag.telemetry,
                    rag.weather)
                .build());
    CompletableFuture<ChatResponse> done = new CompletableFuture<>();

    rag.telemetry
        .workflow("answer-question")
        .conversationId("conv-s")
        .run(
            () ->
                assistant
                    .chat("conv-s", "What is the weather in San Francisco?")
                    .onPartialResponse(token -> {})
                    .onCompleteResponse(done::complete)
                    .onError(done::completeExceptionally)
                    .start());
    ChatResponse response = done.get(20, TimeUnit.SECONDS);

    assertThat(response.aiMessage().text()).startsWith("Why did the OpenTelemetry agent");
    assertThat(Context.current()).isSameAs(Context.root());
    assertThat(outsideCallbacks).hasSize(2).allSatisfy(c -> assertThat(c).isSameAs(Context.root()));
    List<SpanData> spans = rag.spans.getFinishedSpanItems();
    assertThat(SpanTree.render(spans))
        .isEqualTo(
            RagPipelineTracingTest.EXPECTED_TREE.replace(
                "invoke_agent Assistant", "invoke_agent StreamingAssistant"));
    assertThat(spans.stream().map(SpanData::getTraceId).distinct()).hasSize(1);
    assertThat(spans)
        .allSatisfy(
            s ->
                assertThat(s)
                    .hasAttribute(
                        io.llmetry4j.core.internal.SemconvAttributes.GEN_AI_CONVERSATION_ID,
                        "conv-s"));
  }

  @Test
  void sixteen_concurrent_requests_give_sixteen_complete_separate_traces() throws Exception {
    RagFixture.Assistant assistant = rag.assistant();
    int requests = 16;
    ExecutorService pool = Executors.newFixedThreadPool(requests);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<String>> results = new ArrayList<>();
    try {
      for (int i = 0; i < requests; i++) {
        String conversation = "conv-" + i;
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  return rag.telemetry
                      .workflow("answer-question")
                      .conversationId(conversation)
                      .call(
                          () ->
                              assistant.chat(
                                  conversation, "What is the weather in San Francisco?"));
                }));
      }
      start.countDown();
      for (Future<String> result : results) {
        assertThat(result.get(60, TimeUnit.SECONDS)).contains("OpenWeatherMap");
      }
    } finally {
      pool.shutdownNow();
    }

    var byTrace =
        rag.spans.getFinishedSpanItems().stream()
            .collect(Collectors.groupingBy(SpanData::getTraceId));
    assertThat(byTrace).hasSize(requests);
    byTrace
        .values()
        .forEach(
            trace -> {
              assertThat(SpanTree.render(trace)).isEqualTo(RagPipelineTracingTest.EXPECTED_TREE);
              String conversation =
                  trace
                      .get(0)
                      .getAttributes()
                      .get(io.llmetry4j.core.internal.SemconvAttributes.GEN_AI_CONVERSATION_ID);
              assertThat(trace)
                  .allSatisfy(
                      s ->
                          assertThat(s)
                              .hasAttribute(
                                  io.llmetry4j.core.internal.SemconvAttributes
                                      .GEN_AI_CONVERSATION_ID,
                                  conversation));
            });
  }

  private static List<SpanData> byName(List<SpanData> spans, String name) {
    return spans.stream().filter(s -> s.getName().equals(name)).collect(Collectors.toList());
  }
}
