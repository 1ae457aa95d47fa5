package io.llmetry4j.chat;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.equalTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.http.client.HttpClient;
import dev.langchain4j.http.client.HttpClientBuilder;
import dev.langchain4j.http.client.HttpRequest;
import dev.langchain4j.http.client.SuccessfulHttpResponse;
import dev.langchain4j.http.client.jdk.JdkHttpClient;
import dev.langchain4j.http.client.sse.ServerSentEvent;
import dev.langchain4j.http.client.sse.ServerSentEventContext;
import dev.langchain4j.http.client.sse.ServerSentEventListener;
import dev.langchain4j.http.client.sse.ServerSentEventParser;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.ollama.OllamaChatModel;
import dev.langchain4j.model.ollama.OllamaStreamingChatModel;
import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.core.internal.SemconvAttributes;
import io.llmetry4j.core.testing.OllamaCassettes;
import io.llmetry4j.core.testing.ReplayHttpServer;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.testing.junit5.OpenTelemetryExtension;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The chat span is the parent of the provider's HTTP request when a llmetry4j wrapper owns the
 * call. The HTTP client is LangChain4j's real JDK client, decorated the way an HTTP-client
 * instrumentation (the Java agent's, OkHttp's) works: a CLIENT span {@code POST} under whatever
 * context is current when the request is sent.
 */
class ChatHttpParentingTest {

  @RegisterExtension static final OpenTelemetryExtension otel = OpenTelemetryExtension.create();

  private final ReplayHttpServer ollama = OllamaCassettes.serveChat(ReplayHttpServer.start());
  private final Tracer appTracer = otel.getOpenTelemetry().getTracer("app");
  private final InstrumentedHttpClient.Builder http =
      new InstrumentedHttpClient.Builder(otel.getOpenTelemetry().getTracer("http-client"));

  @AfterEach
  void stop() {
    ollama.close();
  }

  private TracingChatModelListener listener() {
    return TracingChatModelListener.create(LlmTelemetry.create(otel.getOpenTelemetry()));
  }

  private ChatModel ollamaChat() {
    return OllamaChatModel.builder()
        .baseUrl(ollama.baseUrl())
        .modelName("llama3")
        .timeout(Duration.ofSeconds(10))
        .httpClientBuilder(http)
        .listeners(List.of(listener()))
        .build();
  }

  private StreamingChatModel ollamaStreaming() {
    return OllamaStreamingChatModel.builder()
        .baseUrl(ollama.baseUrl())
        .modelName("llama3")
        .timeout(Duration.ofSeconds(10))
        .httpClientBuilder(http)
        .listeners(List.of(listener()))
        .build();
  }

  @Test
  void http_span_is_a_child_of_the_chat_span_through_the_wrapper() {
    ChatModel model = TracingChatModel.wrap(ollamaChat());

    Span request = appTracer.spanBuilder("handle request").startSpan();
    try (Scope ignored = request.makeCurrent()) {
      model.chat(OllamaChatListenerTest.chatRequest());
      assertThat(Span.current()).isSameAs(request);
    } finally {
      request.end();
    }
    assertThat(Context.current()).isSameAs(Context.root());

    otel.assertTraces()
        .hasTracesSatisfyingExactly(
            trace ->
                trace.hasSpansSatisfyingExactly(
                    span -> span.hasName("handle request").hasNoParent(),
                    span ->
                        span.hasName("chat llama3")
                            .hasKind(SpanKind.CLIENT)
                            .hasParent(trace.getSpan(0)),
                    span ->
                        span.hasName("POST").hasKind(SpanKind.CLIENT).hasParent(trace.getSpan(1))));
  }

  @Test
  void string_form_of_chat_is_framed_too() {
    TracingChatModel.wrap(ollamaChat()).chat("Tell me a joke about OpenTelemetry");

    otel.assertTraces()
        .hasTracesSatisfyingExactly(
            trace ->
                trace.hasSpansSatisfyingExactly(
                    span -> span.hasName("chat llama3").hasNoParent(),
                    span -> span.hasName("POST").hasParent(trace.getSpan(0))));
  }

  @Test
  void http_span_of_a_stream_is_a_child_of_the_chat_span_through_the_decorator() throws Exception {
    StreamingChatModel model = TracingStreamingChatModel.wrap(ollamaStreaming());
    CompletableFuture<ChatResponse> done = new CompletableFuture<>();

    Span request = appTracer.spanBuilder("handle request").startSpan();
    try (Scope ignored = request.makeCurrent()) {
      model.chat(OllamaChatListenerTest.chatRequest(), completingInto(done));
      assertThat(Span.current()).isSameAs(request);
    } finally {
      request.end();
    }
    assertThat(Context.current()).isSameAs(Context.root());
    done.get(10, TimeUnit.SECONDS);
    // The HTTP span ends when the stream closes, just after the handler completed.
    awaitSpans(3);

    otel.assertTraces()
        .hasTracesSatisfyingExactly(
            trace ->
                trace.hasSpansSatisfyingExactly(
                    span -> span.hasName("handle request").hasNoParent(),
                    span ->
                        span.hasName("chat llama3")
                            .hasParent(trace.getSpan(0))
                            .hasAttribute(SemconvAttributes.GEN_AI_REQUEST_STREAM, true),
                    span -> span.hasName("POST").hasParent(trace.getSpan(1))));
  }

  @Test
  void an_error_of_the_model_ends_the_span_and_leaves_no_context_behind() {
    http.failWith(new OutOfMemoryError("simulated"));
    ChatModel model = TracingChatModel.wrap(ollamaChat());

    assertThatThrownBy(() -> model.chat(OllamaChatListenerTest.chatRequest()))
        .isInstanceOf(OutOfMemoryError.class)
        .hasMessage("simulated");
    assertThat(Context.current()).isSameAs(Context.root());

    otel.assertTraces()
        .hasTracesSatisfyingExactly(
            trace ->
                trace.hasSpansSatisfyingExactly(
                    span ->
                        span.hasName("chat llama3")
                            .hasNoParent()
                            .hasAttributesSatisfying(
                                equalTo(
                                    SemconvAttributes.ERROR_TYPE, "java.lang.OutOfMemoryError")),
                    span -> span.hasName("POST").hasParent(trace.getSpan(0))));
    assertThat(otel.getSpans())
        .filteredOn(span -> span.getName().equals("chat llama3"))
        .singleElement()
        .satisfies(
            span -> assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR));
  }

  @Test
  void an_error_of_a_streaming_model_ends_the_span_and_leaves_no_context_behind() {
    http.failWith(new StackOverflowError());
    StreamingChatModel model = TracingStreamingChatModel.wrap(ollamaStreaming());

    assertThatThrownBy(
            () ->
                model.chat(
                    OllamaChatListenerTest.chatRequest(),
                    completingInto(new CompletableFuture<>())))
        .isInstanceOf(StackOverflowError.class);
    assertThat(Context.current()).isSameAs(Context.root());

    otel.assertTraces()
        .hasTracesSatisfyingExactly(
            trace ->
                trace.hasSpansSatisfyingExactly(
                    span ->
                        span.hasName("chat llama3")
                            .hasNoParent()
                            .hasAttributesSatisfying(
                                equalTo(
                                    SemconvAttributes.ERROR_TYPE, "java.lang.StackOverflowError")),
                    span -> span.hasName("POST").hasParent(trace.getSpan(0))));
  }

  @Test
  void the_listener_alone_leaves_the_http_span_beside_the_chat_span() {
    // The documented limit: without a wrapper, nothing makes the chat span current.
    Span request = appTracer.spanBuilder("handle request").startSpan();
    try (Scope ignored = request.makeCurrent()) {
      ollamaChat().chat(OllamaChatListenerTest.chatRequest());
    } finally {
      request.end();
    }

    otel.assertTraces()
        .hasTracesSatisfyingExactly(
            trace ->
                trace.hasSpansSatisfyingExactly(
                    span -> span.hasName("handle request").hasNoParent(),
                    span -> span.hasName("chat llama3").hasParent(trace.getSpan(0)),
                    span -> span.hasName("POST").hasParent(trace.getSpan(0))));
  }

  private static void awaitSpans(int count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (otel.getSpans().size() < count && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
  }

  private static StreamingChatResponseHandler completingInto(CompletableFuture<ChatResponse> done) {
    return new StreamingChatResponseHandler() {
      @Override
      public void onPartialResponse(String partialResponse) {}

      @Override
      public void onCompleteResponse(ChatResponse response) {
        done.complete(response);
      }

      @Override
      public void onError(Throwable error) {
        done.completeExceptionally(error);
      }
    };
  }

  /**
   * LangChain4j's JDK client with a CLIENT span per request, started under the current context as
   * an HTTP-client instrumentation does, ended when the response (or the stream) is over.
   */
  static final class InstrumentedHttpClient implements HttpClient {
    private final HttpClient delegate;
    private final Tracer tracer;
    private final Error failure;

    InstrumentedHttpClient(HttpClient delegate, Tracer tracer, Error failure) {
      this.delegate = delegate;
      this.tracer = tracer;
      this.failure = failure;
    }

    private Span start() {
      return tracer.spanBuilder("POST").setSpanKind(SpanKind.CLIENT).startSpan();
    }

    @Override
    public SuccessfulHttpResponse execute(HttpRequest request) {
      Span span = start();
      try {
        if (failure != null) {
          throw failure;
        }
        return delegate.execute(request);
      } finally {
        span.end();
      }
    }

    @Override
    public void execute(
        HttpRequest request, ServerSentEventParser parser, ServerSentEventListener listener) {
      Span span = start();
      if (failure != null) {
        span.end();
        throw failure;
      }
      delegate.execute(
          request,
          parser,
          new ServerSentEventListener() {
            @Override
            public void onOpen(SuccessfulHttpResponse response) {
              listener.onOpen(response);
            }

            @Override
            public void onEvent(ServerSentEvent event, ServerSentEventContext context) {
              listener.onEvent(event, context);
            }

            @Override
            public void onEvent(ServerSentEvent event) {
              listener.onEvent(event);
            }

            @Override
            public void onError(Throwable error) {
              span.end();
              listener.onError(error);
            }

            @Override
            public void onClose() {
              span.end();
              listener.onClose();
            }
          });
    }

    static final class Builder implements HttpClientBuilder {
      private final HttpClientBuilder delegate = JdkHttpClient.builder();
      private final Tracer tracer;
      private Error failure;

      Builder(Tracer tracer) {
        this.tracer = tracer;
      }

      void failWith(Error failure) {
        this.failure = failure;
      }

      @Override
      public Duration connectTimeout() {
        return delegate.connectTimeout();
      }

      @Override
      public HttpClientBuilder connectTimeout(Duration timeout) {
        delegate.connectTimeout(timeout);
        return this;
      }

      @Override
      public Duration readTimeout() {
        return delegate.readTimeout();
      }

      @Override
      public HttpClientBuilder readTimeout(Duration timeout) {
        delegate.readTimeout(timeout);
        return this;
      }

      @Override
      public HttpClient build() {
        return new InstrumentedHttpClient(delegate.build(), tracer, failure);
      }
    }
  }
}
