package io.llmetry4j.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code gen_ai.retrieval.documents}: every item has the id and the numeric score the schema
 * requires.
 */
class RetrievalDocumentsJsonTest {

  @Test
  void items_whose_score_is_nan_or_infinite_are_left_out_never_written_as_null() {
    List<Object[]> items =
        List.of(
            new Object[] {"a", 0.9},
            new Object[] {"b", Double.NaN},
            new Object[] {"c", Double.POSITIVE_INFINITY},
            new Object[] {"d", null},
            new Object[] {null, 0.5},
            new Object[] {"e", 0.25f});

    String json = RetrievalDocumentsJson.of(items, item -> item[0], item -> (Number) item[1]);

    assertThat(json).isEqualTo("[{\"id\":\"a\",\"score\":0.9},{\"id\":\"e\",\"score\":0.25}]");
    assertThat(json).doesNotContain("null");
  }
}
