package io.llmetry4j.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmetry4j.core.internal.Instrumentation;
import io.llmetry4j.core.internal.SemconvAttributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** With nothing configured, finished traces are printed to stderr as indented trees. */
class TraceTreeTest {

  @Test
  void three_nested_spans_print_as_an_indented_tree_on_stderr() {
    String printed =
        captureStderr(
            () -> {
              Llmetry llmetry =
                  Llmetry.init(
                      LlmetryConfig.builder().registerGlobal(false).shutdownHook(false).build());
              Tracer tracer = Instrumentation.of(llmetry.telemetry()).tracer();
              Span outer = tracer.spanBuilder("invoke_workflow answer-question").startSpan();
              outer.setAttribute(SemconvAttributes.GEN_AI_OPERATION_NAME, "invoke_workflow");
              try (Scope o = outer.makeCurrent()) {
                Span middle =
                    tracer.spanBuilder("chat llama3").setSpanKind(SpanKind.CLIENT).startSpan();
                middle.setAttribute(SemconvAttributes.GEN_AI_USAGE_INPUT_TOKENS, 17L);
                middle.setAttribute(SemconvAttributes.GEN_AI_INPUT_MESSAGES, "[a secret prompt]");
                middle.setAttribute("app.private", "not shown");
                try (Scope m = middle.makeCurrent()) {
                  Span inner = tracer.spanBuilder("execute_tool getWeather").startSpan();
                  inner.setStatus(StatusCode.ERROR, "boom");
                  inner.setAttribute(SemconvAttributes.ERROR_TYPE, "java.io.IOException");
                  inner.end();
                } finally {
                  middle.end();
                }
                tracer.spanBuilder("search docs").setSpanKind(SpanKind.CLIENT).startSpan().end();
              } finally {
                outer.end();
              }
              llmetry.close();
            });

    List<String> lines = printed.lines().toList();
    assertThat(lines).hasSize(5);
    assertThat(lines.get(0)).matches("trace [0-9a-f]{32}");
    assertThat(lines.get(1))
        .matches(
            "invoke_workflow answer-question  \\[INTERNAL\\] \\d+\\.\\d ms"
                + "  gen_ai\\.operation\\.name=invoke_workflow");
    assertThat(lines.get(2))
        .matches("├─ chat llama3  \\[CLIENT\\] \\d+\\.\\d ms  gen_ai\\.usage\\.input_tokens=17");
    assertThat(lines.get(3))
        .matches(
            "│  └─ execute_tool getWeather  \\[INTERNAL\\] \\d+\\.\\d ms  ERROR"
                + "  error\\.type=java\\.io\\.IOException");
    assertThat(lines.get(4)).matches("└─ search docs  \\[CLIENT\\] \\d+\\.\\d ms");
    assertThat(printed).doesNotContain("secret prompt").doesNotContain("not shown");
  }

  @Test
  void spans_ending_after_their_root_print_as_a_continuation_of_the_trace() {
    String printed =
        captureStderr(
            () -> {
              Llmetry llmetry =
                  Llmetry.init(
                      LlmetryConfig.builder()
                          .disableBatch()
                          .registerGlobal(false)
                          .shutdownHook(false)
                          .build());
              Tracer tracer = Instrumentation.of(llmetry.telemetry()).tracer();
              Span root = tracer.spanBuilder("invoke_workflow streaming").startSpan();
              Span agent =
                  tracer
                      .spanBuilder("invoke_agent Assistant.chat")
                      .setParent(io.opentelemetry.context.Context.root().with(root))
                      .startSpan();
              root.end(); // a workflow that returned before its streamed answer completed
              agent.end();
              llmetry.close();
            });

    List<String> lines = printed.lines().toList();
    assertThat(lines).hasSize(4);
    assertThat(lines.get(0)).matches("trace [0-9a-f]{32}");
    assertThat(lines.get(1)).startsWith("invoke_workflow streaming  [INTERNAL]");
    assertThat(lines.get(2)).matches("trace [0-9a-f]{32} \\(continued\\)");
    assertThat(lines.get(3)).startsWith("invoke_agent Assistant.chat  [INTERNAL]");
  }

  @Test
  void nothing_is_printed_when_an_exporter_is_configured() {
    io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter exporter =
        io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter.create();
    String printed =
        captureStderr(
            () -> {
              Llmetry llmetry =
                  Llmetry.init(
                      LlmetryConfig.builder()
                          .spanExporter(exporter)
                          .registerGlobal(false)
                          .shutdownHook(false)
                          .build());
              Instrumentation.of(llmetry.telemetry())
                  .tracer()
                  .spanBuilder("quiet")
                  .startSpan()
                  .end();
              llmetry.forceFlush(java.time.Duration.ofSeconds(5));
              // Read before close: the in-memory exporter forgets its spans on shutdown.
              assertThat(exporter.getFinishedSpanItems()).hasSize(1);
              llmetry.close();
            });

    assertThat(printed).doesNotContain("quiet");
  }

  private static String captureStderr(Runnable body) {
    PrintStream original = System.err;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    try {
      body.run();
    } finally {
      System.setErr(original);
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }
}
