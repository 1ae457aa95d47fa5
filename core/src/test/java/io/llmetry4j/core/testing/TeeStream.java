package io.llmetry4j.core.testing;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * A stream that prints to {@code original} and appends what it printed, line by line, to a sink.
 */
final class TeeStream {

  private TeeStream() {}

  static PrintStream of(PrintStream original, StringBuffer sink) {
    OutputStream both =
        new OutputStream() {
          private final ByteArrayOutputStream line = new ByteArrayOutputStream();

          @Override
          public synchronized void write(int b) {
            original.write(b);
            line.write(b);
            if (b == '\n') {
              drain();
            }
          }

          @Override
          public synchronized void write(byte[] b, int off, int len) {
            original.write(b, off, len);
            line.write(b, off, len);
            drain();
          }

          @Override
          public synchronized void flush() {
            original.flush();
            drain();
          }

          private void drain() {
            sink.append(line.toString(StandardCharsets.UTF_8));
            line.reset();
          }
        };
    return new PrintStream(both, true, StandardCharsets.UTF_8);
  }
}
