package io.llmetry4j.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmetry4j.core.internal.Instrumentation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code LLMETRY4J_TOKEN_PRICES}: a price file read at init, or init fails naming file and line.
 */
class TokenPricesSettingTest {

  @Test
  void the_price_file_of_the_setting_prices_calls(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("prices.properties");
    Files.writeString(
        file,
        "price.a.provider = openai\nprice.a.model = gpt-4o*\nprice.a.currency = USD\n"
            + "price.a.input = 1\nprice.a.output = 2\n");
    try (Llmetry llmetry =
        Llmetry.init(
            LlmetryConfig.builder()
                .properties(Map.of("llmetry4j.token.prices", file.toString()))
                .registerGlobal(false)
                .shutdownHook(false)
                .build())) {
      assertThat(Instrumentation.of(llmetry.telemetry()).costs().enabled()).isTrue();
    }
    try (Llmetry llmetry =
        Llmetry.init(LlmetryConfig.builder().registerGlobal(false).shutdownHook(false).build())) {
      assertThat(Instrumentation.of(llmetry.telemetry()).costs().enabled()).isFalse();
    }
  }

  @Test
  void a_bad_price_file_fails_at_init_naming_the_setting_the_file_and_the_line(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("prices.properties");
    Files.writeString(
        file,
        "# prices\nprice.a.provider = openai\nprice.a.input = free\nprice.a.model = gpt-4o\n"
            + "price.a.currency = USD\n");
    assertThatThrownBy(
            () ->
                Llmetry.init(
                    LlmetryConfig.builder()
                        .properties(Map.of("llmetry4j.token.prices", file.toString()))
                        .registerGlobal(false)
                        .shutdownHook(false)
                        .build()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("LLMETRY4J_TOKEN_PRICES: " + file + ":3: input is not a number");
    Path missing = dir.resolve("missing.properties");
    assertThatThrownBy(
            () ->
                Llmetry.init(
                    LlmetryConfig.builder()
                        .properties(Map.of("llmetry4j.token.prices", missing.toString()))
                        .registerGlobal(false)
                        .shutdownHook(false)
                        .build()))
        .hasMessage("LLMETRY4J_TOKEN_PRICES: " + missing + " cannot be read");
  }
}
