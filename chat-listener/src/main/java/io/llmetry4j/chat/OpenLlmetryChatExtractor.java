package io.llmetry4j.chat;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.internal.JsonSchemaElementUtils;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.ChatResponseMetadata;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import io.llmetry4j.core.internal.Instrumentation;
import io.llmetry4j.core.internal.JsonWriter;
import io.llmetry4j.core.internal.Operation;
import io.llmetry4j.core.internal.TraceloopAttributes;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.annotation.Nullable;

/**
 * What OpenLLMetry's chat instrumentations record, for a {@code chat} span in OpenLLMetry
 * compatibility mode (added to the operation only then): {@code gen_ai.system}, {@code
 * llm.request.type}, {@code llm.is_streaming}, OpenAI's {@code gen_ai.openai.*}, OpenLLMetry's
 * token keys and, with content capture on, the indexed {@code gen_ai.prompt.N.*} with tool calls
 * and tool-call ids, {@code gen_ai.completion.0.*} with finish reason and tool calls, {@code
 * llm.request.functions.N.*}. Names and value formats follow OpenLLMetry's Ollama and OpenAI
 * instrumentations (traceloop/openllmetry, early-2025 releases); keys are built once and cached.
 * Its content takes the half of each span's content budget that {@link
 * Instrumentation#semconvContentBudget()} leaves.
 */
final class OpenLlmetryChatExtractor implements Operation.Extractor<ChatSpan, ChatResponse> {

  private static final TraceloopAttributes.IndexedKeys PROMPTS = TraceloopAttributes.PROMPTS;
  private static final TraceloopAttributes.IndexedKeys COMPLETIONS =
      TraceloopAttributes.COMPLETIONS;
  private static final TraceloopAttributes.IndexedKeys FUNCTIONS = TraceloopAttributes.FUNCTIONS;

  static final AttributeKey<String> GEN_AI_OPENAI_API_BASE =
      AttributeKey.stringKey("gen_ai.openai.api_base");
  static final AttributeKey<String> GEN_AI_OPENAI_SYSTEM_FINGERPRINT =
      AttributeKey.stringKey("gen_ai.openai.system_fingerprint");

  /** Messages of a request OpenLLMetry's keys carry at most: each is two or more attributes. */
  static final int MAX_PROMPTS = TraceloopAttributes.MAX_INDEXED;

  /** Tool calls per message that get keys. */
  private static final int MAX_TOOL_CALLS = 8;

  // "tool_calls.M.id" / ".name" / ".arguments", built once.
  private static final String[][] TOOL_CALL_SUFFIXES = toolCallSuffixes();

  private final Instrumentation instrumentation;

  /** OpenLLMetry's {@code gen_ai.openai.api_base}: the base URL given to the listener, if any. */
  @Nullable private final String openAiApiBase;

  OpenLlmetryChatExtractor(Instrumentation instrumentation, @Nullable String openAiApiBase) {
    this.instrumentation = instrumentation;
    this.openAiApiBase = openAiApiBase;
  }

  @Override
  public void onStart(SpanBuilder span, ChatSpan call) {
    span.setAttribute(TraceloopAttributes.GEN_AI_SYSTEM, TraceloopAttributes.system(call.provider))
        .setAttribute(TraceloopAttributes.LLM_REQUEST_TYPE, "chat")
        .setAttribute(TraceloopAttributes.LLM_IS_STREAMING, call.streaming);
    if (openAiApiBase != null && call.openAiClient) {
      span.setAttribute(GEN_AI_OPENAI_API_BASE, openAiApiBase);
    }
  }

  @Override
  public void onRecordingStart(Span span, ChatSpan call) {
    if (!instrumentation.captureContent()) {
      return;
    }
    int budget = instrumentation.semconvContentBudget();
    List<ChatMessage> messages = call.request.messages();
    if (messages != null && !messages.isEmpty()) {
      prompts(span, messages, budget / 2, instrumentation);
    }
    functions(span, call.request.toolSpecifications(), budget / 8, instrumentation);
  }

  @Override
  public void onEnd(
      Span span, ChatSpan call, @Nullable ChatResponse response, @Nullable Throwable error) {
    if (response == null) {
      return;
    }
    ChatResponseMetadata metadata = response.metadata();
    if (metadata != null) {
      usage(span, metadata);
    }
    if (instrumentation.captureContent() && span.isRecording()) {
      completion(
          span,
          response.aiMessage(),
          metadata == null ? null : metadata.finishReason(),
          instrumentation.semconvContentBudget() / 4,
          instrumentation);
    }
  }

  /** OpenLLMetry's token keys (early-2025 names) and OpenAI's fingerprint under its key. */
  private static void usage(Span span, ChatResponseMetadata metadata) {
    TokenUsage usage = metadata.tokenUsage();
    if (usage != null) {
      if (usage.inputTokenCount() != null) {
        span.setAttribute(
            TraceloopAttributes.GEN_AI_USAGE_PROMPT_TOKENS, usage.inputTokenCount().longValue());
      }
      if (usage.outputTokenCount() != null) {
        span.setAttribute(
            TraceloopAttributes.GEN_AI_USAGE_COMPLETION_TOKENS,
            usage.outputTokenCount().longValue());
      }
      if (usage.totalTokenCount() != null) {
        span.setAttribute(
            TraceloopAttributes.LLM_USAGE_TOTAL_TOKENS, usage.totalTokenCount().longValue());
      }
    }
    Object fingerprint = ProviderExtras.SYSTEM_FINGERPRINT.read(metadata);
    if (fingerprint instanceof String) {
      span.setAttribute(GEN_AI_OPENAI_SYSTEM_FINGERPRINT, (String) fingerprint);
    }
  }

  /**
   * {@code gen_ai.prompt.N.*} of the newest messages that fit in {@code allowance} characters (at
   * most {@value #MAX_PROMPTS}, so that they never crowd the span's own attributes out of the SDK's
   * attribute count limit), numbered from 0 for the oldest one kept.
   */
  private static void prompts(
      Span span, List<ChatMessage> messages, int allowance, Instrumentation telemetry) {
    int first = messages.size();
    int chars = 0;
    int count = 0;
    while (first > 0 && count < MAX_PROMPTS) {
      ChatMessage message = messages.get(first - 1);
      if (message != null) {
        String text = text(message);
        int length = text == null ? 0 : Math.min(text.length(), telemetry.maxContentLength());
        if (count > 0 && chars + length > allowance) {
          break;
        }
        chars += length;
        count++;
      }
      first--;
    }
    int index = 0;
    int[] remaining = {allowance};
    for (int i = first; i < messages.size(); i++) {
      ChatMessage message = messages.get(i);
      if (message == null) {
        continue;
      }
      span.setAttribute(PROMPTS.key(index, "role"), role(message));
      String content = telemetry.content(text(message), Math.max(1, remaining[0]));
      if (content != null && !content.isEmpty()) {
        span.setAttribute(PROMPTS.key(index, "content"), content);
        remaining[0] -= content.length();
      }
      if (message instanceof ToolExecutionResultMessage
          && ((ToolExecutionResultMessage) message).id() != null) {
        span.setAttribute(
            PROMPTS.key(index, "tool_call_id"), ((ToolExecutionResultMessage) message).id());
      }
      if (message instanceof AiMessage) {
        toolCalls(span, PROMPTS, index, (AiMessage) message, remaining, telemetry);
      }
      index++;
    }
  }

  /** {@code gen_ai.completion.0.*}: role, content, finish reason and tool calls of the answer. */
  private static void completion(
      Span span,
      @Nullable AiMessage message,
      @Nullable FinishReason finishReason,
      int allowance,
      Instrumentation telemetry) {
    if (message == null) {
      return;
    }
    span.setAttribute(COMPLETIONS.key(0, "role"), "assistant");
    String finish = finishReason(finishReason);
    if (finish != null) {
      span.setAttribute(COMPLETIONS.key(0, "finish_reason"), finish);
    }
    int[] remaining = {allowance};
    String content = telemetry.content(message.text(), allowance);
    if (content != null && !content.isEmpty()) {
      span.setAttribute(COMPLETIONS.key(0, "content"), content);
      remaining[0] -= content.length();
    }
    toolCalls(span, COMPLETIONS, 0, message, remaining, telemetry);
  }

  /** {@code llm.request.functions.N.{name,description,parameters}} of the tools offered. */
  private static void functions(
      Span span,
      @Nullable List<ToolSpecification> tools,
      int allowance,
      Instrumentation telemetry) {
    if (tools == null) {
      return;
    }
    int remaining = allowance;
    for (int i = 0; i < tools.size() && i < MAX_PROMPTS && remaining > 0; i++) {
      ToolSpecification tool = tools.get(i);
      span.setAttribute(FUNCTIONS.key(i, "name"), tool.name());
      String description = telemetry.content(tool.description(), remaining);
      if (description != null) {
        span.setAttribute(FUNCTIONS.key(i, "description"), description);
        remaining -= description.length();
      }
      String parameters = parametersJson(tool);
      if (parameters != null
          && parameters.length() <= Math.min(remaining, telemetry.maxContentLength())) {
        span.setAttribute(FUNCTIONS.key(i, "parameters"), parameters);
        remaining -= parameters.length();
      }
    }
  }

  /** OpenAI's own finish reason values, which OpenLLMetry records as they come. */
  @Nullable
  static String finishReason(@Nullable FinishReason reason) {
    if (reason == null) {
      return null;
    }
    switch (reason.name()) {
      case "TOOL_EXECUTION":
        return "tool_calls";
      default:
        return reason.name().toLowerCase(Locale.ROOT);
    }
  }

  private static void toolCalls(
      Span span,
      TraceloopAttributes.IndexedKeys keys,
      int index,
      AiMessage message,
      int[] remaining,
      Instrumentation telemetry) {
    if (!message.hasToolExecutionRequests()) {
      return;
    }
    List<ToolExecutionRequest> requests = message.toolExecutionRequests();
    for (int j = 0; j < requests.size() && j < MAX_TOOL_CALLS; j++) {
      ToolExecutionRequest request = requests.get(j);
      String[] suffixes = TOOL_CALL_SUFFIXES[j];
      if (request.id() != null) {
        span.setAttribute(keys.key(index, suffixes[0]), request.id());
      }
      if (request.name() != null) {
        span.setAttribute(keys.key(index, suffixes[1]), request.name());
      }
      // The JSON text as the model sent it (OpenLLMetry records it so).
      String arguments = telemetry.content(request.arguments(), Math.max(1, remaining[0]));
      if (arguments != null) {
        span.setAttribute(keys.key(index, suffixes[2]), arguments);
        remaining[0] -= arguments.length();
      }
    }
  }

  /** The tool's parameters as JSON Schema text, or null when LangChain4j cannot give them. */
  @Nullable
  private static String parametersJson(ToolSpecification tool) {
    if (tool.parameters() == null) {
      return null;
    }
    try {
      JsonWriter json = new JsonWriter(256);
      write(json, JsonSchemaElementUtils.toMap(tool.parameters()));
      return json.toString();
    } catch (Throwable e) {
      // LangChain4j's internal helper moved or a schema nests too deep: no parameters key.
      return null;
    }
  }

  private static void write(JsonWriter json, @Nullable Object value) {
    if (value instanceof Map) {
      json.beginObject();
      for (Map.Entry<?, ?> entry : ((Map<?, ?>) value).entrySet()) {
        json.escapedName(String.valueOf(entry.getKey()));
        write(json, entry.getValue());
      }
      json.endObject();
    } else if (value instanceof Iterable) {
      json.beginArray();
      for (Object item : (Iterable<?>) value) {
        write(json, item);
      }
      json.endArray();
    } else if (value instanceof Boolean) {
      json.rawValue(value.toString());
    } else if (value instanceof Long || value instanceof Integer) {
      json.value(((Number) value).longValue());
    } else if (value instanceof Number) {
      json.value(((Number) value).doubleValue());
    } else {
      json.value(value == null ? null : String.valueOf(value));
    }
  }

  private static String[][] toolCallSuffixes() {
    String[][] suffixes = new String[MAX_TOOL_CALLS][];
    for (int j = 0; j < MAX_TOOL_CALLS; j++) {
      String call = "tool_calls." + j + ".";
      suffixes[j] = new String[] {call + "id", call + "name", call + "arguments"};
    }
    return suffixes;
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
    return message.type().name().toLowerCase(Locale.ROOT);
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
}
