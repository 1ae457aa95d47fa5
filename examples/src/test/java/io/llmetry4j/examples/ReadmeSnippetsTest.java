package io.llmetry4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every ```java block of the README and of {@code docs/} is code that compiles: it stands in these
 * sources.
 */
class ReadmeSnippetsTest {

  private static final Path MODULE = Path.of(System.getProperty("user.dir"));

  @Test
  void every_java_block_of_the_readme_and_the_docs_is_compiled_example_code() throws IOException {
    StringBuilder readme = new StringBuilder(Files.readString(MODULE.resolve("../README.md")));
    try (var docs = Files.list(MODULE.resolve("../docs"))) {
      for (Path doc : docs.filter(p -> p.toString().endsWith(".md")).sorted().toList()) {
        readme.append('\n').append(Files.readString(doc));
      }
    }
    String sources =
        compact(Files.readString(source("ReadmeSnippets.java")))
            + compact(Files.readString(source("QuickStart.java")));
    List<String> blocks = new ArrayList<>();
    Matcher matcher = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL).matcher(readme);
    while (matcher.find()) {
      blocks.add(matcher.group(1));
    }

    assertThat(blocks).hasSizeGreaterThanOrEqualTo(11);
    for (String block : blocks) {
      assertThat(sources).as("README block:%n%s", block).contains(compact(block));
    }
  }

  private static Path source(String name) {
    return MODULE.resolve("src/main/java/io/llmetry4j/examples/" + name);
  }

  private static String compact(String code) {
    return code.replaceAll("\\s+", "");
  }
}
