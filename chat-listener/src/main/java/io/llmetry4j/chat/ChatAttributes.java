package io.llmetry4j.chat;

import static io.llmetry4j.core.internal.SemconvAttributes.GEN_AI_OUTPUT_TYPE;
import static io.llmetry4j.core.internal.SemconvAttributes.GEN_AI_REQUEST_FREQUENCY_PENALTY;
import static io.llmetry4j.core.internal.SemconvAttributes.GEN_AI_REQUEST_MAX_TOKENS;
import static io.llmetry4j.core.internal.SemconvAttributes.GEN_AI_REQUEST_PRESENCE_PENALTY;
import static io.llmetry4j.core.internal.SemconvAttributes.GEN_AI_REQUEST_SEED;
import static io.llmetry4j.core.internal.SemconvAttributes.GEN_AI_REQUEST_STOP_SEQUENCES;
import static io.llmetry4j.core.internal.SemconvAttributes.GEN_AI_REQUEST_TEMPERATURE;
import static io.llmetry4j.core.internal.SemconvAttributes.GEN_AI_REQUEST_TOP_K;
import static io.llmetry4j.core.internal.SemconvAttributes.GEN_AI_REQUEST_TOP_P;
import static io.llmetry4j.core.internal.SemconvAttributes.GEN_AI_RESPONSE_FINISH_REASONS;
import static io.llmetry4j.core.internal.SemconvAttributes.GEN_AI_RESPONSE_ID;
import static io.llmetry4j.core.internal.SemconvAttributes.GEN_AI_RESPONSE_MODEL;
import static io.llmetry4j.core.internal.SemconvAttributes.GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS;
import static io.llmetry4j.core.internal.SemconvAttributes.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS;
import static io.llmetry4j.core.internal.SemconvAttributes.GEN_AI_USAGE_INPUT_TOKENS;
import static io.llmetry4j.core.internal.SemconvAttributes.GEN_AI_USAGE_OUTPUT_TOKENS;
import static io.llmetry4j.core.internal.SemconvAttributes.GEN_AI_USAGE_REASONING_OUTPUT_TOKENS;

import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.ResponseFormat;
import dev.langchain4j.model.chat.request.ResponseFormatType;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.ChatResponseMetadata;
import dev.langchain4j.model.output.TokenUsage;
import io.llmetry4j.core.internal.LatestGenAiAttributes;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import java.util.List;
import javax.annotation.Nullable;

/**
 * Reads span attributes from LangChain4j requests and responses: one small method per group, nulls
 * in, nothing thrown, absent values left unset.
 */
final class ChatAttributes {

  // semconv 1.41.1, span.openai.inference.client (the openai registry is not among the copied
  // ones).
  static final AttributeKey<String> OPENAI_REQUEST_SERVICE_TIER =
      AttributeKey.stringKey("openai.request.service_tier");
  static final AttributeKey<String> OPENAI_RESPONSE_SERVICE_TIER =
      AttributeKey.stringKey("openai.response.service_tier");
  static final AttributeKey<String> OPENAI_RESPONSE_SYSTEM_FINGERPRINT =
      AttributeKey.stringKey("openai.response.system_fingerprint");

  private ChatAttributes() {}

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
      Long cached =
          ProviderExtras.CACHED_TOKENS.readLong(ProviderExtras.INPUT_TOKENS_DETAILS.read(usage));
      if (cached == null) {
        cached = ProviderExtras.CACHE_READ_INPUT_TOKENS.readLong(usage);
      }
      if (cached != null) {
        span.setAttribute(GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS, cached);
      }
      Long created = ProviderExtras.CACHE_CREATION_INPUT_TOKENS.readLong(usage);
      if (created != null) {
        span.setAttribute(
            latest
                ? LatestGenAiAttributes.GEN_AI_USAGE_CACHE_WRITE_INPUT_TOKENS
                : GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS,
            created);
      }
      Long reasoning =
          ProviderExtras.REASONING_TOKENS.readLong(
              ProviderExtras.OUTPUT_TOKENS_DETAILS.read(usage));
      if (reasoning != null) {
        span.setAttribute(GEN_AI_USAGE_REASONING_OUTPUT_TOKENS, reasoning);
      }
    }
    return finishReason;
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
}
