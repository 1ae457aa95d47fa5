package io.llmetry4j.chat;

import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.output.FinishReason;
import io.llmetry4j.core.internal.GenAiProviders;
import java.util.Locale;
import javax.annotation.Nullable;

/** LangChain4j enums mapped to the well-known values of semconv 1.41.1. */
final class ProviderNames {

  private ProviderNames() {}

  static String providerName(@Nullable ModelProvider provider) {
    return GenAiProviders.ofModelProvider(provider == null ? null : provider.name());
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
