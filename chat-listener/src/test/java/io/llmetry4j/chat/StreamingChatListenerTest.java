package io.llmetry4j.chat;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.equalTo;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.satisfies;
import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.listener.ChatModelResponseContext;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.ollama.OllamaStreamingChatModel;
import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.core.internal.SemconvAttributes;
import io.llmetry4j.core.testing.OllamaCassettes;
import io.llmetry4j.core.testing.ReplayHttpServer;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.junit5.OpenTelemetryExtension;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The real OllamaStreamingChatModel against the recorded NDJSON stream on 127.0.0.1. */
class StreamingChatListenerTest {

  @RegisterExtension static final OpenTelemetryExtension otel = OpenTelemetryExtension.create();

  private final ReplayHttpServer ollama = OllamaCassettes.serveChat(ReplayHttpServer.start());

  @AfterEach
  void stop() {
    ollama.close();
  }

  private StreamingChatModel ollamaStreaming() {
    return OllamaStreamingChatModel.builder()
        .baseUrl(ollama.baseUrl())
        .modelName("llama3")
        .timeout(Duration.ofSeconds(5))
        .listeners(
            List.of(TracingChatModelListener.create(LlmTelemetry.create(otel.getOpenTelemetry()))))
        .build();
  }

  /** Records what the application's handler saw: chunks and the context on each callback. */
  private static final class RecordingHandler implements StreamingChatResponseHandler {
    final CompletableFuture<ChatResponse> done = new CompletableFuture<>();
    final List<Context> callbackContexts = new CopyOnWriteArrayList<>();
    final AtomicInteger chunks = new AtomicInteger();

    @Override
    public void onPartialResponse(String partialResponse) {
      callbackContexts.add(Context.current());
      chunks.incrementAndGet();
    }

    @Override
    public void onCompleteResponse(ChatResponse response) {
      callbackContexts.add(Context.current());
      done.complete(response);
    }

    @Override
    public void onError(Throwable error) {
      done.completeExceptionally(error);
    }
  }

  @Test
  void streamed_chat_span_ends_on_completion_with_stream_attributes() throws Exception {
    RecordingHandler handler = new RecordingHandler();

    TracingStreamingChatModel.wrap(ollamaStreaming())
        .chat(OllamaChatListenerTest.chatRequest(), handler);
    ChatResponse response = handler.done.get(10, TimeUnit.SECONDS);

    assertThat(response.aiMessage().text())
        .startsWith("Why did the OpenTelemetry agent go to therapy?");
    assertThat(handler.chunks.get()).isGreaterThan(10);
    otel.assertTraces()
        .hasTracesSatisfyingExactly(
            trace ->
                trace.hasSpansSatisfyingExactly(
                    span ->
                        span.hasName("chat llama3")
                            .hasKind(SpanKind.CLIENT)
                            .hasAttributesSatisfyingExactly(
                                equalTo(SemconvAttributes.GEN_AI_OPERATION_NAME, "chat"),
                                equalTo(SemconvAttributes.GEN_AI_PROVIDER_NAME, "ollama"),
                                equalTo(SemconvAttributes.GEN_AI_REQUEST_MODEL, "llama3"),
                                equalTo(SemconvAttributes.GEN_AI_REQUEST_STREAM, true),
                                equalTo(SemconvAttributes.GEN_AI_RESPONSE_MODEL, "llama3"),
                                equalTo(
                                    SemconvAttributes.GEN_AI_RESPONSE_FINISH_REASONS,
                                    List.of("stop")),
                                equalTo(SemconvAttributes.GEN_AI_USAGE_INPUT_TOKENS, 17L),
                                equalTo(SemconvAttributes.GEN_AI_USAGE_OUTPUT_TOKENS, 50L),
                                satisfies(
                                    SemconvAttributes.GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK,
                                    ttfc -> ttfc.isPositive()))));
    SpanData span = otel.getSpans().get(0);
    double spanSeconds = (span.getEndEpochNanos() - span.getStartEpochNanos()) / 1e9;
    assertThat(span.getAttributes().get(SemconvAttributes.GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK))
        .isLessThanOrEqualTo(spanSeconds);

    assertThat(histogram("gen_ai.client.operation.time_to_first_chunk").getCount()).isEqualTo(1);
    assertThat(histogram("gen_ai.client.operation.time_per_output_chunk").getCount())
        .isEqualTo(handler.chunks.get() - 1);
  }

  @Test
  void the_listener_alone_gives_a_correct_streaming_span() throws Exception {
    RecordingHandler handler = new RecordingHandler();

    ollamaStreaming().chat(OllamaChatListenerTest.chatRequest(), handler);
    handler.done.get(10, TimeUnit.SECONDS);

    SpanData span = otel.getSpans().get(0);
    assertThat(span)
        .hasName("chat llama3")
        .hasAttribute(SemconvAttributes.GEN_AI_USAGE_OUTPUT_TOKENS, 50L)
        .hasAttribute(SemconvAttributes.GEN_AI_RESPONSE_FINISH_REASONS, List.of("stop"));
    assertThat(span.getAttributes().get(SemconvAttributes.GEN_AI_REQUEST_STREAM)).isNull();
  }

  @Test
  void callbacks_run_in_the_callers_context_and_nothing_leaks_on_any_thread() throws Exception {
    List<Context> outsideCallbacks = new CopyOnWriteArrayList<>();
    Thread caller = Thread.currentThread();
    ChatModelListener observer =
        new ChatModelListener() {
          @Override
          public void onResponse(ChatModelResponseContext context) {
            // Runs on the HTTP client thread before the handler: no scope of ours is open there.
            // A response complete before chat(...) returns is delivered on the calling thread,
            // inside the decorator's own chat(...), whose scope is then rightly still open.
            if (Thread.currentThread() != caller) {
              outsideCallbacks.add(Context.current());
            } else if (ChatCall.from(Context.current()) != null) {
              outsideCallbacks.add(Context.root());
            } else {
              outsideCallbacks.add(Context.current());
            }
          }
        };
    StreamingChatModel model =
        OllamaStreamingChatModel.builder()
            .baseUrl(ollama.baseUrl())
            .modelName("llama3")
            .timeout(Duration.ofSeconds(5))
            .listeners(
                List.of(
                    TracingChatModelListener.create(LlmTelemetry.create(otel.getOpenTelemetry())),
                    observer))
            .build();
    Span parent = otel.getOpenTelemetry().getTracer("app").spanBuilder("parent").startSpan();
    RecordingHandler first = new RecordingHandler();
    RecordingHandler second = new RecordingHandler();
    Context before;
    Context after;
    try (Scope ignored = parent.makeCurrent()) {
      before = Context.current();
      TracingStreamingChatModel.wrap(model).chat(OllamaChatListenerTest.chatRequest(), first);
      after = Context.current();
    } finally {
      parent.end();
    }
    first.done.get(10, TimeUnit.SECONDS);
    TracingStreamingChatModel.wrap(model).chat(OllamaChatListenerTest.chatRequest(), second);
    second.done.get(10, TimeUnit.SECONDS);

    assertThat(after).isSameAs(before);
    assertThat(Context.current()).isSameAs(Context.root());
    assertThat(first.callbackContexts).isNotEmpty().allSatisfy(c -> assertThat(c).isSameAs(before));
    assertThat(second.callbackContexts)
        .isNotEmpty()
        .allSatisfy(c -> assertThat(c).isSameAs(Context.root()));
    assertThat(outsideCallbacks).hasSize(2).allSatisfy(c -> assertThat(c).isSameAs(Context.root()));
    SpanData chat =
        otel.getSpans().stream()
            .filter(s -> s.getName().equals("chat llama3"))
            .findFirst()
            .orElseThrow();
    assertThat(chat).hasParentSpanId(parent.getSpanContext().getSpanId());
  }

  @Test
  void cancelling_the_stream_ends_the_span() throws Exception {
    CountDownLatch cancelled = new CountDownLatch(1);
    StreamingChatResponseHandler cancelling =
        new StreamingChatResponseHandler() {
          @Override
          public void onPartialResponse(PartialResponse partial, PartialResponseContext context) {
            if (cancelled.getCount() > 0) {
              context.streamingHandle().cancel();
              cancelled.countDown();
            }
          }

          @Override
          public void onCompleteResponse(ChatResponse response) {}

          @Override
          public void onError(Throwable error) {}
        };

    TracingStreamingChatModel.wrap(ollamaStreaming())
        .chat(OllamaChatListenerTest.chatRequest(), cancelling);

    assertThat(cancelled.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(otel.getSpans()).hasSize(1);
    SpanData span = otel.getSpans().get(0);
    assertThat(span.hasEnded()).isTrue();
    assertThat(span.getEvents())
        .extracting(e -> e.getName())
        .contains("llmetry4j.stream.cancelled");
    assertThat(span)
        .hasAttribute(SemconvAttributes.ERROR_TYPE, ChatSpan.CANCELLED_ERROR_TYPE)
        .hasStatus(io.opentelemetry.sdk.trace.data.StatusData.unset());
    // Not a success in the duration metric: its one point carries error.type=cancelled.
    io.opentelemetry.sdk.metrics.data.MetricData duration =
        otel.getMetrics().stream()
            .filter(m -> m.getName().equals("gen_ai.client.operation.duration"))
            .findFirst()
            .orElseThrow();
    assertThat(duration.getHistogramData().getPoints())
        .singleElement()
        .satisfies(
            point ->
                assertThat(point.getAttributes().get(SemconvAttributes.ERROR_TYPE))
                    .isEqualTo(ChatSpan.CANCELLED_ERROR_TYPE));
  }

  @Test
  void a_failing_chunk_metric_reaches_neither_the_application_nor_its_stream() throws Exception {
    // The histogram of time to first chunk / per output chunk throws on every record.
    FaultyOpenTelemetry faulty =
        new FaultyOpenTelemetry(otel.getOpenTelemetry())
            .fail("DoubleHistogram.record", () -> new IllegalStateException("broken meter"));
    StreamingChatModel model =
        OllamaStreamingChatModel.builder()
            .baseUrl(ollama.baseUrl())
            .modelName("llama3")
            .timeout(Duration.ofSeconds(5))
            .listeners(
                List.of(
                    TracingChatModelListener.create(LlmTelemetry.create(faulty.openTelemetry()))))
            .build();
    RecordingHandler handler = new RecordingHandler();

    TracingStreamingChatModel.wrap(model).chat(OllamaChatListenerTest.chatRequest(), handler);

    // Every chunk reaches the application, and the stream completes without an error.
    ChatResponse response = handler.done.get(10, TimeUnit.SECONDS);
    assertThat(response.aiMessage().text())
        .startsWith("Why did the OpenTelemetry agent go to therapy?");
    assertThat(handler.chunks.get()).isGreaterThan(10);
    assertThat(otel.getSpans()).hasSize(1);
    assertThat(otel.getSpans().get(0).hasEnded()).isTrue();
  }

  private static HistogramPointData histogram(String name) {
    MetricData metric =
        otel.getMetrics().stream()
            .filter(m -> m.getName().equals(name))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no metric " + name));
    assertThat(metric.getUnit()).isEqualTo("s");
    assertThat(metric.getHistogramData().getPoints()).hasSize(1);
    return metric.getHistogramData().getPoints().iterator().next();
  }
}
