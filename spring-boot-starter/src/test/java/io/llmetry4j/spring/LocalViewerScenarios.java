package io.llmetry4j.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.viewer.LocalViewer;
import io.opentelemetry.api.GlobalOpenTelemetry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import javax.annotation.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The local trace viewer's scenarios ({@code llmetry4j.viewer.*}), run in real application contexts
 * under each SDK that can take it (one subclass per wiring): a span of the application read back
 * through the viewer's HTTP API, the address announced once, bad settings failing start-up by name,
 * the viewer stopped with the context.
 */
abstract class LocalViewerScenarios {

  static final String TOKEN = "viewer-tok-7c1e-not-for-logs";
  private static final Duration DELIVERY = Duration.ofSeconds(10);

  private final HttpClient http = HttpClient.newHttpClient();
  // Held: java.util.logging keeps loggers weakly, and the handler must stay attached.
  private final Logger starterLogger = Logger.getLogger(LlmetryAutoConfiguration.class.getName());
  private final List<LogRecord> logged = new ArrayList<>();
  private final Handler capture =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          synchronized (logged) {
            logged.add(record);
          }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  /** The wiring, the viewer on. */
  abstract ApplicationContextRunner runner();

  /** The page's address in a context of {@link #runner()}. */
  abstract String viewerUrl(AssertableApplicationContext context);

  @BeforeEach
  void captureLogs() {
    starterLogger.addHandler(capture);
  }

  @AfterEach
  void release() {
    starterLogger.removeHandler(capture);
    GlobalOpenTelemetry.resetForTest();
  }

  @Test
  void the_viewer_is_off_by_default() {
    // The runner's switch turned back: what an application without the property gets.
    runner()
        .withPropertyValues("llmetry4j.viewer.enabled=false")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).doesNotHaveBean(LocalViewer.class);
              assertThat(context).doesNotHaveBean(ViewerSettings.class);
              assertThat(context).doesNotHaveBean("llmetryViewerSpanProcessor");
              assertThat(context).doesNotHaveBean("llmetryViewerCustomizer");
              assertNoViewer(context);
            });
    assertThat(messages(Level.ALL)).noneMatch(message -> message.contains("viewer"));
  }

  /** No viewer is serving in {@code context}, whoever would have started it. */
  abstract void assertNoViewer(AssertableApplicationContext context);

  @Test
  void a_span_of_the_application_reaches_the_viewer_and_the_address_is_announced_once() {
    String stderr =
        stderrOf(
            () ->
                runner()
                    .run(
                        context -> {
                          assertThat(context).hasNotFailed();
                          String url = viewerUrl(context);
                          assertThat(url).startsWith("http://127.0.0.1:");

                          trace(context, "what-is-a-span");

                          assertThat(awaitTraces(url, null, "what-is-a-span"))
                              .contains("\"rootName\":\"invoke_workflow what-is-a-span\"");
                          assertThat(messages(Level.INFO))
                              .containsExactly("llmetry4j viewer: " + url);
                        }));
    assertThat(stderr).containsOnlyOnce("llmetry4j viewer: http://127.0.0.1:");
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource({
    "llmetry4j.viewer.port, abc-not-a-port",
    "llmetry4j.viewer.port, 70000",
    "llmetry4j.viewer.port, -80808",
    "llmetry4j.viewer.max-traces, -31415",
    "llmetry4j.viewer.max-traces, many-traces",
    "llmetry4j.viewer.max-bytes, 999B",
    "llmetry4j.viewer.max-bytes, lots-of-bytes",
    "llmetry4j.viewer.access-token, short-s3cret",
    "llmetry4j.viewer.host, 192.0.2.7"
  })
  void a_bad_value_fails_start_up_naming_the_property_never_the_value(
      String property, String value) {
    runner()
        .withPropertyValues(property + "=" + value)
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(stackTrace(context.getStartupFailure()))
                  .contains(property)
                  .doesNotContain(value);
            });
  }

  @Test
  void a_port_in_use_fails_start_up_naming_the_property() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      runner()
          .withPropertyValues("llmetry4j.viewer.port=" + taken.getLocalPort())
          .run(
              context -> {
                assertThat(context).hasFailed();
                assertThat(stackTrace(context.getStartupFailure()))
                    .contains("llmetry4j.viewer.port: the viewer's port cannot be bound");
              });
    }
  }

  @Test
  void without_llmetry4j_viewer_on_the_classpath_start_up_fails_naming_the_switch() {
    runner()
        .withClassLoader(new FilteredClassLoader("io.llmetry4j.viewer."))
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(stackTrace(context.getStartupFailure()))
                  .contains(
                      "llmetry4j.viewer.enabled is true, but io.llmetry4j:llmetry4j-viewer is not"
                          + " on the classpath");
            });
  }

  @Test
  void closing_the_context_stops_the_viewer() throws Exception {
    AtomicReference<String> url = new AtomicReference<>();
    runner()
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              url.set(viewerUrl(context));
              assertThat(get(url.get(), null).statusCode()).isEqualTo(200);
            });
    assertThatThrownBy(() -> get(url.get(), null)).isInstanceOf(ConnectException.class);
  }

  /** One workflow through the context's telemetry: one trace. */
  static void trace(AssertableApplicationContext context, String workflow) throws Exception {
    context.getBean(LlmTelemetry.class).workflow(workflow).call(() -> "answer");
  }

  /**
   * {@code GET {url}api/traces} until the workflow's trace is listed: nothing flushes, the viewer's
   * batch processor delivers on its own within a fraction of a second.
   */
  String awaitTraces(String url, @Nullable String token, String workflow) throws Exception {
    long deadline = System.nanoTime() + DELIVERY.toNanos();
    String body;
    do {
      HttpResponse<String> response = get(url + "api/traces", token);
      assertThat(response.statusCode()).isEqualTo(200);
      body = response.body();
      if (body.contains("invoke_workflow " + workflow)) {
        return body;
      }
      Thread.sleep(50);
    } while (System.nanoTime() < deadline);
    return body;
  }

  HttpResponse<String> get(String url, @Nullable String token)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  /** What the starter logged at {@code level} or above. */
  List<String> messages(Level level) {
    synchronized (logged) {
      return logged.stream()
          .filter(record -> record.getLevel().intValue() >= level.intValue())
          .map(LogRecord::getMessage)
          .toList();
    }
  }

  static String stderrOf(Runnable action) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream original = System.err;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      action.run();
    } finally {
      System.setErr(original);
    }
    return err.toString(StandardCharsets.UTF_8);
  }

  static String stackTrace(Throwable failure) {
    StringWriter out = new StringWriter();
    failure.printStackTrace(new PrintWriter(out));
    return out.toString();
  }
}
