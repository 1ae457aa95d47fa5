package io.llmetry4j.bootstrap;

import io.llmetry4j.core.internal.Instrumentation;
import io.opentelemetry.api.GlobalOpenTelemetry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The program {@link LifecycleTest} runs in a forked JVM (the global instance is JVM-wide): {@code
 * <scenario> <endpoint>}, printing what the test checks.
 */
public final class LifecycleChild {

  public static void main(String[] args) throws Exception {
    String scenario = args[0];
    String endpoint = args[1];
    switch (scenario) {
      case "concurrent":
        concurrent(endpoint);
        break;
      case "reinit":
        Llmetry first = Llmetry.init(config(endpoint));
        span(first, "before-close");
        first.close();
        Llmetry second = Llmetry.init(config(endpoint));
        span(second, "after-reinit");
        second.close();
        break;
      case "noop-first":
        GlobalOpenTelemetry.get(); // a library reads the global before init
        Llmetry llmetry = Llmetry.init(config(endpoint));
        span(llmetry, "after-noop");
        llmetry.close();
        break;
      default:
        throw new IllegalArgumentException(scenario);
    }
    System.out.println("child done");
  }

  private static void concurrent(String endpoint) throws Exception {
    int callers = 8;
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Llmetry>> results = new ArrayList<>();
    for (int i = 0; i < callers; i++) {
      results.add(
          pool.submit(
              () -> {
                start.await();
                return Llmetry.init(config(endpoint));
              }));
    }
    start.countDown();
    List<Llmetry> inits = new ArrayList<>();
    for (Future<Llmetry> result : results) {
      inits.add(result.get(60, TimeUnit.SECONDS)); // an exception here fails the child
    }
    pool.shutdown();
    Set<Object> providers =
        inits.stream().map(l -> l.openTelemetry().getTracerProvider()).collect(Collectors.toSet());
    System.out.println("tracerProviders=" + providers.size());
    System.out.println("exporterThreads=" + settled(1));
    for (int i = 0; i < inits.size(); i++) {
      span(inits.get(i), "concurrent-" + i);
    }
    for (Llmetry llmetry : inits) {
      llmetry.close();
    }
    System.out.println("exporterThreadsAfterClose=" + settled(0));
  }

  /**
   * The worker threads alive once they settle on {@code expected} (an SDK shut down ends its thread
   * a moment later), or after 5 s whatever their number.
   */
  private static long settled(long expected) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    long count = exporterThreads();
    while (count != expected && System.nanoTime() < deadline) {
      Thread.sleep(20);
      count = exporterThreads();
    }
    return count;
  }

  /** The batch span processors' worker threads alive: one per SDK built and not shut down. */
  private static long exporterThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith("BatchSpanProcessor"))
        .count();
  }

  private static LlmetryConfig config(String endpoint) {
    return LlmetryConfig.builder()
        .endpoint(endpoint)
        .appName("lifecycle")
        .metrics(false)
        .shutdownHook(false)
        .shutdownTimeout(Duration.ofSeconds(10))
        .build();
  }

  private static void span(Llmetry llmetry, String name) {
    Instrumentation.of(llmetry.telemetry()).tracer().spanBuilder(name).startSpan().end();
  }

  private LifecycleChild() {}
}
