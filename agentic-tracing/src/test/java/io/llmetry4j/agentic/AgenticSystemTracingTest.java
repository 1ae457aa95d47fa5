package io.llmetry4j.agentic;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.langchain4j.agentic.AgenticServices;
import dev.langchain4j.agentic.UntypedAgent;
import dev.langchain4j.agentic.planner.AgenticService;
import dev.langchain4j.agentic.scope.AgenticScopeAccess;
import dev.langchain4j.model.chat.ChatModel;
import io.llmetry4j.core.internal.SemconvAttributes;
import io.llmetry4j.core.testing.SemconvSpans;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An agentic system of real LangChain4j agents (real OpenAI-format clients against a local server
 * replaying recorded answers): a sequence of a writer with a tool, a parallel pair of experts and a
 * loop of an editor and a scorer with an exit condition, traced by one {@link AgenticTracing} call
 * on the outermost builder.
 */
class AgenticSystemTracingTest {

  private static final AttributeKey<String> TOPOLOGY =
      AttributeKey.stringKey("llmetry4j.agentic.topology");
  private static final AttributeKey<Long> ITERATION =
      AttributeKey.longKey("llmetry4j.agentic.loop.iteration");

  private AgenticFixture fixture = new AgenticFixture();

  @AfterEach
  void close() {
    fixture.close();
  }

  /** The writer agent alone, built traced. */
  private AgenticFixture.Writer tracedWriter() {
    return AgenticTracing.create(fixture.telemetry)
        .build(
            AgenticServices.agentBuilder(AgenticFixture.Writer.class)
                .chatModel(fixture.chatModel())
                .tools(new AgenticFixture.WeatherTools()));
  }

  /** The system; {@code build} builds the outermost sequence (traced or not). */
  private UntypedAgent storySystem(Function<AgenticService<?, UntypedAgent>, UntypedAgent> build) {
    ChatModel model = fixture.chatModel();
    AgenticFixture.Writer writer =
        AgenticServices.agentBuilder(AgenticFixture.Writer.class)
            .chatModel(model)
            .tools(new AgenticFixture.WeatherTools())
            .build();
    AgenticFixture.FoodExpert food =
        AgenticServices.agentBuilder(AgenticFixture.FoodExpert.class).chatModel(model).build();
    AgenticFixture.MovieExpert movie =
        AgenticServices.agentBuilder(AgenticFixture.MovieExpert.class).chatModel(model).build();
    AgenticFixture.Editor editor =
        AgenticServices.agentBuilder(AgenticFixture.Editor.class).chatModel(model).build();
    AgenticFixture.Scorer scorer =
        AgenticServices.agentBuilder(AgenticFixture.Scorer.class).chatModel(model).build();
    UntypedAgent recommendations =
        AgenticServices.parallelBuilder()
            .name("recommendations")
            .subAgents(food, movie)
            .outputKey("recommendations")
            .output(scope -> scope.readState("meal") + " / " + scope.readState("film"))
            .build();
    UntypedAgent refinement =
        AgenticServices.loopBuilder()
            .name("refinement")
            .subAgents(editor, scorer)
            .maxIterations(3)
            .exitCondition(scope -> scope.readState("score", 0.0) >= 0.8)
            .build();
    return build.apply(
        AgenticServices.sequenceBuilder()
            .name("storyPipeline")
            .subAgents(writer, recommendations, refinement)
            .outputKey("story"));
  }

  private UntypedAgent traced() {
    return storySystem(AgenticTracing.create(fixture.telemetry)::build);
  }

  private static final String TREE =
      String.join(
          "\n",
          "invoke_workflow storyPipeline",
          "  invoke_agent write",
          "    chat gpt-4o-mini",
          "    execute_tool getWeather",
          "    chat gpt-4o-mini",
          "  invoke_workflow recommendations",
          "    invoke_agent film",
          "      chat gpt-4o-mini",
          "    invoke_agent meal",
          "      chat gpt-4o-mini",
          "  invoke_workflow refinement",
          "    invoke_agent edit",
          "      chat gpt-4o-mini",
          "    invoke_agent score",
          "      chat gpt-4o-mini",
          "    invoke_agent edit",
          "      chat gpt-4o-mini",
          "    invoke_agent score",
          "      chat gpt-4o-mini");

  @Test
  void every_agent_invocation_is_a_span_nested_as_the_agents_nest() {
    Object story = traced().invoke(Map.of("topic", "dragons"));

    assertThat(story).isEqualTo("A golden dragon basked in the sunny Paris afternoon.");
    assertThat(fixture.tree()).isEqualTo(TREE);
    List<SpanData> spans = fixture.finished();
    assertThat(spans.stream().map(SpanData::getTraceId).distinct()).hasSize(1);
    for (SpanData span : spans) {
      if (!span.getName().startsWith("chat")) {
        assertThat(span.getKind()).as(span.getName()).isEqualTo(SpanKind.INTERNAL);
      }
      assertThat(span.getStatus().getStatusCode()).as(span.getName()).isEqualTo(StatusCode.UNSET);
    }
    assertThat(Context.current()).isSameAs(Context.root());
  }

  @Test
  void workflow_agents_follow_the_workflow_form_and_agents_the_agent_form() {
    traced().invoke(Map.of("topic", "dragons"));

    SpanData pipeline = fixture.only("invoke_workflow storyPipeline");
    assertThat(pipeline)
        .hasAttribute(SemconvAttributes.GEN_AI_OPERATION_NAME, "invoke_workflow")
        .hasAttribute(SemconvAttributes.GEN_AI_WORKFLOW_NAME, "storyPipeline")
        .hasAttribute(TOPOLOGY, "sequence");
    SemconvSpans.assertConforms(pipeline, "span.gen_ai.invoke_workflow.internal");
    assertThat(fixture.only("invoke_workflow recommendations")).hasAttribute(TOPOLOGY, "parallel");
    assertThat(fixture.only("invoke_workflow refinement")).hasAttribute(TOPOLOGY, "loop");

    SpanData writer = fixture.only("invoke_agent write");
    assertThat(writer)
        .hasAttribute(SemconvAttributes.GEN_AI_OPERATION_NAME, "invoke_agent")
        .hasAttribute(SemconvAttributes.GEN_AI_AGENT_NAME, "write")
        .hasAttribute(SemconvAttributes.GEN_AI_AGENT_DESCRIPTION, "Writes a short story")
        .hasAttribute(SemconvAttributes.GEN_AI_PROVIDER_NAME, "openai")
        .hasAttribute(TOPOLOGY, "ai_agent");
    assertThat(writer.getAttributes().get(SemconvAttributes.GEN_AI_AGENT_ID)).isNotBlank();
    SemconvSpans.assertConforms(writer, "span.gen_ai.invoke_agent.internal");
    SpanData tool = fixture.only("execute_tool getWeather");
    assertThat(tool)
        .hasParent(writer)
        .hasAttribute(SemconvAttributes.GEN_AI_TOOL_NAME, "getWeather")
        .hasAttribute(SemconvAttributes.GEN_AI_TOOL_CALL_ID, "call_weather_1");
    SemconvSpans.assertConforms(tool, "span.gen_ai.execute_tool.internal");
  }

  @Test
  void parallel_branches_run_on_executor_threads_under_the_parallel_agent() {
    traced().invoke(Map.of("topic", "dragons"));

    String caller = Thread.currentThread().getName();
    assertThat(fixture.chatThreads.get("meal")).isNotEqualTo(caller);
    assertThat(fixture.chatThreads.get("film")).isNotEqualTo(caller);
    SpanData parallel = fixture.only("invoke_workflow recommendations");
    assertThat(fixture.only("invoke_agent meal")).hasParent(parallel);
    assertThat(fixture.only("invoke_agent film")).hasParent(parallel);
  }

  @Test
  void loop_iterations_are_numbered() {
    traced().invoke(Map.of("topic", "dragons"));

    assertThat(
            fixture.named("invoke_agent edit").stream()
                .map(span -> span.getAttributes().get(ITERATION))
                .collect(Collectors.toList()))
        .containsExactly(1L, 2L);
    assertThat(
            fixture.named("invoke_agent score").stream()
                .map(span -> span.getAttributes().get(ITERATION))
                .collect(Collectors.toList()))
        .containsExactly(1L, 2L);
    assertThat(fixture.only("invoke_agent write").getAttributes().get(ITERATION)).isNull();
  }

  @Test
  void the_memory_id_of_the_agentic_scope_is_the_conversation_id_of_every_span() {
    traced().invoke(Map.of("topic", "dragons"));

    List<String> ids =
        fixture.finished().stream()
            .map(span -> span.getAttributes().get(SemconvAttributes.GEN_AI_CONVERSATION_ID))
            .distinct()
            .collect(Collectors.toList());
    assertThat(ids).hasSize(1);
    assertThat(ids.get(0)).isNotBlank();
  }

  @Test
  void inputs_and_outputs_are_content_recorded_only_with_capture_on() {
    traced().invoke(Map.of("topic", "dragons"));
    for (SpanData span : fixture.finished()) {
      assertThat(span.getAttributes().get(SemconvAttributes.GEN_AI_INPUT_MESSAGES)).isNull();
      assertThat(span.getAttributes().get(SemconvAttributes.GEN_AI_OUTPUT_MESSAGES)).isNull();
      assertThat(span.getAttributes().get(SemconvAttributes.GEN_AI_TOOL_CALL_ARGUMENTS)).isNull();
    }
    fixture.close();

    fixture = new AgenticFixture(settings -> settings.captureContent(true));
    traced().invoke(Map.of("topic", "dragons"));
    SpanData meal = fixture.only("invoke_agent meal");
    assertThat(meal.getAttributes().get(SemconvAttributes.GEN_AI_INPUT_MESSAGES))
        .isEqualTo(
            "[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":\"story: A dragon"
                + " basked in the sunny 70 degrees of Paris.\"}]}]");
    assertThat(meal.getAttributes().get(SemconvAttributes.GEN_AI_OUTPUT_MESSAGES))
        .isEqualTo(
            "[{\"role\":\"assistant\",\"parts\":[{\"type\":\"text\",\"content\":\"Ratatouille.\"}],"
                + "\"finish_reason\":\"stop\"}]");
    assertThat(fixture.only("execute_tool getWeather"))
        .hasAttribute(SemconvAttributes.GEN_AI_TOOL_CALL_ARGUMENTS, "{\"city\":\"Paris\"}")
        .hasAttribute(
            SemconvAttributes.GEN_AI_TOOL_CALL_RESULT,
            "The weather in Paris is 70 degrees and sunny.");
  }

  @Test
  void a_failing_agent_marks_its_span_and_its_parents_and_the_exception_is_unchanged() {
    fixture.failing.add("Edit this story");
    Throwable untracedError =
        catchThrowable(() -> storySystem(AgenticService::build).invoke(Map.of("topic", "dragons")));
    fixture.spans.reset();

    Throwable tracedError = catchThrowable(() -> traced().invoke(Map.of("topic", "dragons")));

    assertThat(tracedError).isNotNull().hasSameClassAs(untracedError);
    assertThat(tracedError.getMessage()).isEqualTo(untracedError.getMessage());
    SpanData edit = fixture.only("invoke_agent edit");
    SpanData loop = fixture.only("invoke_workflow refinement");
    SpanData root = fixture.only("invoke_workflow storyPipeline");
    String errorType = edit.getAttributes().get(SemconvAttributes.ERROR_TYPE);
    assertThat(errorType).isNotBlank();
    for (SpanData span : List.of(edit, loop, root)) {
      assertThat(span.getStatus().getStatusCode()).as(span.getName()).isEqualTo(StatusCode.ERROR);
      assertThat(span.getAttributes().get(SemconvAttributes.ERROR_TYPE))
          .as(span.getName())
          .isNotBlank();
    }
    assertThat(Context.current()).isSameAs(Context.root());
  }

  @Test
  void results_and_scope_access_are_the_same_with_and_without_tracing() {
    Object untraced = storySystem(AgenticService::build).invoke(Map.of("topic", "dragons"));
    fixture.scores.set(0);
    UntypedAgent traced = traced();
    Object result = traced.invoke(Map.of("topic", "dragons"));

    assertThat(result).isEqualTo(untraced);
    assertThat(traced).isInstanceOf(AgenticScopeAccess.class);
    assertThat(traced.toString()).isNotBlank();
    assertThat(traced).isEqualTo(traced);
  }

  @Test
  void the_newest_conventions_drop_the_provider_and_the_instance_id_of_in_process_agents() {
    fixture.close();
    fixture = new AgenticFixture(settings -> settings.semconvLatestExperimental(true));
    traced().invoke(Map.of("topic", "dragons"));

    assertThat(fixture.tree()).isEqualTo(TREE);
    SpanData writer = fixture.only("invoke_agent write");
    assertThat(writer).hasAttribute(SemconvAttributes.GEN_AI_AGENT_NAME, "write");
    assertThat(writer.getAttributes().get(SemconvAttributes.GEN_AI_PROVIDER_NAME)).isNull();
    assertThat(writer.getAttributes().get(SemconvAttributes.GEN_AI_AGENT_ID)).isNull();
    assertThat(fixture.only("execute_tool getWeather"))
        .hasAttribute(SemconvAttributes.GEN_AI_AGENT_NAME, "write");
    assertThat(fixture.only("invoke_workflow storyPipeline"))
        .hasAttribute(SemconvAttributes.GEN_AI_OPERATION_NAME, "invoke_workflow")
        .hasAttribute(SemconvAttributes.GEN_AI_WORKFLOW_NAME, "storyPipeline");
  }

  @Test
  void with_the_listener_alone_the_outermost_span_still_ends_when_a_sub_agent_fails() {
    fixture.failing.add("Edit this story");
    AgenticTracing tracing = AgenticTracing.create(fixture.telemetry);

    Throwable error =
        catchThrowable(
            () ->
                storySystem(
                        builder -> {
                          builder.listener(tracing.listener());
                          return builder.build();
                        })
                    .invoke(Map.of("topic", "dragons")));

    assertThat(error).isNotNull();
    SpanData root = fixture.only("invoke_workflow storyPipeline");
    assertThat(root.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(fixture.only("invoke_workflow refinement")).hasParent(root);
    assertThat(Context.current()).isSameAs(Context.root());
  }

  @Test
  void the_outermost_span_is_a_child_of_the_applications_span() {
    io.opentelemetry.api.trace.Span request =
        fixture.sdk.getTracer("app").spanBuilder("POST /story").startSpan();
    try (io.opentelemetry.context.Scope ignored = request.makeCurrent()) {
      traced().invoke(Map.of("topic", "dragons"));
    } finally {
      request.end();
    }

    assertThat(fixture.only("invoke_workflow storyPipeline"))
        .hasParent(fixture.only("POST /story"));
  }

  @Test
  void concurrent_runs_of_one_system_are_separate_traces() throws Exception {
    ChatModel model = fixture.chatModel();
    UntypedAgent system =
        AgenticTracing.create(fixture.telemetry)
            .build(
                AgenticServices.sequenceBuilder()
                    .name("recommend")
                    .subAgents(
                        AgenticServices.parallelBuilder()
                            .name("experts")
                            .subAgents(
                                AgenticServices.agentBuilder(AgenticFixture.FoodExpert.class)
                                    .chatModel(model)
                                    .build(),
                                AgenticServices.agentBuilder(AgenticFixture.MovieExpert.class)
                                    .chatModel(model)
                                    .build())
                            .build())
                    .outputKey("meal"));
    java.util.concurrent.ExecutorService callers =
        java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      List<java.util.concurrent.Future<Object>> runs = new java.util.ArrayList<>();
      for (int i = 0; i < 8; i++) {
        String story = "story " + i;
        runs.add(callers.submit(() -> system.invoke(Map.of("story", story))));
      }
      for (java.util.concurrent.Future<Object> run : runs) {
        assertThat(run.get()).isEqualTo("Ratatouille.");
      }
    } finally {
      callers.shutdownNow();
    }

    Map<String, List<SpanData>> traces =
        fixture.finished().stream().collect(Collectors.groupingBy(SpanData::getTraceId));
    assertThat(traces).hasSize(8);
    for (List<SpanData> trace : traces.values()) {
      assertThat(trace).hasSize(6);
      SpanData root =
          trace.stream()
              .filter(span -> span.getName().equals("invoke_workflow recommend"))
              .findFirst()
              .orElseThrow();
      SpanData experts =
          trace.stream()
              .filter(span -> span.getName().equals("invoke_workflow experts"))
              .findFirst()
              .orElseThrow();
      assertThat(experts).hasParent(root);
      assertThat(
              trace.stream()
                  .filter(span -> span.getName().startsWith("invoke_agent"))
                  .map(SpanData::getParentSpanId))
          .containsOnly(experts.getSpanId())
          .hasSize(2);
      assertThat(
              trace.stream()
                  .map(span -> span.getAttributes().get(SemconvAttributes.GEN_AI_CONVERSATION_ID))
                  .distinct())
          .hasSize(1);
    }
  }

  @Test
  void a_single_agent_built_traced_is_one_agent_span_over_its_calls() {
    AgenticFixture.Writer writer = tracedWriter();

    String story = writer.write("dragons");

    assertThat(story).isEqualTo("A dragon basked in the sunny 70 degrees of Paris.");
    assertThat(fixture.tree())
        .isEqualTo(
            String.join(
                "\n",
                "invoke_agent write",
                "  chat gpt-4o-mini",
                "  execute_tool getWeather",
                "  chat gpt-4o-mini"));
    SpanData agent = fixture.only("invoke_agent write");
    assertThat(agent).hasAttribute(SemconvAttributes.GEN_AI_PROVIDER_NAME, "openai");
    assertThat(fixture.named("chat gpt-4o-mini"))
        .hasSize(2)
        .allSatisfy(chat -> assertThat(chat).hasParent(agent));
  }

  @Test
  void with_token_prices_the_agent_carries_the_cost_of_its_calls() {
    fixture =
        new AgenticFixture(
            settings ->
                settings.tokenPrices(
                    io.llmetry4j.core.TokenPrices.builder()
                        .price(
                            io.llmetry4j.core.TokenPrices.price("openai", "gpt-4o-mini*", "USD")
                                .perMillionTokens()
                                .input("0.15")
                                .output("0.60"))
                        .build()));
    AgenticFixture.Writer writer = tracedWriter();

    writer.write("dragons");

    io.opentelemetry.api.common.AttributeKey<Double> cost =
        io.opentelemetry.api.common.AttributeKey.doubleKey("llmetry4j.usage.cost");
    // 90 in and 15 out, then 130 in and 12 out (the recorded answers).
    double expected = (220 * 0.15 + 27 * 0.60) / 1_000_000;
    assertThat(
            fixture.named("chat gpt-4o-mini").stream()
                .mapToDouble(chat -> chat.getAttributes().get(cost))
                .sum())
        .isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-15));
    assertThat(fixture.only("invoke_agent write").getAttributes().get(cost))
        .isCloseTo(expected, org.assertj.core.data.Offset.offset(1e-15));
  }

  @Test
  void a_sub_agent_with_the_listener_of_its_own_too_is_traced_once() {
    ChatModel model = fixture.chatModel();
    AgenticTracing tracing = AgenticTracing.create(fixture.telemetry);
    // The inner workflow has the listener itself and inherits it from the outer one: LangChain4j
    // before 1.19 calls it twice for every callback of the inner agents.
    UntypedAgent experts =
        AgenticServices.parallelBuilder()
            .name("experts")
            .subAgents(
                AgenticServices.agentBuilder(AgenticFixture.FoodExpert.class)
                    .chatModel(model)
                    .build(),
                AgenticServices.agentBuilder(AgenticFixture.MovieExpert.class)
                    .chatModel(model)
                    .listener(tracing.listener())
                    .build())
            .listener(tracing.listener())
            .build();
    UntypedAgent system =
        tracing.build(
            AgenticServices.sequenceBuilder()
                .name("recommend")
                .subAgents(experts)
                .outputKey("meal"));

    system.invoke(Map.of("story", "A dragon in Paris."));

    assertThat(fixture.tree())
        .isEqualTo(
            String.join(
                "\n",
                "invoke_workflow recommend",
                "  invoke_workflow experts",
                "    invoke_agent film",
                "      chat gpt-4o-mini",
                "    invoke_agent meal",
                "      chat gpt-4o-mini"));
  }
}
