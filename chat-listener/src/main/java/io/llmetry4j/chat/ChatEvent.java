package io.llmetry4j.chat;

import static io.llmetry4j.core.internal.SemconvAttributes.GEN_AI_INPUT_MESSAGES;
import static io.llmetry4j.core.internal.SemconvAttributes.GEN_AI_OUTPUT_MESSAGES;
import static io.llmetry4j.core.internal.SemconvAttributes.GEN_AI_SYSTEM_INSTRUCTIONS;
import static io.llmetry4j.core.internal.SemconvAttributes.GEN_AI_TOOL_DEFINITIONS;

import dev.langchain4j.model.chat.response.ChatResponse;
import io.llmetry4j.core.internal.Instrumentation;
import io.llmetry4j.core.internal.SemconvAttributes;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.logs.LogRecordBuilder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.List;
import javax.annotation.Nullable;

/**
 * The {@code gen_ai.client.inference.operation.details} event (semconv 1.41.1, {@code
 * model/gen-ai/events.yaml}; opt-in): a log record in the chat span's context with the call's
 * attributes and, where content goes to events ({@code EVENT_ONLY}, {@code SPAN_AND_EVENT}), its
 * content. The content attributes are JSON text: the Java logs API of the OpenTelemetry versions
 * llmetry4j supports has no structured attribute values.
 */
final class ChatEvent {

  static final String NAME = "gen_ai.client.inference.operation.details";

  /** Set as an attribute where the logs API predates {@code setEventName} (API before 1.50). */
  private static final AttributeKey<String> EVENT_NAME = AttributeKey.stringKey("event.name");

  // LogRecordBuilder.setEventName (API 1.50+), looked up once: the range starts at 1.49.
  @Nullable private static final MethodHandle SET_EVENT_NAME = setEventName();

  private ChatEvent() {}

  @Nullable
  private static MethodHandle setEventName() {
    try {
      return MethodHandles.publicLookup()
          .findVirtual(
              LogRecordBuilder.class,
              "setEventName",
              MethodType.methodType(LogRecordBuilder.class, String.class));
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  /** The content of one call, built once for the span's budget. */
  static final class Content {
    @Nullable String input;
    @Nullable String system;
    @Nullable String tools;
    @Nullable String output;
  }

  static void emit(
      Instrumentation instrumentation,
      Span span,
      ChatSpan call,
      ChatResponse response,
      @Nullable String finishReason,
      Content content) {
    LogRecordBuilder event =
        instrumentation.eventLogger().logRecordBuilder().setContext(Context.root().with(span));
    boolean named = false;
    if (SET_EVENT_NAME != null) {
      try {
        SET_EVENT_NAME.invoke(event, NAME);
        named = true;
      } catch (Throwable e) {
        // the attribute below says it
      }
    }
    if (!named) {
      event.setAttribute(EVENT_NAME, NAME);
    }
    event
        .setAttribute(SemconvAttributes.GEN_AI_OPERATION_NAME, SemconvAttributes.OperationName.CHAT)
        .setAttribute(SemconvAttributes.GEN_AI_PROVIDER_NAME, call.provider);
    setIfNotNull(event, SemconvAttributes.GEN_AI_REQUEST_MODEL, call.request.modelName());
    setIfNotNull(
        event, SemconvAttributes.GEN_AI_RESPONSE_MODEL, ChatAttributes.responseModel(response));
    if (response.metadata() != null) {
      setIfNotNull(event, SemconvAttributes.GEN_AI_RESPONSE_ID, response.metadata().id());
    }
    if (finishReason != null) {
      event.setAttribute(SemconvAttributes.GEN_AI_RESPONSE_FINISH_REASONS, List.of(finishReason));
    }
    Long input = ChatAttributes.inputTokens(response);
    if (input != null) {
      event.setAttribute(SemconvAttributes.GEN_AI_USAGE_INPUT_TOKENS, input);
    }
    Long output = ChatAttributes.outputTokens(response);
    if (output != null) {
      event.setAttribute(SemconvAttributes.GEN_AI_USAGE_OUTPUT_TOKENS, output);
    }
    setIfNotNull(event, GEN_AI_INPUT_MESSAGES, content.input);
    setIfNotNull(event, GEN_AI_SYSTEM_INSTRUCTIONS, content.system);
    setIfNotNull(event, GEN_AI_TOOL_DEFINITIONS, content.tools);
    setIfNotNull(event, GEN_AI_OUTPUT_MESSAGES, content.output);
    event.emit();
  }

  private static void setIfNotNull(
      LogRecordBuilder event, AttributeKey<String> key, @Nullable String value) {
    if (value != null) {
      event.setAttribute(key, value);
    }
  }
}
