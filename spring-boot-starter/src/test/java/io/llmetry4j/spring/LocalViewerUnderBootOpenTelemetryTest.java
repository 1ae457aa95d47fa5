package io.llmetry4j.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmetry4j.bootstrap.Llmetry;
import io.llmetry4j.viewer.LocalViewer;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import java.util.Arrays;
import java.util.logging.Level;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.ClassUtils;

/**
 * The local trace viewer beside Spring Boot 3.5's own OpenTelemetry SDK (its real
 * auto-configuration, as with Micrometer Tracing's OpenTelemetry bridge): Boot's tracer provider
 * takes llmetry4j's {@code SpanProcessor} bean; llmetry4j builds no SDK and registers nothing. Run
 * by the pom's {@code boot-opentelemetry} execution, the only one with Boot's actuator
 * auto-configuration on the classpath (the whole-application tests would pick it up).
 */
@Tag("boot-opentelemetry")
class LocalViewerUnderBootOpenTelemetryTest extends LocalViewerScenarios {

  /**
   * Spring Boot 3.5's OpenTelemetry SDK and tracing, by name: the tests compile on Boot 4.0 too.
   */
  private static final String[] BOOTS_OPENTELEMETRY = {
    "org.springframework.boot.actuate.autoconfigure.opentelemetry.OpenTelemetryAutoConfiguration",
    "org.springframework.boot.actuate.autoconfigure.tracing.OpenTelemetryTracingAutoConfiguration"
  };

  @Override
  ApplicationContextRunner runner() {
    Class<?>[] boots =
        Arrays.stream(BOOTS_OPENTELEMETRY)
            .map(name -> ClassUtils.resolveClassName(name, null))
            .toArray(Class<?>[]::new);
    return new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(boots))
        .withConfiguration(AutoConfigurations.of(LlmetryAutoConfiguration.class))
        // Every trace sampled: Boot keeps one in ten by default.
        .withPropertyValues(
            "llmetry4j.viewer.enabled=true", "management.tracing.sampling.probability=1.0");
  }

  @Override
  String viewerUrl(AssertableApplicationContext context) {
    assertThat(context).doesNotHaveBean(Llmetry.class);
    assertThat(context).hasSingleBean(OpenTelemetry.class);
    assertThat(context.getBean("llmetryViewerSpanProcessor")).isInstanceOf(SpanProcessor.class);
    // Boot registers nothing globally, and llmetry4j registers nothing either.
    assertThat(GlobalOpenTelemetry.getTracerProvider())
        .isIn(context.getBean(OpenTelemetry.class).getTracerProvider(), TracerProvider.noop());
    return context.getBean(LocalViewer.class).url();
  }

  @Override
  void assertNoViewer(AssertableApplicationContext context) {
    assertThat(context).doesNotHaveBean(Llmetry.class);
    assertThat(context.getBeansOfType(SpanProcessor.class))
        .as("Boot's own processor only")
        .hasSize(1);
  }

  @Test
  void with_an_access_token_the_address_is_announced_without_it_and_the_api_needs_it() {
    String stderr =
        stderrOf(
            () ->
                runner()
                    .withPropertyValues("llmetry4j.viewer.access-token=" + TOKEN)
                    .run(
                        context -> {
                          assertThat(context).hasNotFailed();
                          String url = viewerUrl(context);
                          assertThat(get(url, null).statusCode()).isEqualTo(401);

                          trace(context, "guarded-question");

                          assertThat(awaitTraces(url, TOKEN, "guarded-question"))
                              .contains("invoke_workflow guarded-question");
                        }));
    assertThat(stderr).contains("(append ?token=<your token>)").doesNotContain(TOKEN);
    assertThat(messages(Level.ALL))
        .singleElement()
        .satisfies(message -> assertThat(message).doesNotContain(TOKEN));
  }

  @Configuration
  static class OwnViewer {
    @Bean(destroyMethod = "close")
    LocalViewer myViewer() {
      return LocalViewer.builder().maxTraces(10).start();
    }
  }

  @Test
  void the_applications_own_viewer_bean_is_the_one_fed() {
    runner()
        .withUserConfiguration(OwnViewer.class)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).hasSingleBean(LocalViewer.class);
              assertThat(context).hasBean("myViewer");

              trace(context, "own-viewer-question");

              assertThat(awaitTraces(viewerUrl(context), null, "own-viewer-question"))
                  .contains("invoke_workflow own-viewer-question");
            });
    assertThat(messages(Level.INFO)).as("the application announces its own").isEmpty();
  }
}
