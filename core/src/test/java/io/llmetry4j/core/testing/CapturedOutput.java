package io.llmetry4j.core.testing;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What this JVM logs (java.util.logging) and prints (stdout, stderr) while one test holds it open.
 * Unlike {@link SuiteOutputCapture}, which holds the whole session, it holds only what happened
 * inside the test's own window, so that an assertion on it cannot pass on another test's output.
 *
 * <p>Each log record keeps the name of the thread that logged it: OkHttp names the thread of a call
 * after its URL ({@code OkHttp http://127.0.0.1:PORT/...}), and the OTLP exporters log a failed
 * export on that thread, so a failure can be tied to one receiver's port even when exporters of
 * other tests are still retrying in the background.
 */
public final class CapturedOutput implements AutoCloseable {

  /** One java.util.logging record: the logging thread's name, level, logger and formatted text. */
  public record LogLine(String thread, Level level, String logger, String text) {}

  private final List<LogLine> logLines = new CopyOnWriteArrayList<>();
  private final StringBuffer printed = new StringBuffer();
  private final PrintStream originalOut = System.out;
  private final PrintStream originalErr = System.err;
  private final Handler handler;
  // Held strongly: java.util.logging forgets the level of a logger nobody references.
  private final Map<Logger, Level> raisedLevels = new java.util.LinkedHashMap<>();

  private CapturedOutput(String... verboseLoggers) {
    for (String name : verboseLoggers) {
      Logger logger = Logger.getLogger(name);
      raisedLevels.put(logger, logger.getLevel());
      logger.setLevel(Level.ALL);
    }
    SimpleFormatter formatter = new SimpleFormatter();
    handler =
        new Handler() {
          @Override
          public void publish(LogRecord record) {
            logLines.add(
                new LogLine(
                    Thread.currentThread().getName(),
                    record.getLevel(),
                    String.valueOf(record.getLoggerName()),
                    formatter.format(record)));
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    handler.setLevel(Level.ALL);
    Logger.getLogger("").addHandler(handler);
    System.setOut(TeeStream.of(originalOut, printed));
    System.setErr(TeeStream.of(originalErr, printed));
  }

  /** Starts capturing. */
  public static CapturedOutput start() {
    return new CapturedOutput();
  }

  /**
   * Starts capturing, with the named loggers (and their children) set to {@link Level#ALL} until
   * {@link #close()}, so that their FINE records are captured too.
   */
  public static CapturedOutput startVerbose(String... loggers) {
    return new CapturedOutput(loggers);
  }

  /** Every log record of the window, in order. */
  public List<LogLine> logLines() {
    return new ArrayList<>(logLines);
  }

  /**
   * Log records logged on an OkHttp thread calling {@code endpoint} ({@code
   * http://127.0.0.1:PORT}): what an OTLP exporter sending there logged, and no other exporter.
   */
  public static Predicate<LogLine> onCallsTo(String endpoint) {
    return line -> line.thread().contains("OkHttp " + endpoint + "/");
  }

  /** Log records whose formatted text (message, and stack trace if any) contains {@code part}. */
  public static Predicate<LogLine> containing(String part) {
    return line -> line.text().contains(part);
  }

  /** Log records whose formatted text contains a match of {@code regex}. */
  public static Predicate<LogLine> matching(String regex) {
    Pattern pattern = Pattern.compile(regex);
    return line -> pattern.matcher(line.text()).find();
  }

  public List<LogLine> logLines(Predicate<LogLine> filter) {
    return logLines.stream().filter(filter).collect(Collectors.toList());
  }

  /** Waits at most {@code timeout} for a log record matching {@code filter}; returns whether. */
  public boolean awaitLogLine(Predicate<LogLine> filter, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (logLines.stream().noneMatch(filter)) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(50); // polling a log: there is nothing to be notified by
    }
    return true;
  }

  /** The formatted log records, one after the other. */
  public String logText() {
    return logLines.stream().map(LogLine::text).collect(Collectors.joining());
  }

  /** What was written to stdout and stderr. */
  public String printed() {
    return printed.toString();
  }

  /** Log records and printed output together. */
  public String everything() {
    return logText() + printed();
  }

  /** Adds text the test produced outside the streams (an exception message, a child's output). */
  public void record(String text) {
    printed.append(text).append('\n');
  }

  @Override
  public void close() {
    System.out.flush();
    System.err.flush();
    System.setOut(originalOut);
    System.setErr(originalErr);
    Logger.getLogger("").removeHandler(handler);
    raisedLevels.forEach(Logger::setLevel);
  }
}
