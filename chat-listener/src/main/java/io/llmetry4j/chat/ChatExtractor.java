package io.llmetry4j.chat;

import static io.llmetry4j.core.internal.SemconvAttributes.GEN_AI_CONVERSATION_ID;
import static io.llmetry4j.core.internal.SemconvAttributes.GEN_AI_INPUT_MESSAGES;
import static io.llmetry4j.core.internal.SemconvAttributes.GEN_AI_OPERATION_NAME;
import static io.llmetry4j.core.internal.SemconvAttributes.GEN_AI_OUTPUT_MESSAGES;
import static io.llmetry4j.core.internal.SemconvAttributes.GEN_AI_PROVIDER_NAME;
import static io.llmetry4j.core.internal.SemconvAttributes.GEN_AI_REQUEST_MODEL;
import static io.llmetry4j.core.internal.SemconvAttributes.GEN_AI_REQUEST_STREAM;
import static io.llmetry4j.core.internal.SemconvAttributes.GEN_AI_SYSTEM_INSTRUCTIONS;
import static io.llmetry4j.core.internal.SemconvAttributes.GEN_AI_TOOL_DEFINITIONS;
import static io.llmetry4j.core.internal.SemconvAttributes.SERVER_ADDRESS;
import static io.llmetry4j.core.internal.SemconvAttributes.SERVER_PORT;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.ChatResponseMetadata;
import dev.langchain4j.model.output.TokenUsage;
import io.llmetry4j.core.internal.Instrumentation;
import io.llmetry4j.core.internal.Operation;
import io.llmetry4j.core.internal.SemconvAttributes;
import io.llmetry4j.core.internal.TraceloopAttributes;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import java.util.List;
import java.util.Set;
import javax.annotation.Nullable;

/**
 * What a {@code chat {model}} span records, at its start (operation, provider, model, server,
 * request parameters; the input content once the span records) and at its end (response metadata,
 * token usage; the output content).
 */
final class ChatExtractor implements Operation.Extractor<ChatSpan, ChatResponse> {

  /**
   * llmetry4j's own: how many of the oldest input messages the content budget left out (the JSON
   * says so too, in a marker message).
   */
  static final AttributeKey<Long> CONTENT_OMITTED_MESSAGES =
      AttributeKey.longKey("llmetry4j.content.omitted_messages");

  /**
   * Providers whose APIs take system instructions apart from the chat history: there, system
   * messages are {@code gen_ai.system_instructions}; elsewhere they are part of {@code
   * gen_ai.input.messages} (semconv 1.41.1, {@code gen_ai.system_instructions}).
   */
  static final Set<String> SYSTEM_APART =
      Set.of("anthropic", "gcp.gemini", "gcp.vertex_ai", "gcp.gen_ai", "aws.bedrock");

  private final Instrumentation instrumentation;
  @Nullable private final String serverAddress;
  @Nullable private final Integer serverPort;
  private final ChatContentJson contentJson;

  /** OpenLLMetry's {@code gen_ai.openai.api_base}: the base URL given to the listener, if any. */
  @Nullable private final String openAiApiBase;

  ChatExtractor(
      Instrumentation instrumentation,
      @Nullable String serverAddress,
      @Nullable Integer serverPort,
      @Nullable String openAiApiBase) {
    this.openAiApiBase = openAiApiBase;
    this.instrumentation = instrumentation;
    this.serverAddress = serverAddress;
    this.serverPort = serverPort;
    this.contentJson = new ChatContentJson(instrumentation);
  }

  @Override
  public void onStart(SpanBuilder span, ChatSpan call) {
    span.setAttribute(GEN_AI_OPERATION_NAME, SemconvAttributes.OperationName.CHAT)
        .setAttribute(GEN_AI_PROVIDER_NAME, call.provider);
    String model = call.request.modelName();
    if (model != null) {
      span.setAttribute(GEN_AI_REQUEST_MODEL, model);
    }
    if (serverAddress != null) {
      span.setAttribute(SERVER_ADDRESS, serverAddress);
      if (serverPort != null) {
        span.setAttribute(SERVER_PORT, serverPort.longValue());
      }
    }
    if (call.conversationId != null) {
      span.setAttribute(GEN_AI_CONVERSATION_ID, call.conversationId);
    }
    if (call.streaming) {
      span.setAttribute(GEN_AI_REQUEST_STREAM, true);
    }
    if (instrumentation.openLlmetryCompat()) {
      span.setAttribute(
              TraceloopAttributes.GEN_AI_SYSTEM, TraceloopAttributes.system(call.provider))
          .setAttribute(TraceloopAttributes.LLM_REQUEST_TYPE, "chat")
          .setAttribute(TraceloopAttributes.LLM_IS_STREAMING, call.streaming);
      if (openAiApiBase != null && call.openAiClient) {
        span.setAttribute(OpenLlmetryAttributes.GEN_AI_OPENAI_API_BASE, openAiApiBase);
      }
    }
    ChatAttributes.onRequestParameters(span, call.request, instrumentation.latestExperimental());
  }

  @Override
  public void onRecordingStart(Span span, ChatSpan call) {
    boolean onSpan = instrumentation.captureContent();
    if (!onSpan && !instrumentation.captureContentEvents()) {
      return;
    }
    // The span's content budget: half for OpenLLMetry's copies in compat mode; of the rest, a
    // quarter is kept for the answer, tools and system instructions take what they need within an
    // eighth and a quarter, the input messages the remainder, newest first.
    int budget = semconvBudget();
    int used = 0;
    ChatEvent.Content content = new ChatEvent.Content();
    content.tools = contentJson.toolDefinitions(call.request.toolSpecifications(), budget / 8);
    if (content.tools != null) {
      used += content.tools.length();
    }
    List<ChatMessage> messages = call.request.messages();
    long omitted = 0;
    if (messages != null && !messages.isEmpty()) {
      boolean systemInHistory = !SYSTEM_APART.contains(call.provider);
      if (!systemInHistory) {
        content.system = contentJson.systemInstructions(messages, budget / 4);
        if (content.system != null) {
          used += content.system.length();
        }
      }
      ChatContentJson.InputMessages input =
          contentJson.inputMessages(messages, systemInHistory, budget - budget / 4 - used);
      content.input = input.json;
      if (input.json != null) {
        used += input.json.length();
      }
      omitted = input.omitted;
    }
    call.contentCharsUsed = used;
    if (instrumentation.captureContentEvents()) {
      call.eventContent = content;
    }
    if (!onSpan) {
      return;
    }
    setIfNotNull(span, GEN_AI_TOOL_DEFINITIONS, content.tools);
    setIfNotNull(span, GEN_AI_SYSTEM_INSTRUCTIONS, content.system);
    setIfNotNull(span, GEN_AI_INPUT_MESSAGES, content.input);
    if (omitted > 0) {
      span.setAttribute(CONTENT_OMITTED_MESSAGES, omitted);
    }
    if (instrumentation.openLlmetryCompat()) {
      if (messages != null && !messages.isEmpty()) {
        OpenLlmetryAttributes.prompts(span, messages, budget / 2, instrumentation);
      }
      OpenLlmetryAttributes.functions(
          span, call.request.toolSpecifications(), budget / 8, instrumentation);
    }
  }

  /** The part of the span's content budget for the semconv attributes. */
  private int semconvBudget() {
    int budget = instrumentation.spanContentBudget();
    return instrumentation.openLlmetryCompat() ? budget / 2 : budget;
  }

  @Override
  public void onEnd(
      Span span, ChatSpan call, @Nullable ChatResponse response, @Nullable Throwable error) {
    if (response == null) {
      return;
    }
    String finishReason =
        ChatAttributes.onResponse(span, response, instrumentation.latestExperimental());
    ChatResponseMetadata metadata = response.metadata();
    if (instrumentation.openLlmetryCompat() && metadata != null) {
      openLlmetryUsage(span, metadata);
    }
    boolean onSpan = instrumentation.captureContent();
    ChatEvent.Content eventContent = call.eventContent;
    if ((onSpan || eventContent != null) && span.isRecording()) {
      int budget = semconvBudget();
      String output =
          contentJson.outputMessages(
              response.aiMessage(), finishReason, budget - call.contentCharsUsed);
      if (eventContent != null) {
        eventContent.output = output;
        ChatEvent.emit(instrumentation, span, call, response, finishReason, eventContent);
      }
      if (onSpan) {
        span.setAttribute(GEN_AI_OUTPUT_MESSAGES, output);
      }
      if (onSpan && instrumentation.openLlmetryCompat()) {
        OpenLlmetryAttributes.completion(
            span,
            response.aiMessage(),
            metadata == null ? null : metadata.finishReason(),
            budget / 4,
            instrumentation);
      }
    }
  }

  /** OpenLLMetry's token keys (early-2025 names) and OpenAI's fingerprint under its key. */
  private static void openLlmetryUsage(Span span, ChatResponseMetadata metadata) {
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
      span.setAttribute(
          OpenLlmetryAttributes.GEN_AI_OPENAI_SYSTEM_FINGERPRINT, (String) fingerprint);
    }
  }

  private static void setIfNotNull(Span span, AttributeKey<String> key, @Nullable String value) {
    if (value != null) {
      span.setAttribute(key, value);
    }
  }
}
