package io.llmetry4j.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.inmemory.InMemoryEmbeddingStore;
import io.llmetry4j.bootstrap.Llmetry;
import io.llmetry4j.chat.TracingChatModelListener;
import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.core.internal.Forwarding;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The auto-configuration's conditions, switches and failures, in real application contexts. */
class LlmetryAutoConfigurationTest {

  private static final String TOKEN = "tok-3f9a-not-for-logs";

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(LlmetryAutoConfiguration.class))
          .withUserConfiguration(ApplicationsOpenTelemetry.class);

  @AfterEach
  void resetGlobal() {
    GlobalOpenTelemetry.resetForTest();
  }

  @Configuration
  static class ApplicationsOpenTelemetry {
    static final OpenTelemetry OPEN_TELEMETRY = OpenTelemetrySdk.builder().build();

    @Bean
    OpenTelemetry openTelemetry() {
      return OPEN_TELEMETRY;
    }
  }

  @Configuration
  static class Store {
    @Bean
    EmbeddingStore<TextSegment> store() {
      return new InMemoryEmbeddingStore<>();
    }
  }

  @Test
  void with_the_applications_opentelemetry_no_sdk_is_started_and_everything_is_wired() {
    runner
        .withUserConfiguration(Store.class)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).hasSingleBean(LlmTelemetry.class);
              assertThat(context).doesNotHaveBean(Llmetry.class);
              assertThat(context).hasSingleBean(TracingChatModelListener.class);
              assertThat(context.getBeansOfType(ChatModelListener.class)).hasSize(1);
              assertThat(Forwarding.delegateOf(context.getBean(EmbeddingStore.class)))
                  .isInstanceOf(InMemoryEmbeddingStore.class);
            });
  }

  @Test
  void disabled_means_no_telemetry_no_listener_no_sdk_no_wrapper() {
    runner
        .withUserConfiguration(Store.class)
        .withPropertyValues("llmetry4j.enabled=false")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).doesNotHaveBean(LlmTelemetry.class);
              assertThat(context).doesNotHaveBean(TracingChatModelListener.class);
              assertThat(context).doesNotHaveBean(Llmetry.class);
              assertThat(context).doesNotHaveBean(LlmetryBeanPostProcessor.class);
              assertThat(context.getBean(EmbeddingStore.class))
                  .isInstanceOf(InMemoryEmbeddingStore.class);
            });
  }

  @Test
  void each_component_switch_turns_its_piece_off() {
    runner
        .withUserConfiguration(Store.class)
        .withPropertyValues(
            "llmetry4j.components.chat-listener=false",
            "llmetry4j.components.embedding-store=false")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).doesNotHaveBean(TracingChatModelListener.class);
              assertThat(context.getBean(EmbeddingStore.class))
                  .isInstanceOf(InMemoryEmbeddingStore.class);
              assertThat(context).hasSingleBean(LlmTelemetry.class);
            });
  }

  @Configuration
  static class OwnListenerAndTelemetry {
    static final LlmTelemetry TELEMETRY =
        LlmTelemetry.builder(ApplicationsOpenTelemetry.OPEN_TELEMETRY).captureContent(true).build();
    static final TracingChatModelListener LISTENER =
        TracingChatModelListener.builder(TELEMETRY).providerName("deepseek").build();

    @Bean
    LlmTelemetry myTelemetry() {
      return TELEMETRY;
    }

    @Bean
    TracingChatModelListener myListener() {
      return LISTENER;
    }
  }

  @Test
  void the_applications_own_telemetry_and_listener_win() {
    runner
        .withUserConfiguration(OwnListenerAndTelemetry.class)
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context.getBean(LlmTelemetry.class))
                  .isSameAs(OwnListenerAndTelemetry.TELEMETRY);
              assertThat(context.getBean(TracingChatModelListener.class))
                  .isSameAs(OwnListenerAndTelemetry.LISTENER);
            });
  }

  @Test
  void content_settings_reach_the_telemetry() {
    runner
        .withPropertyValues(
            "llmetry4j.capture-content=true",
            "llmetry4j.max-content-length=64",
            "llmetry4j.openllmetry-compat=true")
        .run(
            context -> {
              LlmTelemetry telemetry = context.getBean(LlmTelemetry.class);
              assertThat(telemetry.captureContent()).isTrue();
              assertThat(telemetry.maxContentLength()).isEqualTo(64);
              assertThat(telemetry.openLlmetryCompat()).isTrue();
            });
  }

  @Test
  void the_conventions_opt_in_and_the_attribute_limit_reach_the_applications_telemetry() {
    // OpenTelemetry's configuration ranks OTEL_* variables over these properties: where the
    // environment sets them, EnvironmentConfigTest (bootstrap, forked JVMs) proves the reading.
    for (String variable :
        java.util.List.of(
            "OTEL_SEMCONV_STABILITY_OPT_IN",
            "OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT",
            "OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT")) {
      org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv(variable) == null, variable);
    }
    runner
        .withPropertyValues(
            "otel.semconv-stability.opt-in=http,gen_ai_latest_experimental",
            "otel.span.attribute.value.length.limit=4096")
        .run(
            context -> {
              LlmTelemetry telemetry = context.getBean(LlmTelemetry.class);
              assertThat(telemetry.semconvLatestExperimental()).isTrue();
              assertThat(telemetry.spanContentBudget()).isEqualTo(4096);
            });
    runner
        .withPropertyValues(
            "otel.semconv-stability.opt-in=gen_ai", "otel.attribute.value.length.limit=2048")
        .run(
            context -> {
              LlmTelemetry telemetry = context.getBean(LlmTelemetry.class);
              assertThat(telemetry.semconvLatestExperimental()).isFalse();
              assertThat(telemetry.spanContentBudget()).isEqualTo(2048);
            });
  }

  @Test
  void token_prices_of_the_property_reach_the_telemetry_and_a_bad_file_fails_on_its_line(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path good = dir.resolve("prices.properties");
    java.nio.file.Files.writeString(
        good,
        "price.a.provider = openai\nprice.a.model = gpt-4o*\nprice.a.currency = USD\n"
            + "price.a.input = 1\nprice.a.output = 2\n");
    runner
        .withPropertyValues("llmetry4j.token-prices=" + good)
        .run(
            context ->
                assertThat(
                        io.llmetry4j.core.internal.Instrumentation.of(
                                context.getBean(LlmTelemetry.class))
                            .costs()
                            .enabled())
                    .isTrue());
    java.nio.file.Path bad = dir.resolve("bad.properties");
    java.nio.file.Files.writeString(bad, "price.a.provider = openai\nprice.a.model gpt-4o\n");
    runner
        .withPropertyValues("llmetry4j.token-prices=" + bad)
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(stackTrace(context.getStartupFailure()))
                  .contains(
                      "llmetry4j.token-prices: "
                          + bad
                          + ":2: expected price.<name>.<field> = <value>");
            });
  }

  @Test
  void a_bad_max_content_length_fails_start_up_naming_the_property() {
    runner
        .withPropertyValues("llmetry4j.max-content-length=0")
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(stackTrace(context.getStartupFailure()))
                  .contains("llmetry4j.max-content-length");
            });
  }

  @Test
  void a_value_that_is_not_a_boolean_fails_start_up_naming_the_property() {
    runner
        .withPropertyValues("llmetry4j.capture-content=sometimes")
        .run(
            context -> {
              assertThat(context).hasFailed();
              assertThat(stackTrace(context.getStartupFailure()))
                  .contains("llmetry4j.capture-content");
            });
  }

  @Test
  void an_incomplete_tencent_preset_fails_start_up_naming_the_property_never_the_token() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(LlmetryAutoConfiguration.class))
        .withPropertyValues("llmetry4j.tencent-apm.token=" + TOKEN, "spring.application.name=app")
        .run(
            context -> {
              assertThat(context).hasFailed();
              String failure = stackTrace(context.getStartupFailure());
              assertThat(failure).contains("llmetry4j.tencent-apm.endpoint");
              assertThat(failure).doesNotContain(TOKEN);
            });
  }

  private static String stackTrace(Throwable failure) {
    StringWriter out = new StringWriter();
    failure.printStackTrace(new PrintWriter(out));
    return out.toString();
  }
}
