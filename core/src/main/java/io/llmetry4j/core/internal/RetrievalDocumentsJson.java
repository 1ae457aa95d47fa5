package io.llmetry4j.core.internal;

import java.util.List;
import java.util.function.Function;
import javax.annotation.Nullable;

/**
 * {@code gen_ai.retrieval.documents} as semconv 1.41.1 shapes it: {@code [{"id": ..., "score":
 * ...}]}. Items without an id or a finite score are left out.
 *
 * <p>Not public API: shared by the llmetry4j modules, may change without notice.
 */
public final class RetrievalDocumentsJson {

  private RetrievalDocumentsJson() {}

  public static <T> String of(List<T> items, Function<T, Object> id, Function<T, Number> score) {
    JsonWriter json = new JsonWriter(48 * items.size() + 2).beginArray();
    for (T item : items) {
      @Nullable Object itemId = id.apply(item);
      @Nullable Number itemScore = score.apply(item);
      // The schema requires a number: an item whose score is NaN or infinite is left out.
      if (itemId != null && itemScore != null && Double.isFinite(itemScore.doubleValue())) {
        json.beginObject().field("id", itemId.toString());
        json.name("score").value(itemScore.doubleValue());
        json.endObject();
      }
    }
    return json.endArray().toString();
  }
}
