package io.llmetry4j.core.testing;

import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Everything the test JVM logs or prints, from the start of the test session: java.util.logging
 * records (the SDK's and llmetry4j's), stdout, stderr, plus what tests add (exception messages,
 * output of forked JVMs). Installed by {@link SuiteOutputCaptureListener}.
 */
public final class SuiteOutputCapture {

  private static final StringBuffer captured = new StringBuffer();
  private static final StringBuffer logRecords = new StringBuffer();
  private static volatile boolean installed;

  private SuiteOutputCapture() {}

  static synchronized void install() {
    if (installed) {
      return;
    }
    installed = true;
    System.setOut(TeeStream.of(System.out, captured));
    System.setErr(TeeStream.of(System.err, captured));
    Handler handler =
        new Handler() {
          private final SimpleFormatter formatter = new SimpleFormatter();

          @Override
          public void publish(LogRecord record) {
            String text = formatter.format(record);
            captured.append(text);
            logRecords.append(text);
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    handler.setLevel(Level.ALL);
    Logger.getLogger("").addHandler(handler);
    Logger.getLogger("io.llmetry4j").setLevel(Level.ALL);
  }

  public static boolean installed() {
    return installed;
  }

  /** Adds text the suite produced outside this JVM's streams (exception messages, child output). */
  public static void record(String text) {
    captured.append(text).append('\n');
  }

  /** The java.util.logging records only (stderr, where a console handler repeats them, aside). */
  public static String logRecords() {
    return logRecords.toString();
  }

  public static String everything() {
    return captured.toString();
  }

  /**
   * Everything captured, for a scan that must prove it scanned something: fails unless the capture
   * is installed and holds {@code marker}, a line the scanning test itself produced. Run alone, the
   * scan covers that test's own output; run last in its module, everything the module produced.
   */
  public static String everythingIncluding(String marker) {
    if (!installed) {
      throw new AssertionError("the suite output capture is not installed: nothing to scan");
    }
    String text = captured.toString();
    if (!text.contains(marker)) {
      throw new AssertionError("the suite output capture lacks this test's own line: " + marker);
    }
    return text;
  }
}
