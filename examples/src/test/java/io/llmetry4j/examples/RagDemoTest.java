package io.llmetry4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.GlobalOpenTelemetry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The README's demo command, in-process: on this machine (no Ollama, no Docker) it runs the
 * stand-in through the real Ollama client, answers from the bundled pages and prints the trace.
 */
class RagDemoTest {

  static final List<String> EXPECTED_TREE =
      List.of(
          "invoke_workflow answer-question",
          "└─ invoke_agent Assistant",
          "   ├─ retrieval_augmentation",
          "   │  ├─ transform_query",
          "   │  ├─ route_query",
          "   │  ├─ retrieval docs",
          "   │  │  ├─ embeddings all-minilm-l6-v2",
          "   │  │  └─ search docs",
          "   │  ├─ aggregate_content",
          "   │  └─ inject_content",
          "   ├─ chat llmetry4j-stand-in",
          "   ├─ execute_tool glossary",
          "   └─ chat llmetry4j-stand-in");

  @AfterEach
  void resetGlobal() {
    GlobalOpenTelemetry.resetForTest();
  }

  @Test
  void demo_answers_from_the_bundled_pages_and_prints_the_trace_tree() throws Exception {
    Set<Thread> before = liveNonDaemonThreads();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream originalErr = System.err;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    String answer;
    try {
      answer = RagDemo.run(new String[0], new PrintStream(out, true, StandardCharsets.UTF_8));
    } finally {
      System.setErr(originalErr);
    }

    String stdout = out.toString(StandardCharsets.UTF_8);
    assertThat(stdout)
        .contains("a local stand-in answers: it is not an LLM")
        .contains("embedding documents: done")
        .contains("answer: " + answer)
        // The viewer is on: its address beside the trace tree.
        .containsPattern("viewer: http://127\\.0\\.0\\.1:\\d+/");
    assertThat(err.toString(StandardCharsets.UTF_8))
        .containsPattern("llmetry4j viewer: http://127\\.0\\.0\\.1:\\d+/");
    assertDrawnFromPages(answer);
    assertThat(answer).endsWith(" Glossary: a span is one timed operation of a trace.");
    assertThat(treeNames(err.toString(StandardCharsets.UTF_8))).isEqualTo(EXPECTED_TREE);
    assertThat(liveNonDaemonThreads()).as("threads left running").isSubsetOf(before);
  }

  @Test
  void streaming_demo_gives_the_same_tree() throws Exception {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream originalErr = System.err;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    String answer;
    try {
      answer =
          RagDemo.run(
              new String[] {"What is baggage?", "--stream"},
              new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    } finally {
      System.setErr(originalErr);
    }

    assertDrawnFromPages(answer);
    assertThat(answer).contains("Baggage carries key-value pairs");
    assertThat(treeNames(err.toString(StandardCharsets.UTF_8)))
        .isEqualTo(
            EXPECTED_TREE.stream()
                .map(
                    line ->
                        line.replace("invoke_agent Assistant", "invoke_agent StreamingAssistant"))
                .collect(Collectors.toList()));
  }

  /** The answer quotes a sentence of the bundled pages (before what the tool added). */
  static void assertDrawnFromPages(String answer) throws java.io.IOException {
    StringBuilder pages = new StringBuilder();
    for (String page : DemoDocuments.PAGES) {
      try (var in = RagDemoTest.class.getResourceAsStream("/docs/" + page)) {
        pages.append(new String(in.readAllBytes(), StandardCharsets.UTF_8)).append(' ');
      }
    }
    String quoted =
        answer.contains(" Glossary:") ? answer.substring(0, answer.indexOf(" Glossary:")) : answer;
    assertThat(quoted).hasSizeGreaterThan(20);
    assertThat(pages.toString().replaceAll("\\s+", " ")).contains(quoted.replaceAll("\\s+", " "));
  }

  /** The printed tree's lines without duration and attributes; the tree must be one trace. */
  static List<String> treeNames(String stderr) {
    assertThat(stderr.lines().filter(line -> line.startsWith("trace "))).as(stderr).hasSize(1);
    return stderr
        .lines()
        .filter(line -> line.contains("  ["))
        .map(line -> line.substring(0, line.indexOf("  [")))
        .collect(Collectors.toList());
  }

  private static Set<Thread> liveNonDaemonThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && !t.isDaemon())
        .collect(Collectors.toSet());
  }
}
