package io.llmetry4j.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmetry4j.core.testing.SuiteOutputCapture;
import io.llmetry4j.core.testing.TestSecrets;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * Runs last in the module: everything the suite logged or printed — java.util.logging, stdout,
 * stderr, exception messages and forked JVMs' output — never contains the APM token, although the
 * token was configured and exported in many tests.
 */
@Order(Integer.MAX_VALUE)
class TokenNeverLoggedTest {

  @Test
  void no_log_line_or_exception_message_of_the_suite_contains_the_token() {
    assertThat(SuiteOutputCapture.installed()).isTrue();
    String everything = SuiteOutputCapture.everything();
    // The capture really saw the suite: messages of the validation tests are in it.
    assertThat(everything).contains("appName (Tencent Cloud APM application name)");
    assertThat(everything).doesNotContain(TestSecrets.TOKEN);
  }
}
