package io.llmetry4j.chat;

import static java.util.Objects.requireNonNull;

import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.response.PartialResponseContext;
import dev.langchain4j.model.chat.response.PartialThinkingContext;
import dev.langchain4j.model.chat.response.PartialToolCallContext;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import dev.langchain4j.model.chat.response.StreamingHandle;
import io.llmetry4j.core.internal.Forwarding;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.lang.reflect.Method;
import java.util.concurrent.Flow;
import javax.annotation.Nullable;

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
 *
 * <p>The decorator implements {@code StreamingChatModel} as the running LangChain4j defines it:
 * every method that takes a {@link StreamingChatResponseHandler} — {@code chat(request, handler)},
 * {@code chat(request, options, handler)} (1.13+), the {@code String} and message-list forms, and
 * any that later versions add — runs on the wrapped model with the handler wrapped; every other
 * method is the wrapped model's own. The wrapped handler, too, passes every callback (including
 * ones added after llmetry4j was built, such as {@code onUnmappedRawEvent}) to the application's.
 * The publisher forms of {@code chat} (1.20+) are traced when subscribed: the span's parent is the
 * context where {@code chat} was called, partial events are chunks, and a cancelled subscription
 * ends the span.
 */
public final class TracingStreamingChatModel {

  private TracingStreamingChatModel() {}

  public static StreamingChatModel wrap(StreamingChatModel delegate) {
    return Forwarding.wrap(
        StreamingChatModel.class,
        requireNonNull(delegate, "delegate"),
        TracingStreamingChatModel::route);
  }

  @Nullable
  private static Forwarding.Handler<StreamingChatModel> route(Method method) {
    if (method.getReturnType() == Flow.Publisher.class && method.getName().equals("chat")) {
      // The publisher forms (LangChain4j 1.20+): traced when subscribed, as the caller's call.
      return (model, self, invocation, args) -> {
        Context callerContext = Context.current();
        Object publisher = invocation.invoke(model, args);
        return publisher instanceof Flow.Publisher
            ? new TimedPublisher<>((Flow.Publisher<?>) publisher, callerContext)
            : publisher;
      };
    }
    int handlerIndex = handlerParameter(method);
    if (handlerIndex < 0) {
      return null;
    }
    return (model, self, invocation, args) -> {
      StreamingChatResponseHandler handler = (StreamingChatResponseHandler) args[handlerIndex];
      if (handler == null) {
        return invocation.invoke(model, args); // the model's own answer to a null handler
      }
      ChatCall call = new ChatCall(true);
      Context callerContext = Context.current();
      Object[] wrapped = args.clone();
      wrapped[handlerIndex] = TimedHandler.wrap(handler, call, callerContext);
      Scope scope = call.enter(callerContext);
      try {
        return invocation.invoke(model, wrapped);
      } catch (Throwable e) {
        // Thrown by chat(...) itself: ends the span where no listener did; the application gets
        // the very same throwable.
        call.onSynchronousFailure(e);
        throw e;
      } finally {
        scope.close();
      }
    };
  }

  /** The index of the method's handler parameter, or -1. */
  private static int handlerParameter(Method method) {
    Class<?>[] parameters = method.getParameterTypes();
    for (int i = 0; i < parameters.length; i++) {
      if (parameters[i] == StreamingChatResponseHandler.class) {
        return i;
      }
    }
    return -1;
  }

  /**
   * A stream of chat events (or texts) of the publisher API: LangChain4j starts the call, and calls
   * the listener's onRequest, when it is subscribed — so the subscription runs in the context of
   * the call that created the publisher (the span's parent) with the streaming marker; partial
   * events note chunk times, and a cancelled subscription ends the span (LangChain4j then calls no
   * listener).
   */
  static final class TimedPublisher<T> implements Flow.Publisher<T> {
    private final Flow.Publisher<T> delegate;
    private final Context callerContext;

    @SuppressWarnings("unchecked")
    TimedPublisher(Flow.Publisher<?> delegate, Context callerContext) {
      this.delegate = (Flow.Publisher<T>) delegate;
      this.callerContext = callerContext;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super T> subscriber) {
      if (subscriber == null) {
        delegate.subscribe(null); // the publisher's own answer to a null subscriber
        return;
      }
      ChatCall call = new ChatCall(true);
      Scope scope = call.enter(callerContext);
      try {
        delegate.subscribe(new TimedSubscriber<>(subscriber, call));
      } catch (Throwable e) {
        call.onSynchronousFailure(e);
        throw e;
      } finally {
        scope.close();
      }
    }
  }

  /** Passes every signal on; notes chunks and the subscriber's cancellation on the way. */
  private static final class TimedSubscriber<T> implements Flow.Subscriber<T> {
    private final Flow.Subscriber<? super T> delegate;
    private final ChatCall call;

    TimedSubscriber(Flow.Subscriber<? super T> delegate, ChatCall call) {
      this.delegate = delegate;
      this.call = call;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      delegate.onSubscribe(
          subscription == null
              ? null
              : new Flow.Subscription() {
                @Override
                public void request(long n) {
                  subscription.request(n);
                }

                @Override
                public void cancel() {
                  subscription.cancel();
                  call.onCancel();
                }
              });
    }

    @Override
    public void onNext(T item) {
      if (item instanceof String
          || (item != null && item.getClass().getSimpleName().startsWith("Partial"))) {
        call.onChunk();
      }
      delegate.onNext(item);
    }

    @Override
    public void onError(Throwable throwable) {
      delegate.onError(throwable);
    }

    @Override
    public void onComplete() {
      delegate.onComplete();
    }
  }

  /**
   * The application's handler, wrapped: every callback runs with the caller's context current
   * (opened and closed within the callback), so that what the application does there — an AI
   * Service executing tools and calling the model again — stays in the caller's trace; partial
   * callbacks note chunk times, and a streaming handle in their context notes cancellation.
   */
  static final class TimedHandler {
    private static final String PARTIAL = "onPartial";

    private TimedHandler() {}

    static StreamingChatResponseHandler wrap(
        StreamingChatResponseHandler handler, ChatCall call, Context callerContext) {
      return Forwarding.wrap(
          StreamingChatResponseHandler.class,
          handler,
          method -> route(method, call, callerContext));
    }

    private static Forwarding.Handler<StreamingChatResponseHandler> route(
        Method method, ChatCall call, Context callerContext) {
      boolean chunk = method.getName().startsWith(PARTIAL);
      return (handler, self, invocation, args) -> {
        if (chunk) {
          call.onChunk();
        }
        Object[] arguments = chunk ? watchHandles(args, call) : args;
        try (Scope ignored = callerContext.makeCurrent()) {
          return invocation.invoke(handler, arguments);
        }
      };
    }

    /** The partial callbacks' contexts, with a handle that notes the application's cancel. */
    private static Object[] watchHandles(Object[] args, ChatCall call) {
      if (args.length != 2 || args[1] == null) {
        return args;
      }
      Object context = args[1];
      Object watched = context;
      if (context instanceof PartialResponseContext) {
        watched =
            new PartialResponseContext(
                watch(((PartialResponseContext) context).streamingHandle(), call));
      } else if (context instanceof PartialThinkingContext) {
        watched =
            new PartialThinkingContext(
                watch(((PartialThinkingContext) context).streamingHandle(), call));
      } else if (context instanceof PartialToolCallContext) {
        watched =
            new PartialToolCallContext(
                watch(((PartialToolCallContext) context).streamingHandle(), call));
      }
      if (watched == context) {
        return args;
      }
      return new Object[] {args[0], watched};
    }

    @Nullable
    private static StreamingHandle watch(@Nullable StreamingHandle handle, ChatCall call) {
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
