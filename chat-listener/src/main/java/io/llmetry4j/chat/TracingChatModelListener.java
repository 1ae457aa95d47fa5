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
import static java.util.Objects.requireNonNull;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.model.chat.listener.ChatModelErrorContext;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.listener.ChatModelRequestContext;
import dev.langchain4j.model.chat.listener.ChatModelResponseContext;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.ChatResponseMetadata;
import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.core.internal.GenAiClientMetrics;
import io.llmetry4j.core.internal.Instrumentation;
import io.llmetry4j.core.internal.SemconvAttributes;
import io.llmetry4j.core.internal.TracedCall;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import java.util.List;
import java.util.Map;
import javax.annotation.Nullable;

/**
 * A LangChain4j {@link ChatModelListener} that records a {@code chat {model}} span (kind CLIENT)
 * and the {@code gen_ai.client.*} metrics of semconv 1.41.1 for every chat call, synchronous or
 * streaming. Register it on the model builder:
 *
 * <pre>{@code
 * ChatModel model = OllamaChatModel.builder()
 *     .baseUrl("http://localhost:11434")
 *     .modelName("llama3")
 *     .listeners(List.of(TracingChatModelListener.create(llmetry.telemetry())))
 *     .build();
 * }</pre>
 *
 * <p>The span's parent is the context current when the call starts. Its state lives in the
 * request's {@code attributes()} map, so it ends correctly on whatever thread the response or error
 * arrives. For streaming calls, also wrap the model in {@link TracingStreamingChatModel} to get
 * {@code gen_ai.request.stream}, time-to-first-chunk and per-chunk metrics.
 *
 * <p>The listener never throws: a failure inside it is logged once and the call proceeds untraced.
 */
public final class TracingChatModelListener implements ChatModelListener {

  // Per instance: two listeners on one model must not share state in the attributes map.
  private final Object stateKey = new Object();
  private final LlmTelemetry telemetry;
  @Nullable private final String providerName;
  @Nullable private final String serverAddress;
  @Nullable private final Integer serverPort;
  private final boolean openLlmetryCompat;
  private final GenAiClientMetrics metrics;
  private final ChatContentJson contentJson;
  private final ModelEntries modelEntries;
  private final TracedCall traced = new TracedCall();

  private TracingChatModelListener(Builder builder) {
    this.telemetry = builder.telemetry;
    this.providerName = builder.providerName;
    this.serverAddress = builder.serverAddress;
    this.serverPort = builder.serverPort;
    this.openLlmetryCompat =
        builder.openLlmetryCompat != null
            ? builder.openLlmetryCompat
            : telemetry.openLlmetryCompat();
    this.metrics = new GenAiClientMetrics(Instrumentation.of(telemetry).meter());
    this.contentJson = new ChatContentJson(telemetry);
    this.modelEntries = new ModelEntries(serverAddress, serverPort);
  }

  /** A listener with the telemetry's settings (content capture, compat mode). */
  public static TracingChatModelListener create(LlmTelemetry telemetry) {
    return builder(telemetry).build();
  }

  /** A listener reporting to {@code openTelemetry}, with content capture off. */
  public static TracingChatModelListener create(OpenTelemetry openTelemetry) {
    return create(LlmTelemetry.create(openTelemetry));
  }

  public static Builder builder(LlmTelemetry telemetry) {
    return new Builder(telemetry);
  }

  @Override
  public void onRequest(ChatModelRequestContext context) {
    try {
      Map<Object, Object> attributes = context.attributes();
      if (attributes.containsKey(stateKey)) {
        return; // the same listener registered twice on one model: one span per call
      }
      ChatRequest request = context.chatRequest();
      String model = request.modelName();
      String provider =
          providerName != null ? providerName : ProviderNames.providerName(context.modelProvider());
      Context parent = Context.current();
      StreamingCall streaming = StreamingCall.from(parent);
      ModelEntries.Entry entry = modelEntries.get(provider, model);

      SpanBuilder spanBuilder =
          Instrumentation.of(telemetry)
              .tracer()
              .spanBuilder(entry.spanName)
              .setSpanKind(SpanKind.CLIENT)
              .setParent(parent)
              .setAttribute(GEN_AI_OPERATION_NAME, SemconvAttributes.OperationName.CHAT)
              .setAttribute(GEN_AI_PROVIDER_NAME, provider);
      if (model != null) {
        spanBuilder.setAttribute(GEN_AI_REQUEST_MODEL, model);
      }
      if (serverAddress != null) {
        spanBuilder.setAttribute(SERVER_ADDRESS, serverAddress);
        if (serverPort != null) {
          spanBuilder.setAttribute(SERVER_PORT, serverPort.longValue());
        }
      }
      if (streaming != null) {
        spanBuilder.setAttribute(GEN_AI_REQUEST_STREAM, true);
      }
      if (openLlmetryCompat) {
        spanBuilder
            .setAttribute(OpenLlmetryAttributes.GEN_AI_SYSTEM, provider)
            .setAttribute(OpenLlmetryAttributes.LLM_REQUEST_TYPE, "chat");
      }
      Span span = spanBuilder.startSpan();
      ChatSpan chatSpan = new ChatSpan(span, System.nanoTime(), entry.metricAttributes, metrics);
      attributes.put(stateKey, chatSpan);
      if (streaming != null) {
        streaming.attach(chatSpan);
      }

      ChatAttributes.onRequestParameters(span, request);
      if (telemetry.captureContent() && span.isRecording()) {
        recordInputContent(span, request);
      }
    } catch (RuntimeException | LinkageError e) {
      traced.instrumentationFailed(e);
    }
  }

  @Override
  public void onResponse(ChatModelResponseContext context) {
    ChatSpan chatSpan = take(context.attributes());
    if (chatSpan == null) {
      return;
    }
    ChatResponse response = context.chatResponse();
    try {
      if (response != null) {
        recordResponse(chatSpan.span, response);
      }
    } catch (RuntimeException | LinkageError e) {
      traced.instrumentationFailed(e);
    }
    try {
      ChatResponseMetadata metadata = response == null ? null : response.metadata();
      chatSpan.endWithResponse(
          metadata == null ? null : metadata.modelName(),
          ChatAttributes.inputTokens(response),
          ChatAttributes.outputTokens(response));
    } catch (RuntimeException | LinkageError e) {
      traced.instrumentationFailed(e);
    }
  }

  @Override
  public void onError(ChatModelErrorContext context) {
    ChatSpan chatSpan = take(context.attributes());
    if (chatSpan == null) {
      return;
    }
    try {
      Throwable error = context.error();
      if (error == null) {
        error = new IllegalStateException("LangChain4j reported an error without an exception");
      }
      chatSpan.endWithError(error, ChatAttributes.errorType(error));
    } catch (RuntimeException | LinkageError e) {
      traced.instrumentationFailed(e);
    }
  }

  private void recordResponse(Span span, ChatResponse response) {
    String finishReason = ChatAttributes.onResponse(span, response);
    ChatResponseMetadata metadata = response.metadata();
    if (openLlmetryCompat
        && metadata != null
        && metadata.tokenUsage() != null
        && metadata.tokenUsage().totalTokenCount() != null) {
      span.setAttribute(
          OpenLlmetryAttributes.LLM_USAGE_TOTAL_TOKENS,
          metadata.tokenUsage().totalTokenCount().longValue());
    }
    if (telemetry.captureContent() && span.isRecording()) {
      span.setAttribute(
          GEN_AI_OUTPUT_MESSAGES, contentJson.outputMessages(response.aiMessage(), finishReason));
      if (openLlmetryCompat) {
        OpenLlmetryAttributes.completion(span, response.aiMessage(), telemetry);
      }
    }
  }

  private void recordInputContent(Span span, ChatRequest request) {
    List<ChatMessage> messages = request.messages();
    if (messages != null && !messages.isEmpty()) {
      setIfNotNull(span, GEN_AI_INPUT_MESSAGES, contentJson.inputMessages(messages));
      setIfNotNull(span, GEN_AI_SYSTEM_INSTRUCTIONS, contentJson.systemInstructions(messages));
      if (openLlmetryCompat) {
        OpenLlmetryAttributes.prompts(span, messages, telemetry);
      }
    }
    setIfNotNull(
        span, GEN_AI_TOOL_DEFINITIONS, contentJson.toolDefinitions(request.toolSpecifications()));
  }

  @Nullable
  private ChatSpan take(@Nullable Map<Object, Object> attributes) {
    try {
      Object state = attributes == null ? null : attributes.remove(stateKey);
      // A cancelled stream was already ended by TracingStreamingChatModel.
      return state instanceof ChatSpan && !((ChatSpan) state).isEnded() ? (ChatSpan) state : null;
    } catch (RuntimeException e) {
      traced.instrumentationFailed(e);
      return null;
    }
  }

  private static void setIfNotNull(
      Span span, io.opentelemetry.api.common.AttributeKey<String> key, @Nullable String value) {
    if (value != null) {
      span.setAttribute(key, value);
    }
  }

  /** Builder of {@link TracingChatModelListener}. */
  public static final class Builder {
    private final LlmTelemetry telemetry;
    @Nullable private String providerName;
    @Nullable private String serverAddress;
    @Nullable private Integer serverPort;
    @Nullable private Boolean openLlmetryCompat;

    private Builder(LlmTelemetry telemetry) {
      this.telemetry = requireNonNull(telemetry, "telemetry");
    }

    /**
     * Overrides {@code gen_ai.provider.name}, e.g. {@code "deepseek"} for the OpenAI client pointed
     * at DeepSeek. By default it is derived from the model's LangChain4j provider.
     */
    public Builder providerName(String providerName) {
      this.providerName = requireNonNull(providerName, "providerName");
      return this;
    }

    /** {@code server.address} and {@code server.port} of the model endpoint. */
    public Builder server(String address, int port) {
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("server port must be 1..65535, was " + port);
      }
      this.serverAddress = requireNonNull(address, "address");
      this.serverPort = port;
      return this;
    }

    /** {@code server.address} only. */
    public Builder serverAddress(String address) {
      this.serverAddress = requireNonNull(address, "address");
      return this;
    }

    /** OpenLLMetry attribute names too (default: the telemetry's setting). */
    public Builder openLlmetryCompat(boolean openLlmetryCompat) {
      this.openLlmetryCompat = openLlmetryCompat;
      return this;
    }

    public TracingChatModelListener build() {
      return new TracingChatModelListener(this);
    }
  }
}
