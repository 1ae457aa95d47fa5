package io.llmetry4j.springtests;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.llmetry4j.bootstrap.Llmetry;
import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.spring.LlmetryAutoConfiguration;
import io.llmetry4j.viewer.LocalViewer;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.instrumentation.spring.autoconfigure.OpenTelemetryAutoConfiguration;
import io.opentelemetry.sdk.trace.SpanProcessor;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The local trace viewer ({@code llmetry4j.viewer.enabled}) beside the OpenTelemetry Spring Boot
 * starter's SDK: the starter applies llmetry4j's {@code AutoConfigurationCustomizerProvider} bean,
 * so a span of the application reaches the viewer through the starter's one SDK.
 */
class LocalViewerUnderOpenTelemetryStarterTest {

  private final HttpClient http = HttpClient.newHttpClient();

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(
              AutoConfigurations.of(
                  OpenTelemetryAutoConfiguration.class, LlmetryAutoConfiguration.class))
          .withPropertyValues(
              "llmetry4j.viewer.enabled=true",
              // Nothing to send elsewhere: the viewer is the only destination.
              "otel.traces.exporter=none",
              "otel.metrics.exporter=none",
              "otel.logs.exporter=none");

  @AfterEach
  void resetGlobal() {
    GlobalOpenTelemetry.resetForTest();
  }

  @Test
  void the_starters_sdk_feeds_the_viewer_and_no_second_sdk_is_built() {
    AtomicReference<String> url = new AtomicReference<>();
    runner.run(
        context -> {
          assertThat(context).hasNotFailed();
          assertThat(context).doesNotHaveBean(Llmetry.class);
          assertThat(context).hasSingleBean(OpenTelemetry.class);
          // Spring Boot's route (SpanProcessor beans) is not the one taken here.
          assertThat(context.getBeansOfType(SpanProcessor.class)).isEmpty();
          url.set(context.getBean(LocalViewer.class).url());

          context.getBean(LlmTelemetry.class).workflow("starter-question").call(() -> "answer");

          assertThat(awaitTraces(url.get(), "starter-question"))
              .contains("\"rootName\":\"invoke_workflow starter-question\"");
          // Neither the starter (2.15.0) nor llmetry4j registers anything globally.
          assertThat(GlobalOpenTelemetry.getTracerProvider())
              .isIn(
                  context.getBean(OpenTelemetry.class).getTracerProvider(), TracerProvider.noop());
        });
    assertThatThrownBy(() -> get(url.get())).isInstanceOf(ConnectException.class);
  }

  /** Polls until the batch processor has delivered, unprompted, within a few seconds. */
  private String awaitTraces(String url, String workflow) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    String body;
    do {
      HttpResponse<String> response = get(url + "api/traces");
      assertThat(response.statusCode()).isEqualTo(200);
      body = response.body();
      if (body.contains("invoke_workflow " + workflow)) {
        return body;
      }
      Thread.sleep(50);
    } while (System.nanoTime() < deadline);
    return body;
  }

  private HttpResponse<String> get(String url) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
