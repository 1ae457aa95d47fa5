package io.llmetry4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.GlobalOpenTelemetry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The README's agentic demo, in-process: the stand-in through the real Ollama client, the trace
 * tree of the whole run on stderr (the tree the README shows).
 */
class AgenticDemoTest {

  @AfterEach
  void resetGlobal() {
    GlobalOpenTelemetry.resetForTest();
  }

  @Test
  void demo_runs_the_agentic_system_and_prints_its_trace_tree() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream originalErr = System.err;
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    Object answer;
    try {
      answer = AgenticDemo.run(new String[0], new PrintStream(out, true, StandardCharsets.UTF_8));
    } finally {
      System.setErr(originalErr);
    }

    assertThat(out.toString(StandardCharsets.UTF_8)).contains("answer: " + answer);
    List<String> tree = RagDemoTest.treeNames(err.toString(StandardCharsets.UTF_8));
    assertThat(tree.subList(0, 5))
        .containsExactly(
            "invoke_workflow explain-term",
            "├─ invoke_agent research",
            "│  ├─ chat llmetry4j-stand-in",
            "│  ├─ execute_tool glossary",
            "│  └─ chat llmetry4j-stand-in");
    // The parallel reviewers start in either order; each has its chat call under it.
    assertThat(tree.subList(5, tree.size()))
        .isIn(
            List.of(
                "└─ invoke_workflow review",
                "   ├─ invoke_agent summarize",
                "   │  └─ chat llmetry4j-stand-in",
                "   └─ invoke_agent critique",
                "      └─ chat llmetry4j-stand-in"),
            List.of(
                "└─ invoke_workflow review",
                "   ├─ invoke_agent critique",
                "   │  └─ chat llmetry4j-stand-in",
                "   └─ invoke_agent summarize",
                "      └─ chat llmetry4j-stand-in"));
  }
}
