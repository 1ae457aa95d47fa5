package io.llmetry4j.spring;

import dev.langchain4j.model.chat.listener.ChatModelListener;
import io.llmetry4j.agentic.AgenticTracing;
import io.llmetry4j.bootstrap.Llmetry;
import io.llmetry4j.bootstrap.LlmetryConfig;
import io.llmetry4j.chat.TracingChatModelListener;
import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.core.internal.TokenPriceFiles;
import io.opentelemetry.api.OpenTelemetry;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import javax.annotation.Nullable;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;
import org.springframework.util.ClassUtils;

/**
 * Traces a LangChain4j application on Spring Boot with no code: {@link LlmTelemetry} over the
 * application's {@code OpenTelemetry} bean (its own SDK, the OpenTelemetry Spring Boot starter,
 * Micrometer's OpenTelemetry bridge), else over an attached agent's, else over an SDK started from
 * the {@code otel.*} and {@code llmetry4j.*} properties and closed with the context; the chat
 * listener that LangChain4j's starters give to the models they create; and the application's
 * embedding model, store, retriever, streaming model, scoring model, retrieval augmentor, web
 * search engine and AI Service beans wrapped (see {@link LlmetryBeanPostProcessor}). Every bean
 * yields to one the application defines; {@code llmetry4j.enabled=false} turns everything off.
 */
// After every auto-configuration that may define the application's OpenTelemetry (Spring Boot 3.5's
// and 4.0's, the OpenTelemetry Spring Boot starter's) and Micrometer's tracer, so that the
// conditions below see them: without this order llmetry4j would build a second SDK.
@AutoConfiguration(
    afterName = {
      "org.springframework.boot.actuate.autoconfigure.opentelemetry.OpenTelemetryAutoConfiguration",
      "org.springframework.boot.actuate.autoconfigure.tracing.OpenTelemetryTracingAutoConfiguration",
      "org.springframework.boot.actuate.autoconfigure.tracing.MicrometerTracingAutoConfiguration",
      "org.springframework.boot.opentelemetry.autoconfigure.OpenTelemetrySdkAutoConfiguration",
      "org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure"
          + ".OpenTelemetryTracingAutoConfiguration",
      "org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration",
      "io.opentelemetry.instrumentation.spring.autoconfigure.OpenTelemetryAutoConfiguration"
    })
@ConditionalOnClass({LlmTelemetry.class, ChatModelListener.class})
@ConditionalOnProperty(
    prefix = "llmetry4j",
    name = "enabled",
    havingValue = "true",
    matchIfMissing = true)
@EnableConfigurationProperties(LlmetryProperties.class)
public class LlmetryAutoConfiguration {

  static final String MAX_CONTENT_LENGTH = "llmetry4j.max-content-length";
  static final String TOKEN_PRICES = "llmetry4j.token-prices";

  /**
   * The OpenTelemetry SDK, for an application that has no {@code OpenTelemetry} bean: an attached
   * agent's instance when there is one, else an SDK built from the properties (flushed and shut
   * down with the context), with the local trace viewer beside it when {@code
   * llmetry4j.viewer.enabled}.
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean({OpenTelemetry.class, LlmTelemetry.class, Llmetry.class})
  public Llmetry llmetry(
      LlmetryProperties properties,
      Environment environment,
      ObjectProvider<ViewerSettings> viewerSettings) {
    ViewerSettings viewer = viewerSettings.getIfAvailable();
    Llmetry llmetry;
    try {
      llmetry = Llmetry.init(config(properties, environment, viewer));
    } catch (IllegalArgumentException e) {
      // The bootstrap names the environment variable; here the property is the setting.
      String message = e.getMessage();
      if (viewer != null && message != null && message.startsWith("LLMETRY4J_VIEWER_PORT")) {
        throw new IllegalArgumentException(
            ViewerSettings.PORT + ": the viewer's port cannot be bound (in use?)", e);
      }
      throw e;
    }
    if (viewer != null) {
      if (llmetry.viewerUrl().isPresent()) {
        // The bootstrap has printed it on stderr.
        viewer.announce(llmetry.viewerUrl().get(), false);
      } else {
        // Llmetry.init reused an instance registered before it, which it adds nothing to.
        ViewerSettings.warnNotStarted(
            "an OpenTelemetry instance is already registered globally (e.g. by a Java agent)");
      }
    }
    return llmetry;
  }

  @Bean
  @ConditionalOnMissingBean
  public LlmTelemetry llmTelemetry(
      LlmetryProperties properties,
      ObjectProvider<OpenTelemetry> openTelemetry,
      ObjectProvider<Llmetry> llmetry,
      ObjectProvider<HostIntegration> integrations,
      Environment environment) {
    OpenTelemetry applications = openTelemetry.getIfUnique();
    if (applications != null) {
      OpenTelemetry reported = applications;
      for (HostIntegration integration :
          integrations.orderedStream().toArray(HostIntegration[]::new)) {
        reported = integration.openTelemetry(reported);
      }
      // The settings OpenTelemetry's configuration gives llmetry4j, read as Llmetry.init reads
      // them, then llmetry4j's properties and the host integrations.
      LlmetryConfig.Builder config =
          LlmetryConfig.builder()
              .properties(otelProperties(environment))
              .telemetry(telemetrySettings(properties));
      integrations.orderedStream().forEach(integration -> config.telemetry(integration::customize));
      return Llmetry.telemetry(reported, config.build());
    }
    return llmetry.getObject().telemetry();
  }

  /** Micrometer Tracing's OpenTelemetry bridge: llmetry4j's spans current for Micrometer too. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "io.micrometer.tracing.otel.bridge.OtelTracer")
  static class MicrometerTracing {
    @Bean
    HostIntegration llmetryMicrometerTracing(ObjectProvider<io.micrometer.tracing.Tracer> tracer) {
      return new MicrometerTracingIntegration(tracer);
    }
  }

  /** Micrometer's registry: GenAI metrics there when the application's SDK reads none. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "io.micrometer.core.instrument.MeterRegistry")
  static class MicrometerMetrics {
    @Bean
    HostIntegration llmetryMicrometerMetrics(
        ObjectProvider<io.micrometer.core.instrument.MeterRegistry> registry) {
      return new MicrometerMetricsIntegration(registry);
    }
  }

  /**
   * LangChain4j's agentic module: {@link AgenticTracing} for the supervisors and agents the
   * application builds, and its workflows traced with no code ({@link AgenticWorkflowTracing}).
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "dev.langchain4j.agentic.AgenticServices")
  @ConditionalOnProperty(
      prefix = "llmetry4j.components",
      name = "agentic",
      havingValue = "true",
      matchIfMissing = true)
  static class Agentic {
    @Bean
    @ConditionalOnMissingBean
    public AgenticTracing llmetryAgenticTracing(LlmTelemetry telemetry) {
      return AgenticTracing.create(telemetry);
    }

    /** Static: it must act before the application's beans are created. */
    @Bean
    static AgenticWorkflowTracing llmetryAgenticWorkflowTracing(
        ObjectProvider<AgenticTracing> tracing) {
      return new AgenticWorkflowTracing(tracing);
    }
  }

  /** LangChain4j's starters pass every {@code ChatModelListener} bean to the models they build. */
  @Bean
  @ConditionalOnMissingBean(TracingChatModelListener.class)
  @ConditionalOnProperty(
      prefix = "llmetry4j.components",
      name = "chat-listener",
      havingValue = "true",
      matchIfMissing = true)
  public TracingChatModelListener llmetryChatModelListener(LlmTelemetry telemetry) {
    return TracingChatModelListener.create(telemetry);
  }

  /**
   * The local trace viewer ({@code llmetry4j.viewer.enabled}). Beside llmetry4j's own SDK the
   * bootstrap starts it (see {@link #llmetry}); beside the SDK of Spring Boot or of the
   * OpenTelemetry Spring Boot starter, {@link ViewerBesideHostSdk} does; beside any other
   * OpenTelemetry it is not started, with one warning.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnProperty(prefix = "llmetry4j.viewer", name = "enabled", havingValue = "true")
  @Import(ViewerBesideHostSdk.class)
  static class Viewer {

    /** Checked at startup whoever starts the viewer: every failure names its property. */
    @Bean
    ViewerSettings llmetryViewerSettings(LlmetryProperties properties, ResourceLoader loader) {
      return ViewerSettings.of(properties.getViewer(), loader.getClassLoader());
    }

    /** Once every bean exists: neither the bootstrap nor a host SDK took the viewer. */
    @Bean
    SmartInitializingSingleton llmetryViewerCheck(
        ListableBeanFactory beans, ResourceLoader loader) {
      return () -> {
        Class<?> viewer =
            ClassUtils.resolveClassName(ViewerSettings.VIEWER_CLASS, loader.getClassLoader());
        if (beans.getBeanNamesForType(Llmetry.class, false, false).length == 0
            && beans.getBeanNamesForType(viewer, false, false).length == 0) {
          ViewerSettings.warnNotStarted(
              "the application's OpenTelemetry is neither Spring Boot's nor the OpenTelemetry"
                  + " Spring Boot starter's");
        }
      };
    }
  }

  /** Static: a post-processor is created before the beans it processes. */
  @Bean
  @ConditionalOnMissingBean
  public static LlmetryBeanPostProcessor llmetryBeanPostProcessor(
      ObjectProvider<LlmTelemetry> telemetry, Environment environment) {
    LlmetryProperties properties =
        Binder.get(environment).bindOrCreate("llmetry4j", LlmetryProperties.class);
    return new LlmetryBeanPostProcessor(telemetry, properties.getComponents());
  }

  private static LlmetryConfig config(
      LlmetryProperties properties, Environment environment, @Nullable ViewerSettings viewer) {
    LlmetryProperties.TencentApm tencent = properties.getTencentApm();
    String serviceName = serviceName(environment);
    LlmetryConfig.Builder builder;
    if (tencent.getEndpoint() != null || tencent.getToken() != null) {
      require(tencent.getEndpoint(), "llmetry4j.tencent-apm.endpoint");
      require(tencent.getToken(), "llmetry4j.tencent-apm.token");
      require(serviceName, "spring.application.name (or otel.service.name)");
      builder = LlmetryConfig.tencentApm(tencent.getEndpoint(), tencent.getToken(), serviceName);
      if (tencent.getHostName() != null) {
        builder.hostName(tencent.getHostName());
      }
    } else {
      builder = LlmetryConfig.builder();
      if (serviceName != null) {
        builder.appName(serviceName);
      }
    }
    builder.properties(otelProperties(environment));
    if (viewer != null) {
      viewer.applyTo(builder);
    } else {
      // llmetry4j.viewer.enabled decides, not the bootstrap's LLMETRY4J_VIEWER.
      builder.viewer(false);
    }
    return builder
        .telemetry(telemetrySettings(properties))
        // The context closes the SDK (destroy method): no JVM hook of its own.
        .shutdownHook(false)
        .build();
  }

  /** {@code otel.service.name}, else {@code spring.application.name}. */
  @Nullable
  private static String serviceName(Environment environment) {
    String otel = environment.getProperty("otel.service.name");
    return otel != null ? otel : environment.getProperty("spring.application.name");
  }

  /** Every {@code otel.*} property of the environment, with its OpenTelemetry meaning. */
  private static Map<String, String> otelProperties(Environment environment) {
    Map<String, String> bound =
        Binder.get(environment)
            .bind("otel", Bindable.mapOf(String.class, String.class))
            .orElse(Map.of());
    Map<String, String> properties = new LinkedHashMap<>();
    bound.forEach((key, value) -> properties.put("otel." + key, value));
    return properties;
  }

  private static Consumer<LlmTelemetry.Builder> telemetrySettings(LlmetryProperties properties) {
    Integer maxContentLength = properties.getMaxContentLength();
    if (maxContentLength != null && maxContentLength < 1) {
      throw new IllegalArgumentException(MAX_CONTENT_LENGTH + " must be at least 1");
    }
    io.llmetry4j.core.TokenPrices prices =
        TokenPriceFiles.load(TOKEN_PRICES, properties.getTokenPrices());
    return builder -> {
      builder
          .captureContent(properties.isCaptureContent())
          .openLlmetryCompat(properties.isOpenllmetryCompat());
      if (maxContentLength != null) {
        builder.maxContentLength(maxContentLength);
      }
      if (prices != null) {
        builder.tokenPrices(prices);
      }
    };
  }

  private static void require(@Nullable String value, String property) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(
          property + " must be set for Tencent Cloud APM (llmetry4j.tencent-apm.*)");
    }
  }
}
