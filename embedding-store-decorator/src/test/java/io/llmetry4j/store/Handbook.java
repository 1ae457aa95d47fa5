package io.llmetry4j.store;

import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.segment.TextSegment;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The test document of the core test jar, one segment per line, with a topic metadata key. */
final class Handbook {
  private Handbook() {}

  static List<TextSegment> segments() {
    try (InputStream in =
        Handbook.class.getResourceAsStream("/documents/observability-handbook.txt")) {
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      List<TextSegment> segments = new ArrayList<>();
      int line = 0;
      for (String sentence : text.split("\n")) {
        if (!sentence.isBlank()) {
          segments.add(
              TextSegment.from(
                  sentence.strip(),
                  new Metadata().put("line", line).put("topic", line < 25 ? "tracing" : "rag")));
          line++;
        }
      }
      return segments;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
