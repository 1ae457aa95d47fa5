package io.llmetry4j.store;

import dev.langchain4j.model.embedding.EmbeddingModel;
import io.llmetry4j.core.internal.ClassNameRules;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.annotation.Nullable;

/**
 * {@code gen_ai.provider.name} and model name of an embedding model, from its class name so that no
 * provider module is a dependency. LangChain4j's in-process ONNX models (all-MiniLM-L6-v2 and
 * friends) get the provider {@value #IN_PROCESS_PROVIDER} and spans of kind INTERNAL.
 */
final class EmbeddingModels {

  static final String IN_PROCESS_PROVIDER = "langchain4j.onnx";

  // Checked in order against the lowercased fully qualified class name.
  private static final ClassNameRules PROVIDERS =
      new ClassNameRules(
          List.of(
              Map.entry(".onnx.", IN_PROCESS_PROVIDER),
              Map.entry("ollama", "ollama"),
              Map.entry("azureopenai", "azure.ai.openai"),
              Map.entry("openai", "openai"),
              Map.entry("vertexai", "gcp.vertex_ai"),
              Map.entry("googleai", "gcp.gemini"),
              Map.entry("mistral", "mistral_ai"),
              Map.entry("bedrock", "aws.bedrock"),
              Map.entry("watsonx", "ibm.watsonx.ai"),
              Map.entry("cohere", "cohere")));

  private EmbeddingModels() {}

  static String providerName(Class<?> modelClass) {
    String known = PROVIDERS.match(modelClass.getName());
    if (known != null) {
      return known;
    }
    String simple =
        modelClass.getSimpleName().toLowerCase(Locale.ROOT).replace("embeddingmodel", "");
    return simple.isEmpty() ? "langchain4j" : simple;
  }

  /**
   * The model's own name; for in-process models, which report none, the name derived from the class
   * (AllMiniLmL6V2EmbeddingModel → all-minilm-l6-v2, ...QuantizedEmbeddingModel → ...-q).
   */
  @Nullable
  static String modelName(EmbeddingModel model) {
    String reported;
    try {
      reported = model.modelName();
    } catch (Throwable e) {
      reported = null;
    }
    if (reported != null && !reported.isBlank() && !"unknown".equalsIgnoreCase(reported)) {
      return reported;
    }
    if (!IN_PROCESS_PROVIDER.equals(providerName(model.getClass()))) {
      return null;
    }
    String simple = model.getClass().getSimpleName().replace("EmbeddingModel", "");
    boolean quantized = simple.endsWith("Quantized");
    if (quantized) {
      simple = simple.substring(0, simple.length() - "Quantized".length());
    }
    // CamelCase with digits → kebab-case: AllMiniLmL6V2 → all-mini-lm-l6-v2 → all-minilm-l6-v2
    String kebab =
        simple
            .replaceAll("([a-z0-9])([A-Z])", "$1-$2")
            .toLowerCase(Locale.ROOT)
            .replace("mini-lm", "minilm");
    return quantized ? kebab + "-q" : kebab;
  }

  static boolean isInProcess(String provider) {
    return IN_PROCESS_PROVIDER.equals(provider);
  }
}
