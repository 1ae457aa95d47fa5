package io.llmetry4j.core.internal;

import static java.util.Objects.requireNonNull;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.annotation.Nullable;

/**
 * The one lifecycle of every llmetry4j span, in the shape of OpenTelemetry's {@code Instrumenter}:
 * one instance per traced operation of a wrapper, built once, told <em>what</em> to record by
 * {@link Extractor}s and optional {@link Metrics}; it alone decides <em>how</em> a span lives.
 *
 * <ul>
 *   <li>name, kind and the attributes samplers read are set before the span starts;
 *   <li>the parent is the context current where the operation starts ({@link #start(Context,
 *       Object)});
 *   <li>{@link #call} makes the span current while the wrapped work runs;
 *   <li>the span ends exactly once, for success and for every {@link Throwable} (errors and checked
 *       exceptions thrown without being declared included), which reaches the caller unchanged;
 *   <li>an error is recorded one way: {@code error.type} from {@link ErrorTypes}, status ERROR with
 *       a description, the exception recorded once; metrics are recorded in the same place;
 *   <li>nothing of the instrumentation's own escapes: a failure inside it is logged once (class and
 *       place, never a message) and the application's call goes on.
 * </ul>
 *
 * <p>Not public API: shared by the llmetry4j modules, may change without notice.
 */
public final class Operation<REQ, RES> {

  private static final Logger logger = Logger.getLogger(Operation.class.getName());

  private static final double NANOS_PER_SECOND = 1_000_000_000.0;

  /** What an operation records: attributes from its request, and from its outcome. */
  public interface Extractor<REQ, RES> {

    /** Attributes known before the span starts (samplers see them). Must not throw. */
    void onStart(SpanBuilder span, REQ request);

    /**
     * Attributes set once the span has started and is recording: for values costly to build, such
     * as captured content, which a span that is not sampled never needs.
     */
    default void onRecordingStart(Span span, REQ request) {}

    /** Attributes of the outcome: {@code response} on success, {@code error} on failure. */
    default void onEnd(Span span, REQ request, @Nullable RES response, @Nullable Throwable error) {}
  }

  /** The metrics of an operation, recorded when its span ends. */
  public interface Metrics<REQ, RES> {
    void record(
        REQ request, @Nullable RES response, @Nullable String errorType, double durationSeconds);
  }

  /** Work that may throw anything, declared or not. */
  public interface Body<T, E extends Throwable> {
    T run() throws E;
  }

  /** {@link Body} without a result. */
  public interface VoidBody<E extends Throwable> {
    void run() throws E;
  }

  private final Instrumentation instrumentation;
  private final Function<? super REQ, String> spanName;
  private final SpanKind kind;
  // An array, not a list: iterated twice per call on the hot path, without an iterator.
  private final Extractor<? super REQ, ? super RES>[] extractors;
  @Nullable private final Metrics<? super REQ, ? super RES> metrics;
  @Nullable private final Function<? super RES, String> responseErrorType;
  @Nullable private final String responseErrorDescription;
  // What a model call used, for its cost; null for operations that call no model.
  @Nullable private final BiFunction<? super REQ, ? super RES, ModelUsage> usage;
  // Whether the span carries the cost of the model calls under it (agents, workflows).
  private final boolean sumsCost;
  // Per operation instance: the first failure of each is logged, then it stays quiet.
  private final AtomicBoolean failureLogged = new AtomicBoolean();

  @SuppressWarnings("unchecked")
  private Operation(Builder<REQ, RES> builder) {
    this.instrumentation = builder.instrumentation;
    this.spanName = builder.spanName;
    this.kind = builder.kind;
    this.extractors = builder.extractors.toArray(new Extractor[0]);
    this.metrics = builder.metrics;
    this.responseErrorType = builder.responseErrorType;
    this.responseErrorDescription = builder.responseErrorDescription;
    this.usage = builder.instrumentation.costs().enabled() ? builder.usage : null;
    this.sumsCost = builder.sumsCost && builder.instrumentation.costs().enabled();
  }

  public static <REQ, RES> Builder<REQ, RES> builder(
      Instrumentation instrumentation, SpanKind kind, Function<? super REQ, String> spanName) {
    return new Builder<>(instrumentation, kind, spanName);
  }

  /** The instrumentation this operation reports to. */
  public Instrumentation instrumentation() {
    return instrumentation;
  }

  /**
   * Starts the span of {@code request} as a child of {@code parent}. Never throws: when the
   * instrumentation fails, the returned call carries an invalid span and still ends cleanly.
   */
  public Call<REQ> start(Context parent, REQ request) {
    long startNanos = System.nanoTime();
    Span span;
    try {
      SpanBuilder builder =
          instrumentation.tracer().spanBuilder(spanName.apply(request)).setSpanKind(kind);
      builder.setParent(parent);
      // Before the extractors: the span's own attributes (an agent's conversation id) win.
      instrumentation.stampFromContext(builder, parent);
      for (Extractor<? super REQ, ? super RES> extractor : extractors) {
        extractor.onStart(builder, request);
      }
      span = builder.startSpan();
    } catch (Throwable e) {
      instrumentationFailed(e);
      return new Call<>(request, Span.getInvalid(), parent, startNanos, instrumentation);
    }
    if (span.isRecording()) {
      try {
        for (Extractor<? super REQ, ? super RES> extractor : extractors) {
          extractor.onRecordingStart(span, request);
        }
      } catch (Throwable e) {
        // The span started: it stays, with what was recorded so far, and ends as usual.
        instrumentationFailed(e);
      }
    }
    Call<REQ> call = new Call<>(request, span, parent, startNanos, instrumentation);
    if (sumsCost) {
      call.costTotal = instrumentation.costs().newTotal(parent);
    }
    return call;
  }

  /** {@link #start(Context, Object)} under the current context. */
  public Call<REQ> start(REQ request) {
    return start(Context.current(), request);
  }

  /**
   * Ends {@code call}: the outcome's attributes, the error (if any) and the metrics, then the span.
   * Only the first end of a call counts. Never throws.
   */
  public void end(Call<REQ> call, @Nullable RES response, @Nullable Throwable error) {
    finish(call, response, error, null);
  }

  /**
   * Ends a call the application cancelled before its outcome: {@code error.type} is {@code
   * errorType} on the span and in the metrics, so a cancelled call never counts as a success; the
   * status stays unset, since cancelling is the application's choice, not a failure.
   */
  public void endCancelled(Call<REQ> call, String errorType) {
    finish(call, null, null, errorType);
  }

  private void finish(
      Call<REQ> call,
      @Nullable RES response,
      @Nullable Throwable error,
      @Nullable String cancelledType) {
    if (!call.markEnded()) {
      return;
    }
    Span span = call.span;
    try {
      double seconds = (System.nanoTime() - call.startNanos) / NANOS_PER_SECOND;
      // Each stage guarded on its own: an extractor that fails still leaves the error and the
      // metrics recorded, and the span ends whatever happens.
      try {
        for (Extractor<? super REQ, ? super RES> extractor : extractors) {
          extractor.onEnd(span, call.request, response, error);
        }
      } catch (Throwable e) {
        instrumentationFailed(e);
      }
      if (usage != null && response != null) {
        try {
          ModelUsage used = usage.apply(call.request, response);
          if (used != null) {
            instrumentation.costs().recordCall(span, call.parent, used);
          }
        } catch (Throwable e) {
          instrumentationFailed(e);
        }
      }
      if (call.costTotal != null) {
        try {
          Costs.recordTotal(span, call.costTotal);
        } catch (Throwable e) {
          instrumentationFailed(e);
        }
      }
      String errorType = cancelledType;
      try {
        if (cancelledType != null) {
          span.setAttribute(SemconvAttributes.ERROR_TYPE, cancelledType);
        } else {
          errorType = recordError(span, response, error);
        }
      } catch (Throwable e) {
        instrumentationFailed(e);
      }
      if (metrics != null) {
        try {
          metrics.record(call.request, response, errorType, seconds);
        } catch (Throwable e) {
          instrumentationFailed(e);
        }
      }
    } finally {
      span.end();
    }
  }

  /** The one way a span fails; returns its {@code error.type}, null when it succeeded. */
  @Nullable
  private String recordError(Span span, @Nullable RES response, @Nullable Throwable error) {
    String errorType = null;
    if (error != null) {
      errorType = ErrorTypes.of(error);
      span.setStatus(StatusCode.ERROR, ErrorTypes.description(error));
      span.setAttribute(SemconvAttributes.ERROR_TYPE, errorType);
      span.recordException(error);
    } else if (response != null && responseErrorType != null) {
      errorType = responseErrorType.apply(response);
      if (errorType != null) {
        span.setStatus(StatusCode.ERROR, responseErrorDescription);
        span.setAttribute(SemconvAttributes.ERROR_TYPE, errorType);
      }
    }
    return errorType;
  }

  /**
   * Runs {@code body} with the span of {@code request} current and returns its result; whatever it
   * throws is recorded and rethrown unchanged.
   */
  public <T extends RES, E extends Throwable> T call(REQ request, Body<T, E> body) throws E {
    return call(Context.current(), request, body);
  }

  /** {@link #call(Object, Body)} as a child of {@code parent}. */
  public <T extends RES, E extends Throwable> T call(Context parent, REQ request, Body<T, E> body)
      throws E {
    Call<REQ> call = start(parent, request);
    T result;
    try (Scope ignored = call.makeCurrent()) {
      result = body.run();
    } catch (Throwable error) {
      end(call, null, error);
      throw error;
    }
    end(call, result, null);
    return result;
  }

  /**
   * For work that returns a future of the response: the span is current while {@code body} starts
   * the work and ends when the future completes, with its result or its failure. The caller gets
   * the very future {@code body} returned (cancelling it still reaches the work); a result that is
   * not a {@link CompletionStage} ends the span at once.
   */
  @SuppressWarnings("unchecked")
  public <T, E extends Throwable> T callAsync(REQ request, Body<T, E> body) throws E {
    Call<REQ> call = start(Context.current(), request);
    T result;
    try (Scope ignored = call.makeCurrent()) {
      result = body.run();
    } catch (Throwable error) {
      end(call, null, error);
      throw error;
    }
    if (result instanceof CompletionStage) {
      try {
        ((CompletionStage<?>) result)
            .whenComplete((response, error) -> end(call, (RES) response, unwrap(error)));
      } catch (Throwable e) {
        // A stage that refuses callbacks: the caller still gets it; the span ends now.
        instrumentationFailed(e);
        end(call, null, null);
      }
    } else {
      end(call, null, null);
    }
    return result;
  }

  /** The failure a future completed with, without the wrapper futures add around it. */
  @Nullable
  private static Throwable unwrap(@Nullable Throwable error) {
    if (error instanceof CompletionException && error.getCause() != null) {
      return error.getCause();
    }
    return error;
  }

  /** {@link #call} for work without a result. */
  public <E extends Throwable> void run(REQ request, VoidBody<E> body) throws E {
    run(Context.current(), request, body);
  }

  /** {@link #run(Object, VoidBody)} as a child of {@code parent}. */
  public <E extends Throwable> void run(Context parent, REQ request, VoidBody<E> body) throws E {
    Call<REQ> call = start(parent, request);
    try (Scope ignored = call.makeCurrent()) {
      body.run();
    } catch (Throwable error) {
      end(call, null, error);
      throw error;
    }
    end(call, null, null);
  }

  /** Logs the first failure of the instrumentation itself: class and place, never a message. */
  public void instrumentationFailed(Throwable e) {
    if (failureLogged.compareAndSet(false, true)) {
      StackTraceElement[] trace = e.getStackTrace();
      logger.log(
          Level.WARNING,
          "llmetry4j: instrumentation failed with {0} at {1}; the application call is unaffected."
              + " Further failures are not logged.",
          new Object[] {e.getClass().getName(), trace.length > 0 ? trace[0] : "?"});
    }
  }

  /** One started operation: its span, its parent context, when it started. */
  public static final class Call<REQ> {
    private static final AtomicIntegerFieldUpdater<Call<?>> ENDED = newEndedUpdater();

    final REQ request;
    final Span span;
    private final Context parent;
    final long startNanos;
    private final Instrumentation instrumentation;
    // A field updater rather than an AtomicBoolean: one object less per call.
    private volatile int ended;
    // The cost of the model calls under this one, when it sums them and prices are set.
    @Nullable Costs.Total costTotal;

    Call(REQ request, Span span, Context parent, long startNanos, Instrumentation instrumentation) {
      this.request = request;
      this.span = span;
      this.parent = parent;
      this.startNanos = startNanos;
      this.instrumentation = instrumentation;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static AtomicIntegerFieldUpdater<Call<?>> newEndedUpdater() {
      return (AtomicIntegerFieldUpdater) AtomicIntegerFieldUpdater.newUpdater(Call.class, "ended");
    }

    public Span span() {
      return span;
    }

    /**
     * The context of the caller with this call's span in it; built on demand, since a span that is
     * only started and ended (a listener's) never needs one.
     */
    public Context context() {
      Context context = span.getSpanContext().isValid() ? parent.with(span) : parent;
      return Costs.withTotal(context, costTotal);
    }

    public long startNanos() {
      return startNanos;
    }

    /** Whether the call already ended: later outcomes of the same call are ignored. */
    public boolean isEnded() {
      return ended != 0;
    }

    /** Makes the span current (the host's way), for work that runs inside the operation. */
    public Scope makeCurrent() {
      return instrumentation.makeCurrent(context());
    }

    /** True for the first caller only. */
    boolean markEnded() {
      return ENDED.compareAndSet(this, 0, 1);
    }
  }

  /** Builder of {@link Operation}. */
  public static final class Builder<REQ, RES> {
    private final Instrumentation instrumentation;
    private final SpanKind kind;
    private final Function<? super REQ, String> spanName;
    private final List<Extractor<? super REQ, ? super RES>> extractors = new ArrayList<>();
    @Nullable private Metrics<? super REQ, ? super RES> metrics;
    @Nullable private Function<? super RES, String> responseErrorType;
    @Nullable private String responseErrorDescription;
    @Nullable private BiFunction<? super REQ, ? super RES, ModelUsage> usage;
    private boolean sumsCost;

    private Builder(
        Instrumentation instrumentation, SpanKind kind, Function<? super REQ, String> spanName) {
      this.instrumentation = requireNonNull(instrumentation, "instrumentation");
      this.kind = requireNonNull(kind, "kind");
      this.spanName = requireNonNull(spanName, "spanName");
    }

    public Builder<REQ, RES> addExtractor(Extractor<? super REQ, ? super RES> extractor) {
      extractors.add(requireNonNull(extractor, "extractor"));
      return this;
    }

    /**
     * Adds OpenLLMetry's attributes of this operation, when the telemetry's OpenLLMetry
     * compatibility is on (the one place it is decided); otherwise the extractor is never used.
     */
    public Builder<REQ, RES> addOpenLlmetryExtractor(
        Extractor<? super REQ, ? super RES> extractor) {
      requireNonNull(extractor, "extractor");
      if (instrumentation.openLlmetryCompat()) {
        extractors.add(extractor);
      }
      return this;
    }

    public Builder<REQ, RES> metrics(Metrics<? super REQ, ? super RES> metrics) {
      this.metrics = requireNonNull(metrics, "metrics");
      return this;
    }

    /**
     * For operations whose response can report a failure without throwing (a tool result flagged as
     * an error): the {@code error.type} of such a response, or null when it succeeded, and the
     * status description of the span then (never the response's text, which is content).
     */
    public Builder<REQ, RES> responseError(
        Function<? super RES, String> responseErrorType, String description) {
      this.responseErrorType = requireNonNull(responseErrorType, "responseErrorType");
      this.responseErrorDescription = requireNonNull(description, "description");
      return this;
    }

    /**
     * For calls to a model: the tokens a response reports, which the telemetry's token prices turn
     * into the call's cost (nothing happens without prices).
     */
    public Builder<REQ, RES> usage(BiFunction<? super REQ, ? super RES, ModelUsage> usage) {
      this.usage = requireNonNull(usage, "usage");
      return this;
    }

    /** For agents and workflows: the span carries the cost of the model calls under it. */
    public Builder<REQ, RES> sumsCost() {
      this.sumsCost = true;
      return this;
    }

    public Operation<REQ, RES> build() {
      return new Operation<>(this);
    }
  }
}
