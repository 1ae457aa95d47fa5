package io.llmetry4j.spring;

import io.llmetry4j.viewer.LocalViewer;
import io.opentelemetry.sdk.autoconfigure.spi.AutoConfigurationCustomizerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import java.io.UncheckedIOException;
import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

/**
 * The local trace viewer beside an SDK that Spring Boot or the OpenTelemetry Spring Boot starter
 * owns: a {@link LocalViewer} bean, and a batch span processor over its exporter that the host's
 * tracer provider takes — Spring Boot's (3.5 and 4.0) adds every {@code SpanProcessor} bean, the
 * starter's applies every {@code AutoConfigurationCustomizerProvider} bean. No second SDK, nothing
 * registered globally. The one class that names the viewer's: loaded only when {@code
 * llmetry4j-viewer} is present.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(name = ViewerSettings.VIEWER_CLASS)
@Conditional(ViewerBesideHostSdk.OnHostSdk.class)
class ViewerBesideHostSdk {

  /** Spring Boot 3.5's and 4.0's bean of every {@code SpanProcessor} bean, for its provider. */
  static final String BOOT_3_SPAN_PROCESSORS =
      "org.springframework.boot.actuate.autoconfigure.tracing.SpanProcessors";

  static final String BOOT_4_SPAN_PROCESSORS =
      "org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.SpanProcessors";

  /** The OpenTelemetry starter's configuration, and the SDK it builds through autoconfiguration. */
  static final String OPENTELEMETRY_STARTER =
      "io.opentelemetry.instrumentation.spring.autoconfigure.OpenTelemetryAutoConfiguration";

  static final String AUTOCONFIGURED_SDK =
      "io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk";

  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  LocalViewer llmetryLocalViewer(ViewerSettings settings) {
    LocalViewer.Builder builder =
        LocalViewer.builder()
            .host(settings.host)
            .port(settings.port)
            .maxTraces(settings.maxTraces)
            .maxBytes(settings.maxBytes);
    if (settings.accessToken != null) {
      builder.accessToken(settings.accessToken);
    }
    LocalViewer viewer;
    try {
      viewer = builder.start();
    } catch (UncheckedIOException e) {
      throw new IllegalArgumentException(
          ViewerSettings.PORT + ": the viewer's port cannot be bound (in use?)", e);
    }
    settings.announce(viewer.url(), true);
    return viewer;
  }

  /** Spring Boot's tracer provider takes it with the other {@code SpanProcessor} beans. */
  @Bean
  @Conditional(OnBootSdk.class)
  SpanProcessor llmetryViewerSpanProcessor(LocalViewer viewer) {
    return spanProcessor(viewer);
  }

  /**
   * The OpenTelemetry starter builds its SDK through OpenTelemetry's autoconfiguration, with the
   * customizer providers found among the context's beans as well as by service loading.
   */
  @Bean
  @ConditionalOnClass(name = OPENTELEMETRY_STARTER)
  @ConditionalOnBean(type = AUTOCONFIGURED_SDK)
  AutoConfigurationCustomizerProvider llmetryViewerCustomizer(LocalViewer viewer) {
    return customizer ->
        customizer.addTracerProviderCustomizer(
            (tracerProvider, config) -> tracerProvider.addSpanProcessor(spanProcessor(viewer)));
  }

  /** Batched, so that the application never waits for the viewer; the SDK shuts it down. */
  private static SpanProcessor spanProcessor(LocalViewer viewer) {
    return BatchSpanProcessor.builder(viewer.spanExporter())
        .setScheduleDelay(ViewerSettings.EXPORT_DELAY)
        .build();
  }

  /** Spring Boot's OpenTelemetry tracing (3.5 or 4.0) builds the tracer provider. */
  static final class OnBootSdk extends AnyNestedCondition {
    OnBootSdk() {
      super(ConfigurationPhase.REGISTER_BEAN);
    }

    @ConditionalOnBean(type = BOOT_3_SPAN_PROCESSORS)
    static final class Boot3 {}

    @ConditionalOnBean(type = BOOT_4_SPAN_PROCESSORS)
    static final class Boot4 {}
  }

  /** Spring Boot's tracing or the OpenTelemetry starter builds the tracer provider. */
  static final class OnHostSdk extends AnyNestedCondition {
    OnHostSdk() {
      super(ConfigurationPhase.REGISTER_BEAN);
    }

    @Conditional(OnBootSdk.class)
    static final class Boot {}

    @ConditionalOnClass(name = OPENTELEMETRY_STARTER)
    @ConditionalOnBean(type = AUTOCONFIGURED_SDK)
    static final class OpenTelemetryStarter {}
  }
}
