package io.llmetry4j.agentic;

import io.llmetry4j.core.testing.OpenTelemetryVersions;
import org.junit.jupiter.api.Test;

/** This module's tests ran on the OpenTelemetry version the build asked for (see the profiles). */
class OpenTelemetryVersionTest {

  @Test
  void the_opentelemetry_artifacts_on_the_test_classpath_are_at_the_requested_version() {
    OpenTelemetryVersions.assertClasspathMatchesExpected();
  }
}
