package io.llmetry4j.spring;

import io.llmetry4j.core.testing.OpenTelemetryVersions;
import org.junit.jupiter.api.Test;

class OpenTelemetryVersionTest {

  @Test
  void the_opentelemetry_artifacts_on_the_test_classpath_are_at_the_requested_version() {
    OpenTelemetryVersions.assertClasspathMatchesExpected();
  }
}
