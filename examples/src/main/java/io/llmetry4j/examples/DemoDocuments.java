package io.llmetry4j.examples;

import dev.langchain4j.data.document.Document;
import dev.langchain4j.data.document.Metadata;
import dev.langchain4j.data.document.splitter.DocumentSplitters;
import dev.langchain4j.data.segment.TextSegment;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The pages bundled with the demo (src/main/resources/docs), split into segments. */
final class DemoDocuments {

  static final List<String> PAGES =
      List.of("tracing-basics.md", "rag-with-langchain4j.md", "operating-llm-services.md");

  private DemoDocuments() {}

  static List<TextSegment> segments() {
    List<TextSegment> segments = new ArrayList<>();
    for (String page : PAGES) {
      Document document = Document.from(read(page), Metadata.from("page", page));
      segments.addAll(DocumentSplitters.recursive(300, 0).split(document));
    }
    return segments;
  }

  private static String read(String page) {
    try (InputStream in = DemoDocuments.class.getResourceAsStream("/docs/" + page)) {
      if (in == null) {
        throw new IllegalStateException("demo page missing: " + page);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
