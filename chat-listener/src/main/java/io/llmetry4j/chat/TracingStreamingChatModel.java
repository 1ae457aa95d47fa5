package io.llmetry4j.chat;

import static java.util.Objects.requireNonNull;

import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.CompleteToolCall;
import dev.langchain4j.model.chat.response.PartialResponse;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.PartialThinking;
import dev.langchain4j.model.chat.response.PartialThinkingContext;
import dev.langchain4j.model.chat.response.PartialToolCall;
import dev.langchain4j.model.chat.response.PartialToolCallContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.chat.response.StreamingHandle;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.util.List;
import java.util.Set;

/**
 * A {@link StreamingChatModel} decorator that adds what the listener API cannot see: it marks the
 * chat span of {@link TracingChatModelListener} with {@code gen_ai.request.stream=true} and {@code
 * gen_ai.response.time_to_first_chunk}, records the {@code
 * gen_ai.client.operation.time_to_first_chunk} and {@code time_per_output_chunk} histograms, and
 * ends the span when the application cancels the stream (LangChain4j then calls no listener). The
 * handler's callbacks run with the caller's context current, so that work done in them (tool calls
 * and follow-up model calls of a streaming AI Service) joins the caller's trace.
 *
 * <p>Use it together with the listener registered on the wrapped model:
 *
 * <pre>{@code
 * StreamingChatModel model = TracingStreamingChatModel.wrap(
 *     OllamaStreamingChatModel.builder()
 *         .baseUrl(url).modelName("llama3")
 *         .listeners(List.of(TracingChatModelListener.create(telemetry)))
 *         .build());
 * }</pre>
 *
 * Without the listener the decorator passes everything through and records nothing.
 */
public final class TracingStreamingChatModel implements StreamingChatModel {

  private final StreamingChatModel delegate;

  private TracingStreamingChatModel(StreamingChatModel delegate) {
    this.delegate = requireNonNull(delegate, "delegate");
  }

  public static TracingStreamingChatModel wrap(StreamingChatModel delegate) {
    return new TracingStreamingChatModel(delegate);
  }

  @Override
  public void chat(ChatRequest request, StreamingChatResponseHandler handler) {
    StreamingCall call = new StreamingCall();
    Context callerContext = Context.current();
    // Current only while the delegate runs onRequest on this thread; never outlives this call.
    try (Scope ignored = call.storeIn(callerContext).makeCurrent()) {
      delegate.chat(request, new ChunkTimingHandler(handler, call, callerContext));
    }
  }

  @Override
  public void doChat(ChatRequest request, StreamingChatResponseHandler handler) {
    delegate.doChat(request, handler);
  }

  @Override
  public ChatRequestParameters defaultRequestParameters() {
    return delegate.defaultRequestParameters();
  }

  @Override
  public List<ChatModelListener> listeners() {
    return delegate.listeners();
  }

  @Override
  public ModelProvider provider() {
    return delegate.provider();
  }

  @Override
  public Set<Capability> supportedCapabilities() {
    return delegate.supportedCapabilities();
  }

  /**
   * Forwards every callback unchanged, noting chunk times and cancellation on the way. Callbacks
   * run on HTTP client threads; each runs with the caller's context current (opened and closed
   * within the callback), so that what the application does there — an AI Service executing tools
   * and calling the model again — stays in the caller's trace.
   */
  private static final class ChunkTimingHandler implements StreamingChatResponseHandler {
    private final StreamingChatResponseHandler delegate;
    private final StreamingCall call;
    private final Context callerContext;

    ChunkTimingHandler(
        StreamingChatResponseHandler delegate, StreamingCall call, Context callerContext) {
      this.delegate = delegate;
      this.call = call;
      this.callerContext = callerContext;
    }

    @Override
    public void onPartialResponse(String partialResponse) {
      call.onChunk();
      try (Scope ignored = callerContext.makeCurrent()) {
        delegate.onPartialResponse(partialResponse);
      }
    }

    @Override
    public void onPartialResponse(PartialResponse partialResponse, PartialResponseContext context) {
      call.onChunk();
      try (Scope ignored = callerContext.makeCurrent()) {
        delegate.onPartialResponse(
            partialResponse, new PartialResponseContext(watch(context.streamingHandle())));
      }
    }

    @Override
    public void onPartialThinking(PartialThinking partialThinking) {
      call.onChunk();
      try (Scope ignored = callerContext.makeCurrent()) {
        delegate.onPartialThinking(partialThinking);
      }
    }

    @Override
    public void onPartialThinking(PartialThinking partialThinking, PartialThinkingContext context) {
      call.onChunk();
      try (Scope ignored = callerContext.makeCurrent()) {
        delegate.onPartialThinking(
            partialThinking, new PartialThinkingContext(watch(context.streamingHandle())));
      }
    }

    @Override
    public void onPartialToolCall(PartialToolCall partialToolCall) {
      call.onChunk();
      try (Scope ignored = callerContext.makeCurrent()) {
        delegate.onPartialToolCall(partialToolCall);
      }
    }

    @Override
    public void onPartialToolCall(PartialToolCall partialToolCall, PartialToolCallContext context) {
      call.onChunk();
      try (Scope ignored = callerContext.makeCurrent()) {
        delegate.onPartialToolCall(
            partialToolCall, new PartialToolCallContext(watch(context.streamingHandle())));
      }
    }

    @Override
    public void onCompleteToolCall(CompleteToolCall completeToolCall) {
      try (Scope ignored = callerContext.makeCurrent()) {
        delegate.onCompleteToolCall(completeToolCall);
      }
    }

    @Override
    public void onCompleteResponse(ChatResponse completeResponse) {
      try (Scope ignored = callerContext.makeCurrent()) {
        delegate.onCompleteResponse(completeResponse);
      }
    }

    @Override
    public void onError(Throwable error) {
      try (Scope ignored = callerContext.makeCurrent()) {
        delegate.onError(error);
      }
    }

    private StreamingHandle watch(StreamingHandle handle) {
      if (handle == null) {
        return null;
      }
      return new StreamingHandle() {
        @Override
        public void cancel() {
          handle.cancel();
          call.onCancel();
        }

        @Override
        public boolean isCancelled() {
          return handle.isCancelled();
        }
      };
    }
  }
}
