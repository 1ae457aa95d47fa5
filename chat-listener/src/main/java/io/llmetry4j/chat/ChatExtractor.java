package io.llmetry4j.chat;

import static io.llmetry4j.core.internal.SemconvAttributes.GEN_AI_CONVERSATION_ID;
import static io.llmetry4j.core.internal.SemconvAttributes.GEN_AI_INPUT_MESSAGES;
import static io.llmetry4j.core.internal.SemconvAttributes.GEN_AI_OPERATION_NAME;
import static io.llmetry4j.core.internal.SemconvAttributes.GEN_AI_OUTPUT_MESSAGES;
import static io.llmetry4j.core.internal.SemconvAttributes.GEN_AI_OUTPUT_TYPE;
import static io.llmetry4j.core.internal.SemconvAttributes.GEN_AI_PROVIDER_NAME;
import static io.llmetry4j.core.internal.SemconvAttributes.GEN_AI_REQUEST_FREQUENCY_PENALTY;
import static io.llmetry4j.core.internal.SemconvAttributes.GEN_AI_REQUEST_MAX_TOKENS;
import static io.llmetry4j.core.internal.SemconvAttributes.GEN_AI_REQUEST_MODEL;
import static io.llmetry4j.core.internal.SemconvAttributes.GEN_AI_REQUEST_PRESENCE_PENALTY;
import static io.llmetry4j.core.internal.SemconvAttributes.GEN_AI_REQUEST_SEED;
import static io.llmetry4j.core.internal.SemconvAttributes.GEN_AI_REQUEST_STOP_SEQUENCES;
import static io.llmetry4j.core.internal.SemconvAttributes.GEN_AI_REQUEST_STREAM;
import static io.llmetry4j.core.internal.SemconvAttributes.GEN_AI_REQUEST_TEMPERATURE;
import static io.llmetry4j.core.internal.SemconvAttributes.GEN_AI_REQUEST_TOP_K;
import static io.llmetry4j.core.internal.SemconvAttributes.GEN_AI_REQUEST_TOP_P;
import static io.llmetry4j.core.internal.SemconvAttributes.GEN_AI_RESPONSE_FINISH_REASONS;
import static io.llmetry4j.core.internal.SemconvAttributes.GEN_AI_RESPONSE_ID;
import static io.llmetry4j.core.internal.SemconvAttributes.GEN_AI_RESPONSE_MODEL;
import static io.llmetry4j.core.internal.SemconvAttributes.GEN_AI_SYSTEM_INSTRUCTIONS;
import static io.llmetry4j.core.internal.SemconvAttributes.GEN_AI_TOOL_DEFINITIONS;
import static io.llmetry4j.core.internal.SemconvAttributes.GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS;
import static io.llmetry4j.core.internal.SemconvAttributes.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS;
import static io.llmetry4j.core.internal.SemconvAttributes.GEN_AI_USAGE_INPUT_TOKENS;
import static io.llmetry4j.core.internal.SemconvAttributes.GEN_AI_USAGE_OUTPUT_TOKENS;
import static io.llmetry4j.core.internal.SemconvAttributes.GEN_AI_USAGE_REASONING_OUTPUT_TOKENS;
import static io.llmetry4j.core.internal.SemconvAttributes.SERVER_ADDRESS;
import static io.llmetry4j.core.internal.SemconvAttributes.SERVER_PORT;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.ChatResponseMetadata;
import dev.langchain4j.model.output.TokenUsage;
import io.llmetry4j.core.internal.Instrumentation;
import io.llmetry4j.core.internal.LatestGenAiAttributes;
import io.llmetry4j.core.internal.ModelUsage;
import io.llmetry4j.core.internal.Operation;
import io.llmetry4j.core.internal.SemconvAttributes;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.logs.LogRecordBuilder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.context.Context;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.List;
import java.util.Set;
import javax.annotation.Nullable;

/**
 * What a {@code chat {model}} span records, read from LangChain4j's request and response: at its
 * start the operation, provider, model, server and request parameters (samplers see them), then the
 * input content once the span records; at its end the response metadata and token usage, the output
 * content, and the {@code gen_ai.client.inference.operation.details} event where it is on. The
 * getters read one small group each: nulls in, nothing thrown, absent values left unset.
 * OpenLLMetry's attributes are {@link OpenLlmetryChatExtractor}'s.
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
    if (call.conversationId != null) {
      span.setAttribute(GEN_AI_CONVERSATION_ID, call.conversationId);
    }
    if (call.streaming) {
      span.setAttribute(GEN_AI_REQUEST_STREAM, true);
    }
    onRequestParameters(span, call.request, instrumentation.latestExperimental());
  }

  @Override
  public void onRecordingStart(Span span, ChatSpan call) {
    boolean onSpan = instrumentation.captureContent();
    if (!onSpan && !instrumentation.captureContentEvents()) {
      return;
    }
    // The span's content budget (half of it in OpenLLMetry compatibility mode, whose extractor
    // takes the other half): a quarter is kept for the answer, tools and system instructions take
    // what they need within an eighth and a quarter, the input messages the remainder, newest
    // first.
    int budget = instrumentation.semconvContentBudget();
    int used = 0;
    Content content = new Content();
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
  }

  @Override
  public void onEnd(
      Span span, ChatSpan call, @Nullable ChatResponse response, @Nullable Throwable error) {
    if (response == null) {
      return;
    }
    String finishReason = onResponse(span, response, instrumentation.latestExperimental());
    boolean onSpan = instrumentation.captureContent();
    Content eventContent = call.eventContent;
    if ((onSpan || eventContent != null) && span.isRecording()) {
      int budget = instrumentation.semconvContentBudget();
      String output =
          contentJson.outputMessages(
              response.aiMessage(), finishReason, budget - call.contentCharsUsed);
      if (eventContent != null) {
        eventContent.output = output;
        emitEvent(span, call, response, finishReason, eventContent);
      }
      if (onSpan) {
        span.setAttribute(GEN_AI_OUTPUT_MESSAGES, output);
      }
    }
  }

  private static void setIfNotNull(Span span, AttributeKey<String> key, @Nullable String value) {
    if (value != null) {
      span.setAttribute(key, value);
    }
  }

  // The getters: LangChain4j request and response to attributes.

  // semconv 1.41.1, span.openai.inference.client (the openai registry is not among the copied
  // ones).
  static final AttributeKey<String> OPENAI_REQUEST_SERVICE_TIER =
      AttributeKey.stringKey("openai.request.service_tier");
  static final AttributeKey<String> OPENAI_RESPONSE_SERVICE_TIER =
      AttributeKey.stringKey("openai.response.service_tier");
  static final AttributeKey<String> OPENAI_RESPONSE_SYSTEM_FINGERPRINT =
      AttributeKey.stringKey("openai.response.system_fingerprint");

  static void onRequestParameters(SpanBuilder span, ChatRequest request, boolean latest) {
    ChatRequestParameters parameters = request.parameters();
    if (parameters == null) {
      return;
    }
    setIfPresent(span, GEN_AI_REQUEST_TEMPERATURE, parameters.temperature());
    setIfPresent(span, GEN_AI_REQUEST_TOP_P, parameters.topP());
    Integer topK = parameters.topK();
    if (topK != null && latest) {
      span.setAttribute(LatestGenAiAttributes.GEN_AI_REQUEST_TOP_K, topK.longValue());
    } else if (topK != null) {
      span.setAttribute(GEN_AI_REQUEST_TOP_K, topK.doubleValue());
    }
    Integer maxTokens = parameters.maxOutputTokens();
    if (maxTokens != null) {
      span.setAttribute(GEN_AI_REQUEST_MAX_TOKENS, maxTokens.longValue());
    }
    List<String> stop = parameters.stopSequences();
    if (stop != null && !stop.isEmpty()) {
      span.setAttribute(GEN_AI_REQUEST_STOP_SEQUENCES, stop);
    }
    setIfPresent(span, GEN_AI_REQUEST_FREQUENCY_PENALTY, parameters.frequencyPenalty());
    setIfPresent(span, GEN_AI_REQUEST_PRESENCE_PENALTY, parameters.presencePenalty());
    Long seed = ProviderExtras.SEED.readLong(parameters);
    if (seed != null) {
      span.setAttribute(GEN_AI_REQUEST_SEED, seed);
    }
    // OpenAI: Conditionally Required when the request names a tier other than 'auto'.
    Object tier = ProviderExtras.SERVICE_TIER.read(parameters);
    if (tier instanceof String && !"auto".equals(tier)) {
      span.setAttribute(OPENAI_REQUEST_SERVICE_TIER, (String) tier);
    }
    // Set when the request asks for an output format (semconv: "if the request includes one").
    ResponseFormat format = parameters.responseFormat();
    if (format != null && format.type() == ResponseFormatType.JSON) {
      span.setAttribute(GEN_AI_OUTPUT_TYPE, "json");
    } else if (format != null && format.type() == ResponseFormatType.TEXT) {
      span.setAttribute(GEN_AI_OUTPUT_TYPE, "text");
    }
  }

  /** Response attributes; returns the mapped finish reason (null if none was reported). */
  @Nullable
  static String onResponse(Span span, ChatResponse response, boolean latest) {
    ChatResponseMetadata metadata = response.metadata();
    if (metadata == null) {
      return null;
    }
    if (metadata.id() != null) {
      span.setAttribute(GEN_AI_RESPONSE_ID, metadata.id());
    }
    if (metadata.modelName() != null) {
      span.setAttribute(GEN_AI_RESPONSE_MODEL, metadata.modelName());
    }
    String finishReason = ProviderNames.finishReason(metadata.finishReason());
    if (finishReason != null) {
      span.setAttribute(GEN_AI_RESPONSE_FINISH_REASONS, List.of(finishReason));
    }
    Object tier = ProviderExtras.SERVICE_TIER.read(metadata);
    if (tier instanceof String) {
      span.setAttribute(OPENAI_RESPONSE_SERVICE_TIER, (String) tier);
    }
    Object fingerprint = ProviderExtras.SYSTEM_FINGERPRINT.read(metadata);
    if (fingerprint instanceof String) {
      span.setAttribute(OPENAI_RESPONSE_SYSTEM_FINGERPRINT, (String) fingerprint);
    }
    TokenUsage usage = metadata.tokenUsage();
    if (usage != null) {
      Long input = inputTokens(usage);
      if (input != null) {
        span.setAttribute(GEN_AI_USAGE_INPUT_TOKENS, input);
      }
      setCount(span, GEN_AI_USAGE_OUTPUT_TOKENS, usage.outputTokenCount());
      Long cached = cacheReadTokens(usage);
      if (cached != null) {
        span.setAttribute(GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS, cached);
      }
      Long created = cacheWriteTokens(usage);
      if (created != null) {
        span.setAttribute(
            latest
                ? LatestGenAiAttributes.GEN_AI_USAGE_CACHE_WRITE_INPUT_TOKENS
                : GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS,
            created);
      }
      Long reasoning = reasoningTokens(usage);
      if (reasoning != null) {
        span.setAttribute(GEN_AI_USAGE_REASONING_OUTPUT_TOKENS, reasoning);
      }
    }
    return finishReason;
  }

  /** Input tokens read from a provider's cache: OpenAI's details, else Anthropic's count. */
  @Nullable
  private static Long cacheReadTokens(TokenUsage usage) {
    Long cached =
        ProviderExtras.CACHED_TOKENS.readLong(ProviderExtras.INPUT_TOKENS_DETAILS.read(usage));
    return cached != null ? cached : ProviderExtras.CACHE_READ_INPUT_TOKENS.readLong(usage);
  }

  @Nullable
  private static Long cacheWriteTokens(TokenUsage usage) {
    return ProviderExtras.CACHE_CREATION_INPUT_TOKENS.readLong(usage);
  }

  @Nullable
  private static Long reasoningTokens(TokenUsage usage) {
    return ProviderExtras.REASONING_TOKENS.readLong(
        ProviderExtras.OUTPUT_TOKENS_DETAILS.read(usage));
  }

  /** What a chat call used, as the span records it, for its cost; null without usage. */
  @Nullable
  static ModelUsage modelUsage(ChatSpan call, ChatResponse response) {
    TokenUsage usage = usage(response);
    if (usage == null) {
      return null;
    }
    String model = responseModel(response);
    return new ModelUsage(
        call.provider,
        model != null ? model : call.request.modelName(),
        orZero(inputTokens(usage)),
        orZero(cacheReadTokens(usage)),
        orZero(cacheWriteTokens(usage)),
        usage.outputTokenCount() == null ? 0 : usage.outputTokenCount(),
        orZero(reasoningTokens(usage)));
  }

  private static long orZero(@Nullable Long count) {
    return count == null ? 0 : count;
  }

  @Nullable
  static String responseModel(@Nullable ChatResponse response) {
    ChatResponseMetadata metadata = response == null ? null : response.metadata();
    return metadata == null ? null : metadata.modelName();
  }

  @Nullable
  static Long inputTokens(@Nullable ChatResponse response) {
    TokenUsage usage = usage(response);
    return usage == null ? null : inputTokens(usage);
  }

  /**
   * {@code gen_ai.usage.input_tokens}: semconv counts every input token, cached ones included.
   * Anthropic reports cache reads and cache writes apart from its input tokens (OpenAI's input
   * count already includes its cached tokens), so they are added back.
   */
  @Nullable
  private static Long inputTokens(TokenUsage usage) {
    Integer reported = usage.inputTokenCount();
    if (reported == null) {
      return null;
    }
    long total = reported.longValue();
    Long cacheRead = ProviderExtras.CACHE_READ_INPUT_TOKENS.readLong(usage);
    Long cacheCreation = ProviderExtras.CACHE_CREATION_INPUT_TOKENS.readLong(usage);
    return total
        + (cacheRead == null ? 0 : cacheRead)
        + (cacheCreation == null ? 0 : cacheCreation);
  }

  @Nullable
  static Long outputTokens(@Nullable ChatResponse response) {
    TokenUsage usage = usage(response);
    return usage == null || usage.outputTokenCount() == null
        ? null
        : usage.outputTokenCount().longValue();
  }

  @Nullable
  private static TokenUsage usage(@Nullable ChatResponse response) {
    return response == null || response.metadata() == null
        ? null
        : response.metadata().tokenUsage();
  }

  private static void setIfPresent(
      SpanBuilder span,
      io.opentelemetry.api.common.AttributeKey<Double> key,
      @Nullable Double value) {
    if (value != null) {
      span.setAttribute(key, value);
    }
  }

  private static void setCount(
      Span span, io.opentelemetry.api.common.AttributeKey<Long> key, @Nullable Integer value) {
    if (value != null) {
      span.setAttribute(key, value.longValue());
    }
  }

  // The event.

  /**
   * The {@code gen_ai.client.inference.operation.details} event (semconv 1.41.1, {@code
   * model/gen-ai/events.yaml}; opt-in): a log record in the chat span's context with the call's
   * attributes and, where content goes to events ({@code EVENT_ONLY}, {@code SPAN_AND_EVENT}), its
   * content. The content attributes are JSON text: the Java logs API of the OpenTelemetry versions
   * llmetry4j supports has no structured attribute values.
   */
  static final String EVENT = "gen_ai.client.inference.operation.details";

  /** Set as an attribute where the logs API predates {@code setEventName} (API before 1.50). */
  private static final AttributeKey<String> EVENT_NAME = AttributeKey.stringKey("event.name");

  // LogRecordBuilder.setEventName (API 1.50+), looked up once: the range starts at 1.49.
  @Nullable private static final MethodHandle SET_EVENT_NAME = setEventName();

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

  private void emitEvent(
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
        SET_EVENT_NAME.invoke(event, EVENT);
        named = true;
      } catch (Throwable e) {
        // the attribute below says it
      }
    }
    if (!named) {
      event.setAttribute(EVENT_NAME, EVENT);
    }
    event
        .setAttribute(SemconvAttributes.GEN_AI_OPERATION_NAME, SemconvAttributes.OperationName.CHAT)
        .setAttribute(SemconvAttributes.GEN_AI_PROVIDER_NAME, call.provider);
    setIfNotNull(event, SemconvAttributes.GEN_AI_REQUEST_MODEL, call.request.modelName());
    setIfNotNull(event, SemconvAttributes.GEN_AI_RESPONSE_MODEL, responseModel(response));
    if (response.metadata() != null) {
      setIfNotNull(event, SemconvAttributes.GEN_AI_RESPONSE_ID, response.metadata().id());
    }
    if (finishReason != null) {
      event.setAttribute(SemconvAttributes.GEN_AI_RESPONSE_FINISH_REASONS, List.of(finishReason));
    }
    Long input = inputTokens(response);
    if (input != null) {
      event.setAttribute(SemconvAttributes.GEN_AI_USAGE_INPUT_TOKENS, input);
    }
    Long output = outputTokens(response);
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
