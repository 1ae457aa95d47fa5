package io.llmetry4j.chat;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import io.llmetry4j.core.internal.Instrumentation;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import java.util.List;
import javax.annotation.Nullable;

/**
 * The attribute names OpenLLMetry emits, for backends and dashboards built for its data (compat
 * mode only). Indexed keys are built once and cached: no string formatting per call.
 */
final class OpenLlmetryAttributes {

  static final AttributeKey<String> GEN_AI_SYSTEM = AttributeKey.stringKey("gen_ai.system");
  static final AttributeKey<String> LLM_REQUEST_TYPE = AttributeKey.stringKey("llm.request.type");
  static final AttributeKey<Long> LLM_USAGE_TOTAL_TOKENS =
      AttributeKey.longKey("llm.usage.total_tokens");

  private static final int CACHED_INDEXES = 64;
  private static final IndexedKeys PROMPTS = new IndexedKeys("gen_ai.prompt.");
  private static final IndexedKeys COMPLETIONS = new IndexedKeys("gen_ai.completion.");

  private OpenLlmetryAttributes() {}

  static void prompts(Span span, List<ChatMessage> messages, Instrumentation telemetry) {
    int index = 0;
    for (ChatMessage message : messages) {
      if (message == null) {
        continue;
      }
      span.setAttribute(PROMPTS.role(index), role(message));
      String content = telemetry.content(text(message));
      if (content != null) {
        span.setAttribute(PROMPTS.content(index), content);
      }
      index++;
    }
  }

  static void completion(Span span, @Nullable AiMessage message, Instrumentation telemetry) {
    if (message == null) {
      return;
    }
    span.setAttribute(COMPLETIONS.role(0), "assistant");
    String content = telemetry.content(message.text());
    if (content != null) {
      span.setAttribute(COMPLETIONS.content(0), content);
    }
  }

  private static String role(ChatMessage message) {
    if (message instanceof SystemMessage) {
      return "system";
    }
    if (message instanceof UserMessage) {
      return "user";
    }
    if (message instanceof AiMessage) {
      return "assistant";
    }
    if (message instanceof ToolExecutionResultMessage) {
      return "tool";
    }
    return message.type().name().toLowerCase(java.util.Locale.ROOT);
  }

  @Nullable
  private static String text(ChatMessage message) {
    if (message instanceof SystemMessage) {
      return ((SystemMessage) message).text();
    }
    if (message instanceof UserMessage) {
      UserMessage user = (UserMessage) message;
      if (user.hasSingleText()) {
        return user.singleText();
      }
      StringBuilder text = new StringBuilder();
      for (Content content : user.contents()) {
        if (content instanceof TextContent) {
          text.append(((TextContent) content).text());
        }
      }
      return text.toString();
    }
    if (message instanceof AiMessage) {
      return ((AiMessage) message).text();
    }
    if (message instanceof ToolExecutionResultMessage) {
      return ((ToolExecutionResultMessage) message).text();
    }
    return null;
  }

  /** {@code prefix + N + ".role"} and {@code ".content"} keys, cached for the first indexes. */
  private static final class IndexedKeys {
    private final String prefix;
    private final AttributeKey<String>[] roles;
    private final AttributeKey<String>[] contents;

    @SuppressWarnings("unchecked")
    IndexedKeys(String prefix) {
      this.prefix = prefix;
      roles = new AttributeKey[CACHED_INDEXES];
      contents = new AttributeKey[CACHED_INDEXES];
      for (int i = 0; i < CACHED_INDEXES; i++) {
        roles[i] = AttributeKey.stringKey(prefix + i + ".role");
        contents[i] = AttributeKey.stringKey(prefix + i + ".content");
      }
    }

    AttributeKey<String> role(int index) {
      return index < CACHED_INDEXES
          ? roles[index]
          : AttributeKey.stringKey(prefix + index + ".role");
    }

    AttributeKey<String> content(int index) {
      return index < CACHED_INDEXES
          ? contents[index]
          : AttributeKey.stringKey(prefix + index + ".content");
    }
  }
}
