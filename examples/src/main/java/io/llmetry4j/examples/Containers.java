package io.llmetry4j.examples;

import java.io.PrintStream;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.milvus.MilvusContainer;
import org.testcontainers.ollama.OllamaContainer;

/** Ollama and Milvus in containers, for machines with Docker. */
final class Containers {

  static final String OLLAMA_IMAGE = "ollama/ollama:0.6.8";
  static final String MILVUS_IMAGE = "milvusdb/milvus:v2.5.10";

  private Containers() {}

  static boolean dockerAvailable() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException | LinkageError e) {
      return false;
    }
  }

  /** Starts Ollama and pulls {@code model}, reporting progress: the pull can take minutes. */
  static OllamaContainer ollama(String model, PrintStream out) throws Exception {
    out.println("model: starting " + OLLAMA_IMAGE + " ...");
    OllamaContainer ollama = new OllamaContainer(OLLAMA_IMAGE);
    ollama.start();
    out.println("model: pulling " + model + " (this can take several minutes) ...");
    long start = System.nanoTime();
    var result = ollama.execInContainer("ollama", "pull", model);
    if (result.getExitCode() != 0) {
      ollama.stop();
      throw new IllegalStateException("ollama pull " + model + " failed: " + result.getStderr());
    }
    out.printf(
        "model: %s ready in %d s at %s%n",
        model, (System.nanoTime() - start) / 1_000_000_000L, ollama.getEndpoint());
    return ollama;
  }

  static MilvusContainer milvus(PrintStream out) {
    out.println("store: starting " + MILVUS_IMAGE + " ...");
    MilvusContainer milvus = new MilvusContainer(MILVUS_IMAGE);
    milvus.start();
    return milvus;
  }
}
