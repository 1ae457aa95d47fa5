package io.llmetry4j.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.ollama.OllamaChatModel;
import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.core.testing.OllamaCassettes;
import io.llmetry4j.core.testing.ReplayHttpServer;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.testing.junit5.OpenTelemetryExtension;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ChatParentingTest {

  @RegisterExtension static final OpenTelemetryExtension otel = OpenTelemetryExtension.create();

  private final ReplayHttpServer ollama = OllamaCassettes.serveChat(ReplayHttpServer.start());
  private final ChatModel model =
      OllamaChatModel.builder()
          .baseUrl(ollama.baseUrl())
          .modelName("llama3")
          .timeout(Duration.ofSeconds(10))
          .listeners(
              List.of(
                  TracingChatModelListener.create(LlmTelemetry.create(otel.getOpenTelemetry()))))
          .build();
  private final Tracer appTracer = otel.getOpenTelemetry().getTracer("app");

  @AfterEach
  void stop() {
    ollama.close();
  }

  @Test
  void chat_span_is_a_child_of_the_enclosing_span() {
    Span parent = appTracer.spanBuilder("handle request").startSpan();
    try (Scope ignored = parent.makeCurrent()) {
      model.chat(OllamaChatListenerTest.chatRequest());
      assertThat(Span.current()).isSameAs(parent);
    } finally {
      parent.end();
    }

    otel.assertTraces()
        .hasTracesSatisfyingExactly(
            trace ->
                trace.hasSpansSatisfyingExactly(
                    span -> span.hasName("handle request").hasNoParent(),
                    span -> span.hasName("chat llama3").hasParent(trace.getSpan(0))));
  }

  @Test
  void thirty_two_concurrent_callers_each_get_their_own_parent() throws Exception {
    int threads = 32;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<String>> parents = new ArrayList<>();
    try {
      for (int i = 0; i < threads; i++) {
        String name = "caller-" + i;
        parents.add(
            pool.submit(
                () -> {
                  start.await();
                  Span parent = appTracer.spanBuilder(name).startSpan();
                  try (Scope ignored = parent.makeCurrent()) {
                    model.chat(OllamaChatListenerTest.chatRequest());
                  } finally {
                    parent.end();
                  }
                  assertThat(Context.current()).isSameAs(Context.root());
                  return parent.getSpanContext().getSpanId();
                }));
      }
      start.countDown();
      for (Future<String> parent : parents) {
        parent.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    List<SpanData> spans = otel.getSpans();
    assertThat(spans).hasSize(2 * threads);
    Map<String, SpanData> byId =
        spans.stream().collect(Collectors.toMap(SpanData::getSpanId, Function.identity()));
    List<SpanData> chats =
        spans.stream().filter(s -> s.getName().equals("chat llama3")).collect(Collectors.toList());
    assertThat(chats).hasSize(threads);
    for (SpanData chat : chats) {
      SpanData parent = byId.get(chat.getParentSpanId());
      assertThat(parent).isNotNull();
      assertThat(parent.getName()).startsWith("caller-");
      assertThat(parent.getTraceId()).isEqualTo(chat.getTraceId());
    }
    // Every caller's span has exactly one chat child.
    assertThat(chats.stream().map(SpanData::getParentSpanId).distinct().count()).isEqualTo(threads);
  }
}
