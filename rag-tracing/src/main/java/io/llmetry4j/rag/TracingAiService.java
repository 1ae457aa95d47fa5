package io.llmetry4j.rag;

import static java.util.Objects.requireNonNull;

import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.service.MemoryId;
import dev.langchain4j.service.TokenStream;
import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.core.internal.AgentContext;
import io.llmetry4j.core.internal.Forwarding;
import io.llmetry4j.core.internal.GenAiProviders;
import io.llmetry4j.core.internal.Instrumentation;
import io.llmetry4j.core.internal.Operation;
import io.llmetry4j.core.internal.SemconvAttributes;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.function.Supplier;
import javax.annotation.Nullable;

/**
 * Traces an AI Service: every call of one of its methods is an {@code invoke_agent {Interface}}
 * span (INTERNAL, the method in {@code llmetry4j.agent.method}) that is the parent of that call's
 * retrieval, chat and tool spans. For methods returning {@link TokenStream} the span lasts until
 * the stream completes or fails, and the stream's work stays in its trace.
 *
 * <pre>{@code
 * Assistant assistant = TracingAiService.wrap(telemetry, Assistant.class,
 *     AiServices.builder(Assistant.class).chatModel(model).contentRetriever(retriever).build());
 * }</pre>
 *
 * <p>The span is current only while the method runs on the calling thread (and, for streams, inside
 * each callback): no scope outlives the call that opened it. The argument annotated with {@link
 * MemoryId} becomes {@code gen_ai.conversation.id}.
 *
 * <p>The traced service implements the interface itself (no JDK proxy around the proxy): it equals
 * only itself and other traced wrappers of the same service, never the bare service (which does not
 * know it), and shares the service's hash code and text.
 */
public final class TracingAiService {

  /** llmetry4j's own: the AI Service method called (semconv names the span after the agent). */
  static final AttributeKey<String> AGENT_METHOD = AttributeKey.stringKey("llmetry4j.agent.method");

  private TracingAiService() {}

  /**
   * Returns {@code service} traced, as the same interface. The agent's {@code gen_ai.provider.name}
   * is then the one its first chat call reports; {@link #builder} can give it (and the model) up
   * front, where samplers see it.
   */
  public static <T> T wrap(LlmTelemetry telemetry, Class<T> type, T service) {
    return builder(telemetry, type, service).build();
  }

  /** Starts a builder that traces {@code service}, an AI Service of interface {@code type}. */
  public static <T> Builder<T> builder(LlmTelemetry telemetry, Class<T> type, T service) {
    return new Builder<>(telemetry, type, service);
  }

  private static <T> T build(Builder<T> builder) {
    Instrumentation instrumentation = Instrumentation.of(builder.telemetry);
    Operation<AgentCall, Object> operation =
        Operation.<AgentCall, Object>builder(
                instrumentation, SpanKind.INTERNAL, call -> call.method.spanName)
            .addExtractor(new Attributes(builder, instrumentation))
            .sumsCost()
            .addOpenLlmetryExtractor(
                OpenLlmetryExtractors.agent(instrumentation, builder.type.getSimpleName()))
            .metrics(
                (call, response, errorType, seconds) ->
                    instrumentation
                        .metrics()
                        .recordAgentDuration(
                            seconds, call.method.agentName, builder.requestModel, errorType))
            .build();
    String agentName = builder.type.getSimpleName();
    return Forwarding.wrap(
        builder.type, builder.service, method -> route(agentName, method, operation));
  }

  /** Every method of the interface: one span per call. */
  private static <T> Forwarding.Handler<T> route(
      String agentName, Method method, Operation<AgentCall, Object> operation) {
    MethodInfo info = new MethodInfo(agentName, method);
    if (!info.streaming) {
      return (service, self, invocation, args) -> {
        AgentCall call = new AgentCall(info, args);
        return operation.call(
            call.context.storeIn(Context.current()), call, () -> invocation.invoke(service, args));
      };
    }
    // A stream: the span lasts until the stream completes or fails, not until start() returns.
    return (service, self, invocation, args) -> {
      AgentCall agentCall = new AgentCall(info, args);
      Operation.Call<AgentCall> call =
          operation.start(agentCall.context.storeIn(Context.current()), agentCall);
      Object stream;
      try (Scope ignored = call.makeCurrent()) {
        stream = invocation.invoke(service, args);
      } catch (Throwable e) {
        operation.end(call, null, e);
        throw e;
      }
      if (stream == null) {
        operation.end(call, null, null);
        return null;
      }
      return TracingTokenStream.wrap((TokenStream) stream, operation, call);
    };
  }

  /** One call of an AI Service method. */
  static final class AgentCall {
    final MethodInfo method;

    /** What the chat and tool spans of this call share with it. */
    final AgentContext context;

    /** The arguments, for OpenLLMetry's entity input (compat mode with content on). */
    @Nullable final Object[] args;

    AgentCall(MethodInfo method, @Nullable Object[] args) {
      this.method = method;
      this.args = args;
      int memoryId = method.memoryIdIndex;
      Object id = memoryId >= 0 && args != null ? args[memoryId] : null;
      this.context = new AgentContext(method.agentName, id == null ? null : String.valueOf(id));
    }
  }

  /** What an {@code invoke_agent} span records. */
  private static final class Attributes implements Operation.Extractor<AgentCall, Object> {
    private final String agentName;
    @Nullable private final String providerName;
    @Nullable private final String requestModel;
    private final Instrumentation instrumentation;

    Attributes(Builder<?> builder, Instrumentation instrumentation) {
      this.instrumentation = instrumentation;
      this.agentName = builder.type.getSimpleName();
      this.providerName = builder.providerName;
      this.requestModel = builder.requestModel;
    }

    @Override
    public void onStart(SpanBuilder span, AgentCall call) {
      span.setAttribute(
              SemconvAttributes.GEN_AI_OPERATION_NAME, SemconvAttributes.OperationName.INVOKE_AGENT)
          .setAttribute(SemconvAttributes.GEN_AI_AGENT_NAME, agentName)
          .setAttribute(AGENT_METHOD, call.method.name);
      // The newest conventions drop the provider from in-process agents (which may use several).
      if (providerName != null && !instrumentation.latestExperimental()) {
        span.setAttribute(SemconvAttributes.GEN_AI_PROVIDER_NAME, providerName);
      }
      if (requestModel != null) {
        span.setAttribute(SemconvAttributes.GEN_AI_REQUEST_MODEL, requestModel);
      }
      String conversationId = call.context.conversationId();
      if (conversationId != null) {
        span.setAttribute(SemconvAttributes.GEN_AI_CONVERSATION_ID, conversationId);
      }
    }

    @Override
    public void onEnd(
        Span span, AgentCall call, @Nullable Object response, @Nullable Throwable error) {
      // Not told up front: the provider is the one the agent's first chat call reported.
      String reported = call.context.reportedProvider();
      if (providerName == null && reported != null && !instrumentation.latestExperimental()) {
        span.setAttribute(SemconvAttributes.GEN_AI_PROVIDER_NAME, reported);
      }
    }
  }

  /** What the span of one method needs, computed once per method. */
  static final class MethodInfo {
    final String spanName;
    final String agentName;
    final String name;
    final int memoryIdIndex;
    final boolean streaming;

    MethodInfo(String agentName, Method method) {
      // semconv: "invoke_agent {gen_ai.agent.name}"; the method is llmetry4j.agent.method.
      this.spanName = "invoke_agent " + agentName;
      this.agentName = agentName;
      this.name = method.getName();
      this.streaming = TokenStream.class.isAssignableFrom(method.getReturnType());
      int index = -1;
      Annotation[][] annotations = method.getParameterAnnotations();
      for (int i = 0; i < annotations.length && index < 0; i++) {
        for (Annotation annotation : annotations[i]) {
          if (annotation instanceof MemoryId) {
            index = i;
          }
        }
      }
      this.memoryIdIndex = index;
    }
  }

  /** Builder of a traced AI Service. */
  public static final class Builder<T> {
    private final LlmTelemetry telemetry;
    private final Class<T> type;
    private final T service;
    @Nullable private String providerName;
    @Nullable private String requestModel;

    private Builder(LlmTelemetry telemetry, Class<T> type, T service) {
      this.telemetry = requireNonNull(telemetry, "telemetry");
      this.service = requireNonNull(service, "service");
      this.type = requireNonNull(type, "type");
      if (!type.isInterface()) {
        throw new IllegalArgumentException("type must be the AI Service interface, was " + type);
      }
    }

    /**
     * The chat model the AI Service was built with: its provider becomes the agent span's {@code
     * gen_ai.provider.name} and its default model {@code gen_ai.request.model}, both set when the
     * span starts.
     */
    public Builder<T> chatModel(ChatModel model) {
      requireNonNull(model, "model");
      return model(model::provider, model::defaultRequestParameters);
    }

    /** As {@link #chatModel(ChatModel)}, for an AI Service built on a streaming chat model. */
    public Builder<T> streamingChatModel(StreamingChatModel model) {
      requireNonNull(model, "model");
      return model(model::provider, model::defaultRequestParameters);
    }

    /** {@code gen_ai.provider.name} of the agent span, e.g. {@code "deepseek"}. */
    public Builder<T> providerName(String providerName) {
      this.providerName = requireNonNull(providerName, "providerName");
      return this;
    }

    /** {@code gen_ai.request.model} of the agent span. */
    public Builder<T> requestModel(String requestModel) {
      this.requestModel = requireNonNull(requestModel, "requestModel");
      return this;
    }

    private Builder<T> model(
        Supplier<ModelProvider> provider, Supplier<ChatRequestParameters> parameters) {
      // The model's own methods are the application's code: what fails here is left unset.
      try {
        ModelProvider reported = provider.get();
        if (providerName == null && reported != null) {
          providerName = GenAiProviders.ofModelProvider(reported.name());
        }
      } catch (Throwable e) {
        // left unset: the first chat call reports it
      }
      try {
        ChatRequestParameters defaults = parameters.get();
        if (requestModel == null && defaults != null && defaults.modelName() != null) {
          requestModel = defaults.modelName();
        }
      } catch (Throwable e) {
        // left unset
      }
      return this;
    }

    /** The traced service, implementing {@code type}. */
    public T build() {
      return TracingAiService.build(this);
    }
  }
}
