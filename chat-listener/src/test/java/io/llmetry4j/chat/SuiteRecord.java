package io.llmetry4j.chat;

import io.llmetry4j.core.testing.SuiteOutputCapture;

/** Adds exception messages to the suite-wide output scan (content and token never in logs). */
final class SuiteRecord {
  private SuiteRecord() {}

  static void exception(Throwable thrown) {
    if (thrown != null) {
      SuiteOutputCapture.record(thrown.toString());
    }
  }
}
