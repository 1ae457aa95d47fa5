package io.llmetry4j.reliability;

import io.llmetry4j.bootstrap.Llmetry;
import io.llmetry4j.bootstrap.LlmetryConfig;
import io.llmetry4j.core.internal.Instrumentation;
import io.opentelemetry.api.trace.Tracer;
import java.time.Duration;

/**
 * The program {@link ShutdownTest} forks: finishes {@code count} spans, prints "finished", then
 * closes llmetry4j ({@code close}) or just returns and leaves it to the shutdown hook ({@code
 * hook}). Args: endpoint, close|hook, shutdown timeout in ms, count.
 */
public final class ShutdownChild {

  public static void main(String[] args) {
    Llmetry llmetry =
        Llmetry.init(
            LlmetryConfig.tencentApm(args[0], Secrets.TOKEN, "shutdown-child")
                .metrics(false)
                .shutdownTimeout(Duration.ofMillis(Long.parseLong(args[2])))
                .build());
    Tracer tracer = Instrumentation.of(llmetry.telemetry()).tracer();
    int count = Integer.parseInt(args[3]);
    for (int i = 0; i < count; i++) {
      tracer.spanBuilder("span " + i).startSpan().end();
    }
    System.out.println("finished");
    System.out.flush();
    if (args[1].equals("close")) {
      llmetry.close();
    }
  }

  private ShutdownChild() {}
}
