package io.llmetry4j.chat;

import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.output.FinishReason;
import java.util.Locale;
import java.util.Map;
import javax.annotation.Nullable;

/** LangChain4j enums mapped to the well-known values of semconv 1.41.1. */
final class ProviderNames {

  /** {@code gen_ai.provider.name} when LangChain4j reports no provider. */
  static final String UNKNOWN_PROVIDER = "langchain4j";

  // By enum name, so that constants added by newer LangChain4j versions fall back cleanly.
  private static final Map<String, String> PROVIDERS =
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

  private ProviderNames() {}

  static String providerName(@Nullable ModelProvider provider) {
    if (provider == null || provider == ModelProvider.OTHER) {
      return UNKNOWN_PROVIDER;
    }
    String known = PROVIDERS.get(provider.name());
    return known != null ? known : provider.name().toLowerCase(Locale.ROOT);
  }

  /** {@code gen_ai.response.finish_reasons} value; null when the model reported none. */
  @Nullable
  static String finishReason(@Nullable FinishReason reason) {
    if (reason == null) {
      return null;
    }
    switch (reason.name()) {
      case "STOP":
        return "stop";
      case "LENGTH":
        return "length";
      case "TOOL_EXECUTION":
        return "tool_call";
      case "CONTENT_FILTER":
        return "content_filter";
      default:
        return reason.name().toLowerCase(Locale.ROOT);
    }
  }
}
