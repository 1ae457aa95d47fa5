package io.llmetry4j.core.testing;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/** Starts {@link SuiteOutputCapture} before any test runs (registered through ServiceLoader). */
public final class SuiteOutputCaptureListener implements LauncherSessionListener {
  @Override
  public void launcherSessionOpened(LauncherSession session) {
    SuiteOutputCapture.install();
  }
}
