package io.llmetry4j.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmetry4j.core.testing.SuiteOutputCapture;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Runs last in this module. With content capture off (the setting of every test that stored its
 * spans in the vault), no span attribute or event of the suite holds the questions, documents,
 * answers or tool arguments sent; and no log line of the suite holds the APM token or that content.
 */
@Order(Integer.MAX_VALUE)
class PrivacyScanTest {

  @Test
  void no_exported_span_holds_content_sent_with_capture_off() {
    assertThat(SpanVault.spans()).as("spans scanned").isGreaterThan(10_000);
    String spans = SpanVault.text();
    for (String secret : Secrets.CONTENT) {
      assertThat(spans).doesNotContain(secret);
    }
  }

  @Test
  void no_log_line_holds_the_token_or_content() {
    String logged = SuiteOutputCapture.everything();
    assertThat(logged).contains("Failed to export"); // the capture saw the suite's logs
    assertThat(logged).doesNotContain(Secrets.TOKEN);
    for (String secret : Secrets.CONTENT) {
      assertThat(logged).doesNotContain(secret);
    }
  }
}
