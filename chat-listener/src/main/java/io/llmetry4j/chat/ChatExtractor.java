package io.llmetry4j.chat;

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
import io.llmetry4j.core.internal.Instrumentation;
import io.llmetry4j.core.internal.Operation;
import io.llmetry4j.core.internal.SemconvAttributes;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import java.util.List;
import javax.annotation.Nullable;

/**
 * What a {@code chat {model}} span records, at its start (operation, provider, model, server,
 * request parameters; the input content once the span records) and at its end (response metadata,
 * token usage; the output content).
 */
final class ChatExtractor implements Operation.Extractor<ChatSpan, ChatResponse> {

  private final Instrumentation instrumentation;
  @Nullable private final String serverAddress;
  @Nullable private final Integer serverPort;
  private final ChatContentJson contentJson;

  ChatExtractor(
      Instrumentation instrumentation,
      @Nullable String serverAddress,
      @Nullable Integer serverPort) {
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
    if (call.streaming) {
      span.setAttribute(GEN_AI_REQUEST_STREAM, true);
    }
    if (instrumentation.openLlmetryCompat()) {
      span.setAttribute(OpenLlmetryAttributes.GEN_AI_SYSTEM, call.provider)
          .setAttribute(OpenLlmetryAttributes.LLM_REQUEST_TYPE, "chat");
    }
    ChatAttributes.onRequestParameters(span, call.request);
  }

  @Override
  public void onRecordingStart(Span span, ChatSpan call) {
    if (!instrumentation.captureContent()) {
      return;
    }
    List<ChatMessage> messages = call.request.messages();
    if (messages != null && !messages.isEmpty()) {
      setIfNotNull(span, GEN_AI_INPUT_MESSAGES, contentJson.inputMessages(messages));
      setIfNotNull(span, GEN_AI_SYSTEM_INSTRUCTIONS, contentJson.systemInstructions(messages));
      if (instrumentation.openLlmetryCompat()) {
        OpenLlmetryAttributes.prompts(span, messages, instrumentation);
      }
    }
    setIfNotNull(
        span,
        GEN_AI_TOOL_DEFINITIONS,
        contentJson.toolDefinitions(call.request.toolSpecifications()));
  }

  @Override
  public void onEnd(
      Span span, ChatSpan call, @Nullable ChatResponse response, @Nullable Throwable error) {
    if (response == null) {
      return;
    }
    String finishReason = ChatAttributes.onResponse(span, response);
    ChatResponseMetadata metadata = response.metadata();
    if (instrumentation.openLlmetryCompat()
        && metadata != null
        && metadata.tokenUsage() != null
        && metadata.tokenUsage().totalTokenCount() != null) {
      span.setAttribute(
          OpenLlmetryAttributes.LLM_USAGE_TOTAL_TOKENS,
          metadata.tokenUsage().totalTokenCount().longValue());
    }
    if (instrumentation.captureContent() && span.isRecording()) {
      span.setAttribute(
          GEN_AI_OUTPUT_MESSAGES, contentJson.outputMessages(response.aiMessage(), finishReason));
      if (instrumentation.openLlmetryCompat()) {
        OpenLlmetryAttributes.completion(span, response.aiMessage(), instrumentation);
      }
    }
  }

  private static void setIfNotNull(Span span, AttributeKey<String> key, @Nullable String value) {
    if (value != null) {
      span.setAttribute(key, value);
    }
  }
}
