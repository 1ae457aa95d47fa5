package io.llmetry4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.GlobalOpenTelemetry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * The demo's container path: Ollama (pulling a small model) and Milvus in Docker. Runs wherever
 * Docker can pull images; skipped without Docker, as on the project's own machines.
 */
@Testcontainers(disabledWithoutDocker = true)
class RagDemoContainersTest {

  @AfterEach
  void resetGlobal() {
    GlobalOpenTelemetry.resetForTest();
  }

  @Test
  void demo_runs_against_ollama_and_milvus_in_containers() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();

    String answer =
        RagDemo.run(
            new String[] {"What is a span in a trace?", "--model", "qwen2.5:0.5b"},
            new PrintStream(out, true, StandardCharsets.UTF_8));

    assertThat(answer).isNotBlank();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("model: qwen2.5:0.5b ready");
  }
}
