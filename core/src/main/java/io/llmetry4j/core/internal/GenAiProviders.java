package io.llmetry4j.core.internal;

import java.util.Locale;
import java.util.Map;
import javax.annotation.Nullable;

/**
 * {@code gen_ai.provider.name} of a LangChain4j {@code ModelProvider}, by the constant's name (core
 * does not depend on LangChain4j, and constants added by newer versions fall back cleanly).
 *
 * <p>Not public API: shared by the llmetry4j modules, may change without notice.
 */
public final class GenAiProviders {

  /** {@code gen_ai.provider.name} when LangChain4j reports no provider. */
  public static final String UNKNOWN_PROVIDER = "langchain4j";

  private static final Map<String, String> BY_MODEL_PROVIDER =
      Map.ofEntries(
          Map.entry("OPEN_AI", "openai"),
          Map.entry("ANTHROPIC", "anthropic"),
          Map.entry("GOOGLE_AI_GEMINI", "gcp.gemini"),
          Map.entry("GOOGLE_VERTEX_AI_GEMINI", "gcp.vertex_ai"),
          Map.entry("GOOGLE_VERTEX_AI_ANTHROPIC", "gcp.vertex_ai"),
          Map.entry("AZURE_OPEN_AI", "azure.ai.openai"),
          Map.entry("GITHUB_MODELS", "azure.ai.inference"),
          Map.entry("MICROSOFT_FOUNDRY", "azure.ai.inference"),
          Map.entry("MISTRAL_AI", "mistral_ai"),
          Map.entry("AMAZON_BEDROCK", "aws.bedrock"),
          Map.entry("WATSONX", "ibm.watsonx.ai"),
          Map.entry("OLLAMA", "ollama"));

  private GenAiProviders() {}

  /** The provider of LangChain4j's {@code ModelProvider} constant named {@code constant}. */
  public static String ofModelProvider(@Nullable String constant) {
    if (constant == null || constant.equals("OTHER")) {
      return UNKNOWN_PROVIDER;
    }
    String known = BY_MODEL_PROVIDER.get(constant);
    return known != null ? known : constant.toLowerCase(Locale.ROOT);
  }
}
