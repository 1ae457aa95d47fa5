package io.llmetry4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmetry4j.core.TokenPrices;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

  @Test
  void the_readmes_price_file_is_read_as_it_stands(@TempDir Path dir) throws IOException {
    String readme = Files.readString(MODULE.resolve("../README.md"));
    Matcher block =
        Pattern.compile("```\\n(# prices\\.properties.*?)```", Pattern.DOTALL).matcher(readme);
    assertThat(block.find()).as("the README's price file").isTrue();
    Path file = dir.resolve("prices.properties");
    Files.writeString(file, block.group(1));

    TokenPrices prices = TokenPrices.load(file);

    TokenPrices.Price price = prices.find("deepseek", "deepseek-chat", LocalDate.of(2026, 12, 3));
    assertThat(price).isNotNull();
    assertThat(price.currency().getCurrencyCode()).isEqualTo("USD");
    assertThat(price.perToken("input")).isEqualTo(0.56 / 1_000_000);
    assertThat(price.perToken("cache_read")).isEqualTo(0.07 / 1_000_000);
    assertThat(price.perToken("output")).isEqualTo(1.68 / 1_000_000);
    // Not before the date the README gives, nor for another provider's name.
    assertThat(prices.find("deepseek", "deepseek-chat", LocalDate.of(2025, 9, 4))).isNull();
    assertThat(prices.find("openai", "deepseek-chat", LocalDate.of(2026, 12, 3))).isNull();
  }

  private static Path source(String name) {
    return MODULE.resolve("src/main/java/io/llmetry4j/examples/" + name);
  }

  private static String compact(String code) {
    return code.replaceAll("\\s+", "");
  }
}
