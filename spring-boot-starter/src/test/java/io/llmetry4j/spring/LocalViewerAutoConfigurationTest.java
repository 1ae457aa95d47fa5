package io.llmetry4j.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmetry4j.bootstrap.Llmetry;
import io.llmetry4j.viewer.LocalViewer;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The local trace viewer beside llmetry4j's own SDK (no {@code OpenTelemetry} bean): the bootstrap
 * starts it. And where it cannot be started — beside an instance registered globally as an agent
 * leaves it, or beside an {@code OpenTelemetry} bean of the application's own — one warning.
 */
class LocalViewerAutoConfigurationTest extends LocalViewerScenarios {

  @Override
  ApplicationContextRunner runner() {
    return new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(LlmetryAutoConfiguration.class))
        .withPropertyValues("llmetry4j.viewer.enabled=true");
  }

  @Override
  String viewerUrl(AssertableApplicationContext context) {
    // The bootstrap's viewer: no bean of the starter's own.
    assertThat(context).doesNotHaveBean(LocalViewer.class);
    return context.getBean(Llmetry.class).viewerUrl().orElseThrow();
  }

  @Override
  void assertNoViewer(AssertableApplicationContext context) {
    assertThat(context.getBean(Llmetry.class).viewerUrl()).isEmpty();
  }

  @Configuration
  static class ApplicationsOpenTelemetry {
    @Bean
    OpenTelemetry openTelemetry() {
      return OpenTelemetrySdk.builder().build();
    }
  }

  @Test
  void beside_an_opentelemetry_llmetry4j_cannot_add_to_one_warning_says_so_and_nothing_starts() {
    runner()
        .withUserConfiguration(ApplicationsOpenTelemetry.class)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).doesNotHaveBean(LocalViewer.class);
              assertThat(context).doesNotHaveBean(Llmetry.class);
            });
    assertThat(messages(Level.WARNING))
        .singleElement()
        .satisfies(
            warning ->
                assertThat(warning)
                    .startsWith("llmetry4j.viewer.enabled is true, but the application's")
                    .contains("java -jar llmetry4j-viewer-<version>-standalone.jar")
                    .contains("OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318")
                    .contains("OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf"));
    assertThat(messages(Level.INFO)).noneMatch(message -> message.startsWith("llmetry4j viewer:"));
  }

  @Test
  void beside_an_agents_global_instance_one_warning_says_so_and_nothing_starts() {
    // The starter's warning: before OpenTelemetry 1.57 (no GlobalOpenTelemetry.isSet) the
    // bootstrap finds the agent only after building its SDK, and then warns as well.
    try (OpenTelemetrySdk agents = OpenTelemetrySdk.builder().build()) {
      // What an agent does before the application starts.
      GlobalOpenTelemetry.set(agents);
      runner()
          .run(
              context -> {
                assertThat(context).hasNotFailed();
                assertThat(context.getBean(Llmetry.class).viewerUrl()).isEmpty();
                assertThat(context).doesNotHaveBean(LocalViewer.class);
              });
    }
    assertThat(messages(Level.WARNING))
        .singleElement()
        .satisfies(
            warning ->
                assertThat(warning)
                    .startsWith("llmetry4j.viewer.enabled is true, but an OpenTelemetry instance")
                    .contains("java -jar llmetry4j-viewer-<version>-standalone.jar")
                    .contains("OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318"));
    assertThat(messages(Level.INFO)).noneMatch(message -> message.startsWith("llmetry4j viewer:"));
  }
}
