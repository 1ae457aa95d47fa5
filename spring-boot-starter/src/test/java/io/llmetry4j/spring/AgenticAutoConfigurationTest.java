package io.llmetry4j.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.agentic.Agent;
import dev.langchain4j.agentic.AgenticServices;
import dev.langchain4j.agentic.UntypedAgent;
import dev.langchain4j.agentic.declarative.ParallelAgent;
import dev.langchain4j.agentic.declarative.SequenceAgent;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.service.UserMessage;
import dev.langchain4j.service.V;
import io.llmetry4j.agentic.AgenticTracing;
import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.core.testing.ReplayHttpServer;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Agentic systems that an application defines as beans, with no llmetry4j code, run by real
 * LangChain4j agents (OpenAI-format clients against a local server answering like a model) in real
 * application contexts: the starter's hook on LangChain4j's workflow builders traces them whole.
 */
class AgenticAutoConfigurationTest {

  // Per test: the context closes the application's OpenTelemetry with itself.
  private final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private final OpenTelemetry openTelemetry =
      OpenTelemetrySdk.builder()
          .setTracerProvider(
              SdkTracerProvider.builder()
                  .addSpanProcessor(SimpleSpanProcessor.create(spans))
                  .build())
          .build();

  /** Where the application's configuration finds the model server. */
  static final ReplayHttpServer SERVER = answeringLikeAModel(ReplayHttpServer.start());

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(LlmetryAutoConfiguration.class))
          .withBean(OpenTelemetry.class, () -> openTelemetry)
          .withUserConfiguration(StoryApplication.class);

  @AfterEach
  void reset() {
    GlobalOpenTelemetry.resetForTest();
  }

  public interface Writer {
    @UserMessage("Write a one-sentence story about {{topic}}.")
    @Agent(outputKey = "story", description = "Writes a short story")
    String write(@V("topic") String topic);
  }

  public interface FoodExpert {
    @UserMessage("Suggest one meal that suits this story: {{story}}")
    @Agent(outputKey = "meal", description = "Suggests a meal")
    String meal(@V("story") String story);
  }

  public interface MovieExpert {
    @UserMessage("Suggest one film that suits this story: {{story}}")
    @Agent(outputKey = "film", description = "Suggests a film")
    String film(@V("story") String story);
  }

  public interface Recommendations {
    @ParallelAgent(
        name = "declaredRecommendations",
        outputKey = "meal",
        subAgents = {FoodExpert.class, MovieExpert.class})
    String recommend(@V("story") String story);
  }

  public interface StoryEvening {
    @SequenceAgent(
        name = "declaredEvening",
        outputKey = "meal",
        subAgents = {Writer.class, Recommendations.class})
    String plan(@V("topic") String topic);
  }

  /**
   * The application: plain LangChain4j, the model given the chat listeners as LangChain4j's
   * starters give them; the parallel workflow is a bean of its own, nested in the sequence (it gets
   * the tracing both from the starter's hook and from its parent).
   */
  @Configuration(proxyBeanMethods = false)
  static class StoryApplication {
    @Bean
    ChatModel chatModel(ObjectProvider<ChatModelListener> listeners) {
      return OpenAiChatModel.builder()
          .baseUrl(SERVER.baseUrl())
          .apiKey("test-key-not-secret")
          .modelName("gpt-4o-mini")
          .maxRetries(0)
          .timeout(Duration.ofSeconds(10))
          .listeners(listeners.orderedStream().collect(Collectors.toList()))
          .build();
    }

    @Bean
    UntypedAgent recommendations(ChatModel model) {
      return AgenticServices.parallelBuilder()
          .name("recommendations")
          .subAgents(
              AgenticServices.agentBuilder(FoodExpert.class).chatModel(model).build(),
              AgenticServices.agentBuilder(MovieExpert.class).chatModel(model).build())
          .outputKey("recommendations")
          .output(scope -> scope.readState("meal") + " / " + scope.readState("film"))
          .build();
    }

    @Bean
    UntypedAgent storyEvening(
        ChatModel model, @Qualifier("recommendations") UntypedAgent recommendations) {
      return AgenticServices.sequenceBuilder()
          .name("storyEvening")
          .subAgents(
              AgenticServices.agentBuilder(Writer.class).chatModel(model).build(), recommendations)
          .outputKey("recommendations")
          .build();
    }

    @Bean
    StoryEvening declaredEvening(ChatModel model) {
      return AgenticServices.createAgenticSystem(StoryEvening.class, model);
    }
  }

  private static final String TREE =
      String.join(
          "\n",
          "invoke_workflow storyEvening",
          "  invoke_agent write",
          "    chat gpt-4o-mini",
          "  invoke_workflow recommendations",
          "    invoke_agent film",
          "      chat gpt-4o-mini",
          "    invoke_agent meal",
          "      chat gpt-4o-mini");

  @Test
  void a_workflow_bean_nested_in_another_is_traced_once_with_no_llmetry4j_code() {
    runner.run(
        context -> {
          assertThat(context).hasNotFailed();
          UntypedAgent evening = context.getBean("storyEvening", UntypedAgent.class);

          Object result = evening.invoke(Map.of("topic", "dragons"));

          assertThat(result).isEqualTo("Ratatouille. / How to Train Your Dragon.");
          assertThat(tree()).isEqualTo(TREE);
          assertThat(spans.getFinishedSpanItems().stream().map(SpanData::getTraceId).distinct())
              .hasSize(1);
        });
  }

  @Test
  void a_nested_workflow_bean_run_on_its_own_is_its_own_root() {
    runner.run(
        context -> {
          context
              .getBean("recommendations", UntypedAgent.class)
              .invoke(Map.of("story", "A dragon in Paris."));

          assertThat(tree())
              .isEqualTo(
                  String.join(
                      "\n",
                      "invoke_workflow recommendations",
                      "  invoke_agent film",
                      "    chat gpt-4o-mini",
                      "  invoke_agent meal",
                      "    chat gpt-4o-mini"));
        });
  }

  @Test
  void a_system_declared_with_annotations_is_traced_with_no_llmetry4j_code() {
    runner.run(
        context -> {
          String meal = context.getBean(StoryEvening.class).plan("dragons");

          assertThat(meal).isEqualTo("Ratatouille.");
          assertThat(tree())
              .isEqualTo(
                  String.join(
                      "\n",
                      "invoke_workflow declaredEvening",
                      "  invoke_agent write",
                      "    chat gpt-4o-mini",
                      "  invoke_workflow declaredRecommendations",
                      "    invoke_agent film",
                      "      chat gpt-4o-mini",
                      "    invoke_agent meal",
                      "      chat gpt-4o-mini"));
        });
  }

  @Test
  void the_agentic_switch_off_means_no_agent_spans_and_no_agentic_tracing_bean() {
    runner
        .withPropertyValues("llmetry4j.components.agentic=false")
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).doesNotHaveBean(AgenticTracing.class);
              assertThat(context).doesNotHaveBean(AgenticWorkflowTracing.class);

              Object result =
                  context.getBean("storyEvening", UntypedAgent.class).invoke(Map.of("topic", "x"));

              assertThat(result).isEqualTo("Ratatouille. / How to Train Your Dragon.");
              assertThat(tree())
                  .isEqualTo(
                      String.join(
                          "\n", "chat gpt-4o-mini", "chat gpt-4o-mini", "chat gpt-4o-mini"));
            });
  }

  @Test
  void workflows_built_after_the_context_closed_are_not_traced() {
    // An OpenTelemetry the context cannot close: spans of the closed context's telemetry would
    // still be recorded.
    OpenTelemetry lasting =
        new OpenTelemetry() {
          @Override
          public io.opentelemetry.api.trace.TracerProvider getTracerProvider() {
            return openTelemetry.getTracerProvider();
          }

          @Override
          public io.opentelemetry.context.propagation.ContextPropagators getPropagators() {
            return openTelemetry.getPropagators();
          }
        };
    List<ChatModel> model = new ArrayList<>();
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(LlmetryAutoConfiguration.class))
        .withBean(OpenTelemetry.class, () -> lasting)
        .withUserConfiguration(StoryApplication.class)
        .run(context -> model.add(context.getBean(ChatModel.class)));
    Runnable buildAndRun =
        () ->
            AgenticServices.sequenceBuilder()
                .name("afterwards")
                .subAgents(
                    AgenticServices.agentBuilder(Writer.class).chatModel(model.get(0)).build())
                .outputKey("story")
                .build()
                .invoke(Map.of("topic", "dragons"));

    buildAndRun.run();

    assertThat(tree()).isEqualTo("chat gpt-4o-mini");
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnAgenticTracing {
    static final AgenticTracing TRACING =
        AgenticTracing.create(LlmTelemetry.create(OpenTelemetry.noop()));

    @Bean
    AgenticTracing myAgenticTracing() {
      return TRACING;
    }
  }

  @Test
  void the_applications_own_agentic_tracing_wins() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(LlmetryAutoConfiguration.class))
        .withBean(OpenTelemetry.class, () -> openTelemetry)
        .withUserConfiguration(OwnAgenticTracing.class)
        .run(
            context ->
                assertThat(context.getBean(AgenticTracing.class))
                    .isSameAs(OwnAgenticTracing.TRACING));
  }

  @Test
  void an_application_without_langchain4j_agentic_and_mcp_starts_unchanged() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(LlmetryAutoConfiguration.class))
        .withBean(OpenTelemetry.class, () -> openTelemetry)
        .withClassLoader(new FilteredClassLoader("dev.langchain4j.agentic", "dev.langchain4j.mcp"))
        .run(
            context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).hasSingleBean(LlmTelemetry.class);
              assertThat(context).hasSingleBean(LlmetryBeanPostProcessor.class);
              assertThat(context).doesNotHaveBean(AgenticTracing.class);
              assertThat(context).doesNotHaveBean(AgenticWorkflowTracing.class);
            });
  }

  /** Like a model: the answer each prompt asks for. */
  private static ReplayHttpServer answeringLikeAModel(ReplayHttpServer server) {
    return server.byDefault(
        "/chat/completions",
        body -> {
          if (body.contains("Write a one-sentence story")) {
            return ReplayHttpServer.Response.json(200, answer("A dragon basked in Paris."));
          }
          if (body.contains("Suggest one meal")) {
            return ReplayHttpServer.Response.json(200, answer("Ratatouille."));
          }
          if (body.contains("Suggest one film")) {
            return ReplayHttpServer.Response.json(200, answer("How to Train Your Dragon."));
          }
          return ReplayHttpServer.Response.json(400, "{\"error\":{\"message\":\"unexpected\"}}");
        });
  }

  /** An OpenAI Chat Completions answer with {@code content}. */
  private static String answer(String content) {
    return "{\"id\":\"chatcmpl-agentic\",\"object\":\"chat.completion\",\"created\":1718000002,"
        + "\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,\"message\":{\"role\":"
        + "\"assistant\",\"content\":\""
        + content
        + "\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":20,"
        + "\"completion_tokens\":8,\"total_tokens\":28}}";
  }

  /**
   * The spans as an indented tree of names; siblings in start order, except under a parallel
   * workflow, whose branches start in any order and are listed by name.
   */
  private String tree() {
    List<SpanData> all = spans.getFinishedSpanItems();
    List<String> lines = new ArrayList<>();
    all.stream()
        .filter(s -> all.stream().noneMatch(p -> p.getSpanId().equals(s.getParentSpanId())))
        .sorted(Comparator.comparingLong(SpanData::getStartEpochNanos))
        .forEach(root -> append(root, all, "", lines));
    return String.join("\n", lines);
  }

  private static void append(SpanData span, List<SpanData> all, String indent, List<String> lines) {
    lines.add(indent + span.getName());
    Comparator<SpanData> order =
        span.getName().contains("ecommendations")
            ? Comparator.comparing(SpanData::getName)
            : Comparator.comparingLong(SpanData::getStartEpochNanos);
    all.stream()
        .filter(s -> s.getParentSpanId().equals(span.getSpanId()))
        .sorted(order)
        .forEach(child -> append(child, all, indent + "  ", lines));
  }
}
