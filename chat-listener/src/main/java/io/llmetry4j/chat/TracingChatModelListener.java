package io.llmetry4j.chat;

import static java.util.Objects.requireNonNull;

import dev.langchain4j.model.chat.listener.ChatModelErrorContext;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.listener.ChatModelRequestContext;
import dev.langchain4j.model.chat.listener.ChatModelResponseContext;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.core.internal.AgentContext;
import io.llmetry4j.core.internal.GenAiOperationMetrics;
import io.llmetry4j.core.internal.Instrumentation;
import io.llmetry4j.core.internal.Operation;
import io.llmetry4j.core.internal.ServerAddress;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
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
 * arrives. A listener cannot make its span current around the provider's HTTP request (LangChain4j
 * calls no listener after an {@code Error}, so a scope opened here could stay attached to the
 * thread): wrap the model in {@link TracingChatModel} (or {@link TracingStreamingChatModel}) to
 * have the HTTP client's span under the chat span. The streaming decorator also adds {@code
 * gen_ai.request.stream}, time-to-first-chunk and per-chunk metrics.
 *
 * <p>The listener never throws: a failure inside it is logged once and the call proceeds untraced.
 */
public final class TracingChatModelListener implements ChatModelListener {

  // Per instance: two listeners on one model must not share state in the attributes map.
  private final Object stateKey = new Object();
  @Nullable private final String providerName;
  private final ModelEntries modelEntries;
  private final Operation<ChatSpan, ChatResponse> operation;

  private TracingChatModelListener(Builder builder) {
    this.providerName = builder.providerName;
    this.modelEntries = new ModelEntries(builder.serverAddress, builder.serverPort);
    Instrumentation instrumentation = Instrumentation.of(builder.telemetry);
    this.operation =
        Operation.<ChatSpan, ChatResponse>builder(
                instrumentation, SpanKind.CLIENT, call -> call.entry.spanName)
            .addExtractor(
                new ChatExtractor(instrumentation, builder.serverAddress, builder.serverPort))
            .addOpenLlmetryExtractor(new OpenLlmetryChatExtractor(instrumentation, builder.baseUrl))
            .metrics(
                GenAiOperationMetrics.<ChatSpan, ChatResponse>builder(
                        instrumentation.metrics(), call -> call.entry.metricAttributes)
                    .responseModel(ChatExtractor::responseModel)
                    .inputTokens(ChatExtractor::inputTokens)
                    .outputTokens(ChatExtractor::outputTokens)
                    .build())
            .usage(ChatExtractor::modelUsage)
            .build();
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
      String provider =
          providerName != null ? providerName : ProviderNames.providerName(context.modelProvider());
      Context parent = Context.current();
      ChatCall ownedCall = ChatCall.from(parent);
      AgentContext agent = AgentContext.from(parent);
      if (agent != null) {
        agent.reportProvider(provider);
      }
      ChatSpan chatSpan =
          new ChatSpan(
              request,
              provider,
              modelEntries.get(provider, request.modelName()),
              ownedCall != null && ownedCall.streaming,
              agent == null ? null : agent.conversationId(),
              operation);
      chatSpan.openAiClient =
          context.modelProvider() != null && context.modelProvider().name().contains("OPEN_AI");
      Operation.Call<ChatSpan> call = operation.start(parent, chatSpan);
      chatSpan.started(call);
      attributes.put(stateKey, chatSpan);
      if (ownedCall != null) {
        // A llmetry4j wrapper owns the call: the span becomes current around the provider's
        // HTTP request, and the wrapper closes that scope on every outcome.
        ownedCall.attach(chatSpan, call.context(), operation.instrumentation());
      }
    } catch (Throwable e) {
      operation.instrumentationFailed(e);
    }
  }

  @Override
  public void onResponse(ChatModelResponseContext context) {
    ChatSpan chatSpan = take(context.attributes());
    if (chatSpan != null) {
      chatSpan.endWithResponse(context.chatResponse());
    }
  }

  @Override
  public void onError(ChatModelErrorContext context) {
    ChatSpan chatSpan = take(context.attributes());
    if (chatSpan == null) {
      return;
    }
    Throwable error = context.error();
    if (error == null) {
      error = new IllegalStateException("LangChain4j reported an error without an exception");
    }
    chatSpan.endWithError(error);
  }

  @Nullable
  private ChatSpan take(@Nullable Map<Object, Object> attributes) {
    if (attributes == null) {
      return null;
    }
    Object state;
    try {
      state = attributes.remove(stateKey);
    } catch (Throwable e) {
      // A map that cannot remove (a provider's own, broken): read the state instead, so that the
      // span still ends; it ends once, whichever callback comes first.
      operation.instrumentationFailed(e);
      try {
        state = attributes.get(stateKey);
      } catch (Throwable again) {
        return null;
      }
    }
    // A cancelled stream was already ended by TracingStreamingChatModel.
    return state instanceof ChatSpan && !((ChatSpan) state).isEnded() ? (ChatSpan) state : null;
  }

  /** Builder of {@link TracingChatModelListener}. */
  public static final class Builder {
    private final LlmTelemetry telemetry;
    @Nullable private String providerName;
    @Nullable private String serverAddress;
    @Nullable private Integer serverPort;
    @Nullable private String baseUrl;

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

    /**
     * {@code server.address} and {@code server.port} from the model's base URL, e.g. {@code
     * "https://api.deepseek.com/v1"}: the port is the URL's, else its scheme's default (443 for
     * https, 80 for http) — semconv requires the port whenever the address is set.
     */
    public Builder server(java.net.URI baseUrl) {
      ServerAddress server = ServerAddress.of(baseUrl, "server base URL");
      server(server.host(), server.port());
      // OpenLLMetry's gen_ai.openai.api_base (compat mode) is the base URL, ending in '/'.
      String text = baseUrl.toString();
      this.baseUrl = text.endsWith("/") ? text : text + "/";
      return this;
    }

    public TracingChatModelListener build() {
      return new TracingChatModelListener(this);
    }
  }
}
