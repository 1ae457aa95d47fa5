package io.llmetry4j.core.internal;

import javax.annotation.Nullable;

/**
 * OpenLLMetry's {@code traceloop.entity.input} / {@code traceloop.entity.output} (compat mode, with
 * content capture on): the input as {@code {"args": [...], "kwargs": {}}} and the output as a JSON
 * value, each text through the content policy (redacted, cut), so the JSON always parses.
 *
 * <p>Not public API: shared by the llmetry4j modules, may change without notice.
 */
public final class EntityJson {

  private EntityJson() {}

  /** The arguments of a call, each as its text. */
  public static String input(@Nullable Object[] args, Instrumentation instrumentation) {
    JsonWriter json = new JsonWriter(64).beginObject().name("args").beginArray();
    if (args != null) {
      // Half the span's budget for the input, shared by its arguments.
      int limit = Math.max(1, instrumentation.spanContentBudget() / 4 / Math.max(1, args.length));
      for (Object arg : args) {
        String text = arg == null ? null : instrumentation.content(String.valueOf(arg), limit);
        json.value(text);
      }
    }
    return json.endArray().name("kwargs").beginObject().endObject().endObject().toString();
  }

  /** A result, as a JSON string of its text; null when the policy drops it. */
  @Nullable
  public static String output(Object result, Instrumentation instrumentation) {
    String text =
        instrumentation.content(String.valueOf(result), instrumentation.spanContentBudget() / 4);
    return text == null ? null : JsonWriter.quote(text);
  }
}
