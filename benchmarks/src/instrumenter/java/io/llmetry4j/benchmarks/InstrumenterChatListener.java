package io.llmetry4j.benchmarks;

import static io.llmetry4j.core.internal.SemconvAttributes.ERROR_TYPE;
import static io.llmetry4j.core.internal.SemconvAttributes.GEN_AI_OPERATION_NAME;
import static io.llmetry4j.core.internal.SemconvAttributes.GEN_AI_OUTPUT_TYPE;
import static io.llmetry4j.core.internal.SemconvAttributes.GEN_AI_PROVIDER_NAME;
import static io.llmetry4j.core.internal.SemconvAttributes.GEN_AI_REQUEST_FREQUENCY_PENALTY;
import static io.llmetry4j.core.internal.SemconvAttributes.GEN_AI_REQUEST_MAX_TOKENS;
import static io.llmetry4j.core.internal.SemconvAttributes.GEN_AI_REQUEST_MODEL;
import static io.llmetry4j.core.internal.SemconvAttributes.GEN_AI_REQUEST_PRESENCE_PENALTY;
import static io.llmetry4j.core.internal.SemconvAttributes.GEN_AI_REQUEST_STOP_SEQUENCES;
import static io.llmetry4j.core.internal.SemconvAttributes.GEN_AI_REQUEST_TEMPERATURE;
import static io.llmetry4j.core.internal.SemconvAttributes.GEN_AI_REQUEST_TOP_K;
import static io.llmetry4j.core.internal.SemconvAttributes.GEN_AI_REQUEST_TOP_P;
import static io.llmetry4j.core.internal.SemconvAttributes.GEN_AI_RESPONSE_FINISH_REASONS;
import static io.llmetry4j.core.internal.SemconvAttributes.GEN_AI_RESPONSE_ID;
import static io.llmetry4j.core.internal.SemconvAttributes.GEN_AI_RESPONSE_MODEL;
import static io.llmetry4j.core.internal.SemconvAttributes.GEN_AI_USAGE_INPUT_TOKENS;
import static io.llmetry4j.core.internal.SemconvAttributes.GEN_AI_USAGE_OUTPUT_TOKENS;

import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.listener.ChatModelErrorContext;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.listener.ChatModelRequestContext;
import dev.langchain4j.model.chat.listener.ChatModelResponseContext;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.ChatResponseMetadata;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.core.internal.ErrorTypes;
import io.llmetry4j.core.internal.GenAiClientMetrics;
import io.llmetry4j.core.internal.GenAiMetricAttributes;
import io.llmetry4j.core.internal.SemconvAttributes;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import io.opentelemetry.instrumentation.api.incubator.semconv.genai.GenAiAttributesExtractor;
import io.opentelemetry.instrumentation.api.incubator.semconv.genai.GenAiAttributesGetter;
import io.opentelemetry.instrumentation.api.incubator.semconv.genai.GenAiSpanNameExtractor;
import io.opentelemetry.instrumentation.api.instrumenter.AttributesExtractor;
import io.opentelemetry.instrumentation.api.instrumenter.Instrumenter;
import io.opentelemetry.instrumentation.api.instrumenter.InstrumenterBuilder;
import io.opentelemetry.instrumentation.api.instrumenter.OperationListener;
import io.opentelemetry.instrumentation.api.instrumenter.SpanKindExtractor;
import io.opentelemetry.instrumentation.api.instrumenter.SpanNameExtractor;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.annotation.Nullable;

/**
 * For the benchmark only: the chat span of {@code TracingChatModelListener} (content capture off)
 * and the {@code gen_ai.client.operation.duration} and {@code gen_ai.client.token.usage} metrics,
 * recorded through one {@link Instrumenter} of opentelemetry-instrumentation-api 2.15.0 instead of
 * llmetry4j's {@code Operation}, so that the two lifecycles can be compared in one JMH run ({@link
 * InstrumenterComparisonBenchmark}; {@link InstrumenterListenerCheck} proves they record the same).
 *
 * <p>Two assemblies:
 *
 * <ul>
 *   <li>{@link #otelGenAi}: what adopting Instrumenter means as shipped — the incubator's {@link
 *       GenAiSpanNameExtractor}, {@link GenAiAttributesExtractor} and {@code GenAiClientMetrics}
 *       (2.15.0-alpha). Those still write {@code gen_ai.system} (semconv before 1.37) on span and
 *       metrics, so a one-attribute extractor adds {@code gen_ai.provider.name} to the span, and
 *       {@code error.type}, which the incubator extractor does not set.
 *   <li>{@link #ownGenAi}: the same Instrumenter with extractors and an {@link OperationListener}
 *       written to semconv 1.41.1 ({@code gen_ai.provider.name}), reusing the span name and the
 *       metric attribute sets per model as the hand-written listener does, and llmetry4j's own
 *       {@link GenAiClientMetrics}, {@link GenAiMetricAttributes} and {@link ErrorTypes}.
 * </ul>
 *
 * <p>The request is a {@link ChatCall} (the LangChain4j request and the provider, which only the
 * listener context knows); it also carries the OTel context returned by {@code start} and is kept
 * in the call's {@code attributes()} map under a private key until the response or error.
 */
final class InstrumenterChatListener implements ChatModelListener {

  private static final Logger logger = Logger.getLogger(InstrumenterChatListener.class.getName());
  // One scope per assembly: their token-usage instruments differ in description, and two
  // definitions of one instrument name in one meter make the SDK warn of a conflict.
  private static final String OTEL_GENAI_SCOPE = "io.llmetry4j.benchmarks.instrumenter-otel-genai";
  private static final String OWN_GENAI_SCOPE = "io.llmetry4j.benchmarks.instrumenter-own-genai";

  /** The Instrumenter's REQUEST: one per call, also the state kept between the callbacks. */
  static final class ChatCall {
    final ChatRequest request;
    final String provider;
    Context context;

    ChatCall(ChatRequest request, String provider) {
      this.request = request;
      this.provider = provider;
    }
  }

  // Per instance: two listeners on one model must not share state in the attributes map.
  private final Object stateKey = new Object();
  private final Instrumenter<ChatCall, ChatResponse> instrumenter;
  private final AtomicBoolean failureLogged = new AtomicBoolean();

  private InstrumenterChatListener(Instrumenter<ChatCall, ChatResponse> instrumenter) {
    this.instrumenter = instrumenter;
  }

  /** OTel's incubator GenAI extractors and {@code GenAiClientMetrics}, as shipped in 2.15.0. */
  static InstrumenterChatListener otelGenAi(OpenTelemetry openTelemetry) {
    InstrumenterBuilder<ChatCall, ChatResponse> builder =
        Instrumenter.<ChatCall, ChatResponse>builder(
                openTelemetry, OTEL_GENAI_SCOPE, GenAiSpanNameExtractor.create(Getter.INSTANCE))
            .addAttributesExtractor(GenAiAttributesExtractor.create(Getter.INSTANCE))
            .addAttributesExtractor(ProviderAndErrorExtractor.INSTANCE)
            .addOperationMetrics(
                io.opentelemetry.instrumentation.api.incubator.semconv.genai.GenAiClientMetrics
                    .get());
    return new InstrumenterChatListener(build(builder));
  }

  /** The same Instrumenter with semconv 1.41.1 extractors and metrics written for it. */
  static InstrumenterChatListener ownGenAi(OpenTelemetry openTelemetry) {
    InstrumenterBuilder<ChatCall, ChatResponse> builder =
        Instrumenter.<ChatCall, ChatResponse>builder(
                openTelemetry, OWN_GENAI_SCOPE, new CachedSpanName())
            .addAttributesExtractor(OwnExtractor.INSTANCE)
            .addOperationMetrics(OwnMetrics::new);
    return new InstrumenterChatListener(build(builder));
  }

  private static Instrumenter<ChatCall, ChatResponse> build(
      InstrumenterBuilder<ChatCall, ChatResponse> builder) {
    return builder
        .setInstrumentationVersion(LlmTelemetry.version())
        .setSchemaUrl(SemconvAttributes.SCHEMA_URL)
        // As Operation: status ERROR with the exception's message (its class name if none).
        .setSpanStatusExtractor(
            (status, call, response, error) -> {
              if (error != null) {
                status.setStatus(StatusCode.ERROR, ErrorTypes.description(error));
              }
            })
        .buildInstrumenter(SpanKindExtractor.alwaysClient());
  }

  @Override
  public void onRequest(ChatModelRequestContext context) {
    try {
      Map<Object, Object> attributes = context.attributes();
      if (attributes.containsKey(stateKey)) {
        return; // the same listener registered twice on one model: one span per call
      }
      ChatCall call = new ChatCall(context.chatRequest(), providerName(context.modelProvider()));
      Context parent = Context.current();
      if (!instrumenter.shouldStart(parent, call)) {
        return;
      }
      call.context = instrumenter.start(parent, call);
      attributes.put(stateKey, call);
    } catch (RuntimeException | LinkageError e) {
      instrumentationFailed(e);
    }
  }

  @Override
  public void onResponse(ChatModelResponseContext context) {
    ChatCall call = take(context.attributes());
    if (call == null) {
      return;
    }
    try {
      instrumenter.end(call.context, call, context.chatResponse(), null);
    } catch (RuntimeException | LinkageError e) {
      instrumentationFailed(e);
    }
  }

  @Override
  public void onError(ChatModelErrorContext context) {
    ChatCall call = take(context.attributes());
    if (call == null) {
      return;
    }
    try {
      Throwable error = context.error();
      if (error == null) {
        error = new IllegalStateException("LangChain4j reported an error without an exception");
      }
      instrumenter.end(call.context, call, null, error);
    } catch (RuntimeException | LinkageError e) {
      instrumentationFailed(e);
    }
  }

  @Nullable
  private ChatCall take(@Nullable Map<Object, Object> attributes) {
    Object state = attributes == null ? null : attributes.remove(stateKey);
    return state instanceof ChatCall ? (ChatCall) state : null;
  }

  private void instrumentationFailed(Throwable e) {
    if (failureLogged.compareAndSet(false, true)) {
      logger.log(Level.WARNING, "instrumentation failed", e);
    }
  }

  // ---- the GenAI getter for OTel's incubator extractors ----

  /** Reads the LangChain4j request and response for {@link GenAiAttributesExtractor}. */
  enum Getter implements GenAiAttributesGetter<ChatCall, ChatResponse> {
    INSTANCE;

    @Override
    public String getOperationName(ChatCall call) {
      return SemconvAttributes.OperationName.CHAT;
    }

    @Override
    public String getSystem(ChatCall call) {
      return call.provider;
    }

    @Nullable
    @Override
    public String getRequestModel(ChatCall call) {
      return call.request.modelName();
    }

    @Nullable
    @Override
    public Long getRequestSeed(ChatCall call) {
      return null; // provider-specific in LangChain4j; not read here
    }

    @Nullable
    @Override
    public List<String> getRequestEncodingFormats(ChatCall call) {
      return null;
    }

    @Nullable
    @Override
    public Double getRequestFrequencyPenalty(ChatCall call) {
      ChatRequestParameters parameters = call.request.parameters();
      return parameters == null ? null : parameters.frequencyPenalty();
    }

    @Nullable
    @Override
    public Long getRequestMaxTokens(ChatCall call) {
      ChatRequestParameters parameters = call.request.parameters();
      Integer max = parameters == null ? null : parameters.maxOutputTokens();
      return max == null ? null : max.longValue();
    }

    @Nullable
    @Override
    public Double getRequestPresencePenalty(ChatCall call) {
      ChatRequestParameters parameters = call.request.parameters();
      return parameters == null ? null : parameters.presencePenalty();
    }

    @Nullable
    @Override
    public List<String> getRequestStopSequences(ChatCall call) {
      ChatRequestParameters parameters = call.request.parameters();
      List<String> stop = parameters == null ? null : parameters.stopSequences();
      return stop == null || stop.isEmpty() ? null : stop;
    }

    @Nullable
    @Override
    public Double getRequestTemperature(ChatCall call) {
      ChatRequestParameters parameters = call.request.parameters();
      return parameters == null ? null : parameters.temperature();
    }

    @Nullable
    @Override
    public Double getRequestTopK(ChatCall call) {
      ChatRequestParameters parameters = call.request.parameters();
      Integer topK = parameters == null ? null : parameters.topK();
      return topK == null ? null : topK.doubleValue();
    }

    @Nullable
    @Override
    public Double getRequestTopP(ChatCall call) {
      ChatRequestParameters parameters = call.request.parameters();
      return parameters == null ? null : parameters.topP();
    }

    @Nullable
    @Override
    public List<String> getResponseFinishReasons(ChatCall call, @Nullable ChatResponse response) {
      ChatResponseMetadata metadata = metadata(response);
      String reason = metadata == null ? null : finishReason(metadata.finishReason());
      return reason == null ? null : List.of(reason);
    }

    @Nullable
    @Override
    public String getResponseId(ChatCall call, @Nullable ChatResponse response) {
      ChatResponseMetadata metadata = metadata(response);
      return metadata == null ? null : metadata.id();
    }

    @Nullable
    @Override
    public String getResponseModel(ChatCall call, @Nullable ChatResponse response) {
      ChatResponseMetadata metadata = metadata(response);
      return metadata == null ? null : metadata.modelName();
    }

    @Nullable
    @Override
    public Long getUsageInputTokens(ChatCall call, @Nullable ChatResponse response) {
      TokenUsage usage = usage(response);
      return usage == null || usage.inputTokenCount() == null
          ? null
          : usage.inputTokenCount().longValue();
    }

    @Nullable
    @Override
    public Long getUsageOutputTokens(ChatCall call, @Nullable ChatResponse response) {
      TokenUsage usage = usage(response);
      return usage == null || usage.outputTokenCount() == null
          ? null
          : usage.outputTokenCount().longValue();
    }
  }

  /** {@code gen_ai.provider.name} (semconv 1.41.1) and {@code error.type}, for the OTel set. */
  enum ProviderAndErrorExtractor implements AttributesExtractor<ChatCall, ChatResponse> {
    INSTANCE;

    @Override
    public void onStart(AttributesBuilder attributes, Context parentContext, ChatCall call) {
      attributes.put(GEN_AI_PROVIDER_NAME, call.provider);
    }

    @Override
    public void onEnd(
        AttributesBuilder attributes,
        Context context,
        ChatCall call,
        @Nullable ChatResponse response,
        @Nullable Throwable error) {
      if (error != null) {
        attributes.put(ERROR_TYPE, ErrorTypes.of(error));
      }
    }
  }

  // ---- semconv 1.41.1 extractor, span name and metrics written for the Instrumenter ----

  /** The span name per model, built once (as the hand-written listener's ModelEntries). */
  static final class CachedSpanName implements SpanNameExtractor<ChatCall> {
    private static final int MAX_MODELS = 256;
    private final ConcurrentHashMap<String, String> names = new ConcurrentHashMap<>();

    @Override
    public String extract(ChatCall call) {
      String model = call.request.modelName();
      if (model == null) {
        return SemconvAttributes.OperationName.CHAT;
      }
      String name = names.get(model);
      if (name == null) {
        name = SemconvAttributes.OperationName.CHAT + " " + model;
        if (names.size() < MAX_MODELS) {
          names.put(model, name);
        }
      }
      return name;
    }
  }

  /**
   * The chat span's attributes of semconv 1.41.1 (content off), start and end, as {@code
   * ChatExtractor} and {@code ChatAttributes} set them for a plain LangChain4j request. The
   * provider-specific extras the listener reads by method name (seed, cached and reasoning tokens)
   * are left out: the benchmark's request and response have none, so this side skips a few
   * class-value lookups the listener pays (a bias in the Instrumenter's favour).
   */
  enum OwnExtractor implements AttributesExtractor<ChatCall, ChatResponse> {
    INSTANCE;

    @Override
    public void onStart(AttributesBuilder attributes, Context parentContext, ChatCall call) {
      ChatRequest request = call.request;
      attributes.put(GEN_AI_OPERATION_NAME, SemconvAttributes.OperationName.CHAT);
      attributes.put(GEN_AI_PROVIDER_NAME, call.provider);
      String model = request.modelName();
      if (model != null) {
        attributes.put(GEN_AI_REQUEST_MODEL, model);
      }
      ChatRequestParameters parameters = request.parameters();
      if (parameters == null) {
        return;
      }
      putIfNotNull(attributes, GEN_AI_REQUEST_TEMPERATURE, parameters.temperature());
      putIfNotNull(attributes, GEN_AI_REQUEST_TOP_P, parameters.topP());
      Integer topK = parameters.topK();
      if (topK != null) {
        attributes.put(GEN_AI_REQUEST_TOP_K, topK.doubleValue());
      }
      Integer maxTokens = parameters.maxOutputTokens();
      if (maxTokens != null) {
        attributes.put(GEN_AI_REQUEST_MAX_TOKENS, maxTokens.longValue());
      }
      List<String> stop = parameters.stopSequences();
      if (stop != null && !stop.isEmpty()) {
        attributes.put(GEN_AI_REQUEST_STOP_SEQUENCES, stop);
      }
      putIfNotNull(attributes, GEN_AI_REQUEST_FREQUENCY_PENALTY, parameters.frequencyPenalty());
      putIfNotNull(attributes, GEN_AI_REQUEST_PRESENCE_PENALTY, parameters.presencePenalty());
      ResponseFormat format = parameters.responseFormat();
      if (format != null && format.type() == ResponseFormatType.JSON) {
        attributes.put(GEN_AI_OUTPUT_TYPE, "json");
      }
    }

    @Override
    public void onEnd(
        AttributesBuilder attributes,
        Context context,
        ChatCall call,
        @Nullable ChatResponse response,
        @Nullable Throwable error) {
      if (error != null) {
        attributes.put(ERROR_TYPE, ErrorTypes.of(error));
      }
      ChatResponseMetadata metadata = metadata(response);
      if (metadata == null) {
        return;
      }
      if (metadata.id() != null) {
        attributes.put(GEN_AI_RESPONSE_ID, metadata.id());
      }
      if (metadata.modelName() != null) {
        attributes.put(GEN_AI_RESPONSE_MODEL, metadata.modelName());
      }
      String finishReason = finishReason(metadata.finishReason());
      if (finishReason != null) {
        attributes.put(GEN_AI_RESPONSE_FINISH_REASONS, List.of(finishReason));
      }
      TokenUsage usage = metadata.tokenUsage();
      if (usage != null) {
        if (usage.inputTokenCount() != null) {
          attributes.put(GEN_AI_USAGE_INPUT_TOKENS, usage.inputTokenCount().longValue());
        }
        if (usage.outputTokenCount() != null) {
          attributes.put(GEN_AI_USAGE_OUTPUT_TOKENS, usage.outputTokenCount().longValue());
        }
      }
    }

    private static void putIfNotNull(
        AttributesBuilder attributes,
        io.opentelemetry.api.common.AttributeKey<Double> key,
        @Nullable Double value) {
      if (value != null) {
        attributes.put(key, value);
      }
    }
  }

  /**
   * The two histograms of semconv 1.41.1 with advised buckets (llmetry4j's {@link
   * GenAiClientMetrics}) as an {@link OperationListener}: the metric attribute sets are built once
   * per provider and model (llmetry4j's {@link GenAiMetricAttributes}); the start time and those
   * sets travel in the OTel context, the only state an OperationListener has.
   */
  static final class OwnMetrics implements OperationListener {
    private static final ContextKey<State> STATE =
        ContextKey.named("llmetry4j-bench-genai-metrics");
    private static final double NANOS_PER_SECOND = 1_000_000_000.0;
    private static final int MAX_MODELS = 256;

    private final GenAiClientMetrics metrics;
    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

    OwnMetrics(io.opentelemetry.api.metrics.Meter meter) {
      this.metrics = new GenAiClientMetrics(meter);
    }

    private static final class Entry {
      final String provider;
      final GenAiMetricAttributes attributes;

      Entry(String provider, GenAiMetricAttributes attributes) {
        this.provider = provider;
        this.attributes = attributes;
      }
    }

    private static final class State {
      final GenAiMetricAttributes attributes;
      final long startNanos;

      State(GenAiMetricAttributes attributes, long startNanos) {
        this.attributes = attributes;
        this.startNanos = startNanos;
      }
    }

    @Override
    public Context onStart(
        Context context, io.opentelemetry.api.common.Attributes startAttributes, long startNanos) {
      String provider = startAttributes.get(GEN_AI_PROVIDER_NAME);
      String model = startAttributes.get(GEN_AI_REQUEST_MODEL);
      if (provider == null) {
        provider = UNKNOWN_PROVIDER;
      }
      String key = model == null ? "" : model;
      Entry entry = entries.get(key);
      if (entry == null || !entry.provider.equals(provider)) {
        entry =
            new Entry(
                provider,
                new GenAiMetricAttributes(
                    SemconvAttributes.OperationName.CHAT, provider, model, null, null));
        if (entries.size() < MAX_MODELS) {
          entries.put(key, entry);
        }
      }
      return context.with(STATE, new State(entry.attributes, startNanos));
    }

    @Override
    public void onEnd(
        Context context, io.opentelemetry.api.common.Attributes endAttributes, long endNanos) {
      State state = context.get(STATE);
      if (state == null) {
        return;
      }
      double seconds = (endNanos - state.startNanos) / NANOS_PER_SECOND;
      String errorType = endAttributes.get(ERROR_TYPE);
      if (errorType != null) {
        metrics.recordDuration(seconds, state.attributes.error(errorType));
        return;
      }
      metrics.recordSuccess(
          seconds,
          endAttributes.get(GEN_AI_USAGE_INPUT_TOKENS),
          endAttributes.get(GEN_AI_USAGE_OUTPUT_TOKENS),
          state.attributes.success(endAttributes.get(GEN_AI_RESPONSE_MODEL)));
    }
  }

  // ---- the same mappings as the hand-written listener (its package-private ProviderNames) ----

  static final String UNKNOWN_PROVIDER = "langchain4j";

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

  static String providerName(@Nullable ModelProvider provider) {
    if (provider == null || provider == ModelProvider.OTHER) {
      return UNKNOWN_PROVIDER;
    }
    String known = PROVIDERS.get(provider.name());
    return known != null ? known : provider.name().toLowerCase(Locale.ROOT);
  }

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

  @Nullable
  private static ChatResponseMetadata metadata(@Nullable ChatResponse response) {
    return response == null ? null : response.metadata();
  }

  @Nullable
  private static TokenUsage usage(@Nullable ChatResponse response) {
    ChatResponseMetadata metadata = metadata(response);
    return metadata == null ? null : metadata.tokenUsage();
  }
}
