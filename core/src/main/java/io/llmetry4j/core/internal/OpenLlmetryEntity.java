package io.llmetry4j.core.internal;

import static java.util.Objects.requireNonNull;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import java.util.function.Function;
import javax.annotation.Nullable;

/**
 * OpenLLMetry's entity attributes of a span, for an operation in compatibility mode: {@code
 * traceloop.span.kind} and {@code traceloop.entity.name} at the start and, with content capture on,
 * {@code traceloop.entity.input} as {@code {"args": [...], "kwargs": {}}} and {@code
 * traceloop.entity.output} as a JSON value, each text through the content policy (redacted, cut),
 * so the JSON always parses. The operation says what its kind, name, arguments and output are.
 *
 * <p>Not public API: shared by the llmetry4j modules, may change without notice.
 */
public final class OpenLlmetryEntity<REQ, RES> implements Operation.Extractor<REQ, RES> {

  private final Instrumentation instrumentation;
  private final Function<? super REQ, String> kind;
  private final Function<? super REQ, String> name;
  private final Function<? super REQ, Object[]> arguments;
  private final Function<? super RES, Object> output;

  /**
   * @param arguments the call's arguments, or null for no input attribute
   * @param output what the call produced, or null for no output attribute
   */
  public OpenLlmetryEntity(
      Instrumentation instrumentation,
      Function<? super REQ, String> kind,
      Function<? super REQ, String> name,
      Function<? super REQ, Object[]> arguments,
      Function<? super RES, Object> output) {
    this.instrumentation = requireNonNull(instrumentation, "instrumentation");
    this.kind = requireNonNull(kind, "kind");
    this.name = requireNonNull(name, "name");
    this.arguments = requireNonNull(arguments, "arguments");
    this.output = requireNonNull(output, "output");
  }

  @Override
  public void onStart(SpanBuilder span, REQ request) {
    TraceloopAttributes.entity(span, kind.apply(request), name.apply(request));
  }

  @Override
  public void onRecordingStart(Span span, REQ request) {
    if (!instrumentation.captureContent()) {
      return;
    }
    Object[] args = arguments.apply(request);
    if (args != null) {
      span.setAttribute(TraceloopAttributes.ENTITY_INPUT, input(args));
    }
  }

  @Override
  public void onEnd(Span span, REQ request, @Nullable RES response, @Nullable Throwable error) {
    if (response == null || !instrumentation.captureContent()) {
      return;
    }
    Object result = output.apply(response);
    if (result == null) {
      return;
    }
    // A JSON string of the result's text; nothing when the policy drops it.
    String text =
        instrumentation.content(String.valueOf(result), instrumentation.spanContentBudget() / 4);
    if (text != null) {
      span.setAttribute(TraceloopAttributes.ENTITY_OUTPUT, JsonWriter.quote(text));
    }
  }

  /** The arguments of a call, each as its text. */
  private String input(Object[] args) {
    JsonWriter json = new JsonWriter(64).beginObject().name("args").beginArray();
    // Half the span's budget for the input, shared by its arguments.
    int limit = Math.max(1, instrumentation.spanContentBudget() / 4 / Math.max(1, args.length));
    for (Object arg : args) {
      String text = arg == null ? null : instrumentation.content(String.valueOf(arg), limit);
      json.value(text);
    }
    return json.endArray().name("kwargs").beginObject().endObject().endObject().toString();
  }
}
