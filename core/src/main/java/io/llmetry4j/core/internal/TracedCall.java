package io.llmetry4j.core.internal;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.annotation.Nullable;

/**
 * The one template of every llmetry4j decorator: the span is current while the delegate runs (so
 * that what the delegate does nests under it), a delegate exception is recorded and rethrown
 * unchanged, the span always ends, and nothing of the instrumentation's own ever escapes.
 *
 * <p>Not public API: shared by the llmetry4j modules, may change without notice.
 */
public final class TracedCall {

  private static final Logger logger = Logger.getLogger(TracedCall.class.getName());

  // Per decorator instance: the first failure of each is logged, then it stays quiet.
  private final AtomicBoolean failureLogged = new AtomicBoolean();

  /**
   * Runs {@code body} with {@code span} current; on success passes the result to {@code onResult}
   * (whose failures are swallowed), then ends the span.
   */
  public <T> T call(Span span, Supplier<T> body, @Nullable BiConsumer<Span, ? super T> onResult) {
    T result;
    try (Scope ignored = span.makeCurrent()) {
      result = body.get();
    } catch (RuntimeException | Error e) {
      endWithError(span, e);
      throw e;
    }
    if (onResult != null) {
      try {
        onResult.accept(span, result);
      } catch (RuntimeException | LinkageError e) {
        instrumentationFailed(e);
      }
    }
    span.end();
    return result;
  }

  /** {@link #call} for a delegate method returning nothing. */
  public void run(Span span, Runnable body) {
    try (Scope ignored = span.makeCurrent()) {
      body.run();
    } catch (RuntimeException | Error e) {
      endWithError(span, e);
      throw e;
    }
    span.end();
  }

  /** Status ERROR with the message, {@code error.type}, the exception event; then ends. */
  public void endWithError(Span span, Throwable error) {
    try {
      recordError(span, error, error.getClass().getName());
    } catch (RuntimeException | LinkageError e) {
      instrumentationFailed(e);
    } finally {
      span.end();
    }
  }

  /**
   * Marks {@code span} failed the one way every llmetry4j span is: status ERROR with the
   * exception's message, {@code error.type}, the exception recorded once. Does not end it.
   */
  public static void recordError(Span span, Throwable error, String errorType) {
    span.setStatus(StatusCode.ERROR, String.valueOf(error.getMessage()));
    span.setAttribute(SemconvAttributes.ERROR_TYPE, errorType);
    span.recordException(error);
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
}
