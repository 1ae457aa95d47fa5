package io.llmetry4j.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.listener.ChatModelResponseContext;
import io.llmetry4j.bootstrap.AssociationPropertiesSpanProcessor;
import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.core.internal.SemconvAttributes;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * 64 threads × 200 mixed requests (sync chat, streaming chat, an AI Service with retrieval and a
 * tool, plain chat) through the real Ollama clients: every trace well formed, one root per request,
 * no cross-talk, no context left on any thread.
 */
class ConcurrencyTest {

  private static final int THREADS = 64;
  private static final int REQUESTS_PER_THREAD = 200;

  @Test
  void concurrent_mixed_requests_give_well_formed_separate_traces() throws Exception {
    InMemorySpanExporter exporter = InMemorySpanExporter.create();
    OpenTelemetrySdk sdk =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .addSpanProcessor(AssociationPropertiesSpanProcessor.create(false))
                    .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                    .build())
            .build();
    Set<Context> seenOffWorkerThreads = ConcurrentHashMap.newKeySet();
    ChatModelListener observer =
        new ChatModelListener() {
          @Override
          public void onResponse(ChatModelResponseContext context) {
            if (!Thread.currentThread().getName().startsWith("worker-")) {
              seenOffWorkerThreads.add(Context.current());
            }
          }
        };
    AtomicInteger threadNumber = new AtomicInteger();
    ExecutorService workers =
        Executors.newFixedThreadPool(
            THREADS, r -> new Thread(r, "worker-" + threadNumber.incrementAndGet()));
    List<Future<List<String>>> results = new ArrayList<>();
    try (Workload workload = new Workload(LlmTelemetry.create(sdk), observer)) {
      CountDownLatch start = new CountDownLatch(1);
      for (int t = 0; t < THREADS; t++) {
        int thread = t;
        results.add(
            workers.submit(
                () -> {
                  start.await();
                  List<String> leaks = new ArrayList<>();
                  for (int i = 0; i < REQUESTS_PER_THREAD; i++) {
                    assertThat(workload.request(thread + i, "conv-" + thread + "-" + i))
                        .isNotBlank();
                    if (Context.current() != Context.root()) {
                      leaks.add("conv-" + thread + "-" + i);
                    }
                  }
                  return leaks;
                }));
      }
      start.countDown();
      for (Future<List<String>> result : results) {
        assertThat(result.get(10, TimeUnit.MINUTES)).as("contexts left on a worker").isEmpty();
      }
    } finally {
      workers.shutdownNow();
    }

    List<SpanData> spans = exporter.getFinishedSpanItems();
    SpanVault.addSdkSpans(spans);
    Map<String, List<SpanData>> traces =
        spans.stream().collect(Collectors.groupingBy(SpanData::getTraceId));
    assertThat(traces).hasSize(THREADS * REQUESTS_PER_THREAD);
    Set<String> conversations = ConcurrentHashMap.newKeySet();
    for (List<SpanData> trace : traces.values()) {
      Set<String> ids = trace.stream().map(SpanData::getSpanId).collect(Collectors.toSet());
      List<SpanData> roots =
          trace.stream()
              .filter(s -> !ids.contains(s.getParentSpanId()))
              .collect(Collectors.toList());
      assertThat(roots).hasSize(1);
      assertThat(roots.get(0).getName()).isEqualTo("invoke_workflow request");
      assertThat(roots.get(0).getParentSpanContext().isValid()).isFalse();
      String conversation =
          roots.get(0).getAttributes().get(SemconvAttributes.GEN_AI_CONVERSATION_ID);
      assertThat(conversations.add(conversation)).as("one trace per request").isTrue();
      assertThat(trace)
          .allSatisfy(
              s ->
                  assertThat(s.getAttributes().get(SemconvAttributes.GEN_AI_CONVERSATION_ID))
                      .isEqualTo(conversation));
      assertThat(trace.size()).isGreaterThanOrEqualTo(2);
    }
    assertThat(seenOffWorkerThreads)
        .isNotEmpty()
        .allSatisfy(c -> assertThat(c).isSameAs(Context.root()));
    sdk.close();
  }
}
