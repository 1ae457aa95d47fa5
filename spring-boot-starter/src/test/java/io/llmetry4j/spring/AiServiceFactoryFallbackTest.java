package io.llmetry4j.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.service.AiServices;
import io.llmetry4j.core.testing.ReplayHttpServer;
import io.llmetry4j.spring.app.Assistant;
import io.llmetry4j.spring.app.GlossaryTools;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.FactoryBean;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The fallback of the tool tracing under LangChain4j's Spring starter: when the starter's {@code
 * AiServiceFactory} is not the one llmetry4j knows (a later starter added a field), llmetry4j
 * leaves it alone. The application starts, the AI Service is built by the starter's own factory
 * with its own tool semantics and traced as an agent, its tools run untraced, and one line says so.
 *
 * <p>The changed factory is a class of the starter's name and package with one field more, compiled
 * by the JDK's compiler and loaded by its own class loader, as a newer starter jar would be; it
 * builds the service with {@code AiServices}, as the starter does.
 */
class AiServiceFactoryFallbackTest {

  private final ReplayHttpServer openAi = ReplayHttpServer.start();

  @TempDir Path work;

  @AfterEach
  void stop() {
    openAi.close();
    GlobalOpenTelemetry.resetForTest();
  }

  @Test
  void a_starter_factory_of_another_shape_stays_and_its_ai_service_is_traced_without_tool_spans()
      throws Exception {
    String toolCall = resource("/openai-tool-call-response.json");
    String answer = resource("/openai-chat-response.json");
    openAi.byDefault(
        "/v1/chat/completions",
        body ->
            ReplayHttpServer.Response.json(
                200, body.replaceAll("\\s", "").contains("\"role\":\"tool\"") ? answer : toolCall));
    ChatModel model =
        OpenAiChatModel.builder()
            .baseUrl(openAi.baseUrl() + "/v1")
            .apiKey("test-key-not-secret")
            .modelName("gpt-4o-mini")
            .maxRetries(0)
            .build();
    Supplier<Object> starterBuild =
        () ->
            AiServices.builder(Assistant.class).chatModel(model).tools(new GlossaryTools()).build();
    Class<?> changedFactory = compileChangedStarterFactory();
    assertThat(changedFactory.getName()).isEqualTo(TracingAiServiceFactory.STARTER_FACTORY);
    @SuppressWarnings("unchecked")
    FactoryBean<Object> factory =
        (FactoryBean<Object>)
            changedFactory
                .getConstructor(Class.class, List.class, Supplier.class)
                .newInstance(Assistant.class, List.of(new GlossaryTools()), starterBuild);

    InMemorySpanExporter spans = InMemorySpanExporter.create();
    OpenTelemetry openTelemetry =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .addSpanProcessor(SimpleSpanProcessor.create(spans))
                    .build())
            .build();
    boolean saidBefore = TracingAiServiceFactory.unknownFactoryLogged.get();
    List<String> logged = new ArrayList<>();
    Handler capture = capturing(logged);
    Logger logger = Logger.getLogger(TracingAiServiceFactory.class.getName());
    logger.addHandler(capture);
    try {
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(LlmetryAutoConfiguration.class))
          .withBean(OpenTelemetry.class, () -> openTelemetry)
          .withBean("assistant", FactoryBean.class, () -> factory)
          .run(
              context -> {
                assertThat(context).hasNotFailed();
                Assistant assistant = context.getBean(Assistant.class);

                String reply = assistant.chat("What is a span?");

                assertThat(reply).isEqualTo("A span is one timed operation of a trace.");
                assertThat(openAi.requestBodies())
                    .as("the tool ran: its result went back to the model")
                    .anySatisfy(body -> assertThat(body).contains("one timed operation"));
                assertThat(spans.getFinishedSpanItems())
                    .extracting(SpanData::getName)
                    .contains("invoke_agent Assistant")
                    .doesNotContain("execute_tool glossary");
              });
    } finally {
      logger.removeHandler(capture);
      ((OpenTelemetrySdk) openTelemetry).close();
    }
    // Said once per JVM: here, unless an earlier test of this JVM met such a factory first.
    assertThat(logged)
        .filteredOn(line -> line.contains("builds AI Services in a way llmetry4j does not know"))
        .hasSize(saidBefore ? 0 : 1);
    assertThat(TracingAiServiceFactory.unknownFactoryLogged).isTrue();
    assertThat(TracingAiServiceFactory.replacing(factory, () -> null, true, true))
        .as("a factory of another shape is never replaced")
        .isNull();
  }

  /**
   * {@code dev.langchain4j.service.spring.AiServiceFactory} with the fields llmetry4j knows and one
   * more, loaded child-first so that it stands in for the starter's class of that name.
   */
  private Class<?> compileChangedStarterFactory() throws Exception {
    Path source = work.resolve("src/dev/langchain4j/service/spring/AiServiceFactory.java");
    Files.createDirectories(source.getParent());
    Files.writeString(
        source,
        "package dev.langchain4j.service.spring;\n"
            + "public class AiServiceFactory\n"
            + "    implements org.springframework.beans.factory.FactoryBean<Object> {\n"
            + "  private Class<?> aiServiceClass;\n"
            + "  private Object chatModel, streamingChatModel, chatMemory, chatMemoryProvider,\n"
            + "      contentRetriever, retrievalAugmentor, moderationModel, toolProvider;\n"
            + "  private java.util.List<Object> tools;\n"
            + "  private java.util.List<Object> inputGuardrails; // the field a later starter adds\n"
            + "  private final java.util.function.Supplier<Object> build;\n"
            + "  public AiServiceFactory(Class<?> aiServiceClass, java.util.List<Object> tools,\n"
            + "      java.util.function.Supplier<Object> build) {\n"
            + "    this.aiServiceClass = aiServiceClass;\n"
            + "    this.tools = tools;\n"
            + "    this.build = build;\n"
            + "  }\n"
            + "  @Override public Object getObject() { return build.get(); }\n"
            + "  @Override public Class<?> getObjectType() { return aiServiceClass; }\n"
            + "}\n");
    Path classes = work.resolve("classes");
    int status =
        ToolProvider.getSystemJavaCompiler()
            .run(
                null,
                null,
                null,
                "-classpath",
                System.getProperty("java.class.path"),
                "-d",
                classes.toString(),
                source.toString());
    assertThat(status).as("javac").isZero();
    ClassLoader parent = getClass().getClassLoader();
    URLClassLoader loader =
        new URLClassLoader(new URL[] {classes.toUri().toURL()}, parent) {
          @Override
          protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (name.equals(TracingAiServiceFactory.STARTER_FACTORY)) {
              synchronized (getClassLoadingLock(name)) {
                Class<?> loaded = findLoadedClass(name);
                return loaded != null ? loaded : findClass(name);
              }
            }
            return super.loadClass(name, resolve);
          }
        };
    return loader.loadClass(TracingAiServiceFactory.STARTER_FACTORY);
  }

  private static Handler capturing(List<String> lines) {
    return new Handler() {
      @Override
      public void publish(LogRecord record) {
        lines.add(record.getMessage());
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = AiServiceFactoryFallbackTest.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
