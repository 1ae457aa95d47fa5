package io.llmetry4j.core.testing;

/** The APM token every test uses, so that one scan can prove it was never logged. */
public final class TestSecrets {
  public static final String TOKEN = "tok-7f3a9c-never-log-me";

  private TestSecrets() {}
}
