package io.llmetry4j.rag;

import static java.util.Objects.requireNonNull;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.input.Prompt;
import dev.langchain4j.model.moderation.Moderation;
import dev.langchain4j.model.moderation.ModerationModel;
import dev.langchain4j.model.output.Response;
import dev.langchain4j.service.AiServices;
import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.core.internal.AgentContext;
import io.llmetry4j.core.internal.Forwarding;
import io.llmetry4j.core.internal.GenAiProviders;
import io.llmetry4j.core.internal.Instrumentation;
import io.llmetry4j.core.internal.NoArgMethod;
import io.llmetry4j.core.internal.Operation;
import io.llmetry4j.core.internal.SemconvAttributes;
import io.llmetry4j.core.internal.ServerAddress;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import javax.annotation.Nullable;

/**
 * Wraps a {@link ModerationModel} so that each moderation is an {@code apply_guardrail {component}}
 * span of kind CLIENT (a moderation model is a remote guardrail service), following the {@code
 * gen_ai.apply_guardrail.client} span of the GenAI guardrail conventions
 * (open-telemetry/semantic-conventions-genai): {@code gen_ai.operation.name} {@code
 * apply_guardrail}, {@code gen_ai.provider.name}, {@code gen_ai.guardrail.component.name} (the
 * model's class unless told otherwise), the model, and the moderation's own result, {@code
 * gen_ai.guardrail.result.type} {@code "flagged"} with {@code .value} {@code "true"} or {@code
 * "false"}. Every other method of the model is its own, including those later LangChain4j versions
 * add.
 *
 * <pre>{@code
 * ModerationModel moderation = TracingModerationModel.wrap(telemetry, openAiModeration);
 *
 * // For @Moderate on an AI Service: the moderation span becomes a child of the AI Service call.
 * TracingModerationModel.addTo(AiServices.builder(Assistant.class).chatModel(model),
 *     telemetry, openAiModeration);
 * }</pre>
 *
 * <p>LangChain4j (1.11 to 1.19) reports no categories or scores for a moderation, only whether it
 * flagged a text, so none are recorded. The moderated texts are content: recorded, in {@code
 * gen_ai.guardrail.content.input.value}, only with content capture on. A failed call gives {@code
 * error.type} and the same exception.
 *
 * <p>{@code @Moderate} runs the moderation on LangChain4j's default executor, where the caller's
 * context is gone; {@link #addTo} therefore also listens to the AI Service's start and end, and
 * hands the moderation the context of the call whose user message it moderates.
 */
public final class TracingModerationModel {

  private static final NoArgMethod PROVIDER = new NoArgMethod("provider");
  private static final NoArgMethod MODEL_NAME = new NoArgMethod("modelName");
  // LangChain4j 1.12+: ModerationRequest.texts() and ModerationResponse.moderation().
  private static final NoArgMethod TEXTS = new NoArgMethod("texts");
  private static final NoArgMethod MODERATION = new NoArgMethod("moderation");

  private TracingModerationModel() {}

  /** {@code model}, traced. */
  public static ModerationModel wrap(LlmTelemetry telemetry, ModerationModel model) {
    return builder(telemetry, model).build();
  }

  /**
   * Sets {@code model}, traced, as the moderation model of the AI Service {@code services} builds,
   * with the parent hand-off {@code @Moderate} needs; returns {@code services}.
   */
  public static <T> AiServices<T> addTo(
      AiServices<T> services, LlmTelemetry telemetry, ModerationModel model) {
    return builder(telemetry, model).addTo(services);
  }

  /** Starts a builder that traces {@code model}. */
  public static Builder builder(LlmTelemetry telemetry, ModerationModel model) {
    return new Builder(telemetry, model);
  }

  private static ModerationModel build(
      Builder builder, @Nullable AiServiceInvocations invocations) {
    Instrumentation instrumentation = Instrumentation.of(builder.telemetry);
    String componentName =
        builder.componentName != null
            ? builder.componentName
            : defaultComponentName(builder.model.getClass());
    String spanName =
        componentName == null
            ? GuardrailAttributes.APPLY_GUARDRAIL
            : GuardrailAttributes.APPLY_GUARDRAIL + " " + componentName;
    Operation<ModerationCall, Object> operation =
        Operation.<ModerationCall, Object>builder(
                instrumentation, SpanKind.CLIENT, call -> spanName)
            .addExtractor(
                new Attributes(
                    instrumentation,
                    componentName,
                    builder.providerName != null
                        ? builder.providerName
                        : providerName(builder.model),
                    builder.requestModel != null ? builder.requestModel : modelName(builder.model),
                    builder.serverAddress,
                    builder.serverPort))
            .build();
    return Forwarding.wrap(
        ModerationModel.class, builder.model, method -> route(method, operation, invocations));
  }

  /** Each moderation method (moderate, and doModerate from LangChain4j 1.12): one span per call. */
  @Nullable
  private static Forwarding.Handler<ModerationModel> route(
      Method method,
      Operation<ModerationCall, Object> operation,
      @Nullable AiServiceInvocations invocations) {
    boolean moderation =
        (method.getName().equals("moderate") || method.getName().equals("doModerate"))
            && method.getParameterCount() == 1;
    if (!moderation) {
      return null;
    }
    return (model, self, invocation, args) -> {
      Context parent = parent(args[0], invocations);
      return operation.call(
          parent, new ModerationCall(args[0], parent), () -> invocation.invoke(model, args));
    };
  }

  /**
   * Where the span belongs: the current span when there is one (a direct call); on LangChain4j's
   * executor, where {@code @Moderate} runs with no span current, the AI Service call whose user
   * message is moderated; otherwise the current context.
   */
  private static Context parent(
      @Nullable Object argument, @Nullable AiServiceInvocations invocations) {
    Context current = Context.current();
    if (invocations == null || Span.fromContext(current).getSpanContext().isValid()) {
      return current;
    }
    Context call =
        argument instanceof List ? invocations.contextOfMessages((List<?>) argument) : null;
    return call != null ? call : current;
  }

  /** One moderation: its argument, as the caller gave it. */
  static final class ModerationCall {
    @Nullable final Object argument;
    @Nullable final String conversationId;

    ModerationCall(@Nullable Object argument, Context parent) {
      this.argument = argument;
      AgentContext agent = AgentContext.from(parent);
      this.conversationId = agent == null ? null : agent.conversationId();
    }
  }

  /** What an {@code apply_guardrail} span records. */
  private static final class Attributes implements Operation.Extractor<ModerationCall, Object> {
    private final Instrumentation instrumentation;
    @Nullable private final String componentName;
    private final String providerName;
    @Nullable private final String requestModel;
    @Nullable private final String serverAddress;
    private final int serverPort;

    Attributes(
        Instrumentation instrumentation,
        @Nullable String componentName,
        String providerName,
        @Nullable String requestModel,
        @Nullable String serverAddress,
        int serverPort) {
      this.instrumentation = instrumentation;
      this.componentName = componentName;
      this.providerName = providerName;
      this.requestModel = requestModel;
      this.serverAddress = serverAddress;
      this.serverPort = serverPort;
    }

    @Override
    public void onStart(SpanBuilder span, ModerationCall call) {
      span.setAttribute(
              SemconvAttributes.GEN_AI_OPERATION_NAME, GuardrailAttributes.APPLY_GUARDRAIL)
          .setAttribute(SemconvAttributes.GEN_AI_PROVIDER_NAME, providerName);
      if (componentName != null) {
        span.setAttribute(GuardrailAttributes.COMPONENT_NAME, componentName);
      }
      if (requestModel != null) {
        span.setAttribute(SemconvAttributes.GEN_AI_REQUEST_MODEL, requestModel);
      }
      if (serverAddress != null) {
        span.setAttribute(SemconvAttributes.SERVER_ADDRESS, serverAddress)
            .setAttribute(SemconvAttributes.SERVER_PORT, (long) serverPort);
      }
      if (call.conversationId != null) {
        span.setAttribute(SemconvAttributes.GEN_AI_CONVERSATION_ID, call.conversationId);
      }
    }

    @Override
    public void onRecordingStart(Span span, ModerationCall call) {
      if (!instrumentation.captureContent()) {
        return;
      }
      List<String> texts = texts(call.argument);
      if (texts == null) {
        return;
      }
      // The span's share of content, spread over the texts (newest last, so cut from the end).
      int budget = instrumentation.semconvContentBudget();
      List<String> recorded = new ArrayList<>(texts.size());
      for (String text : texts) {
        String value =
            instrumentation.content(text, Math.max(1, budget / Math.max(1, texts.size())));
        if (value != null) {
          recorded.add(value);
        }
      }
      if (recorded.isEmpty()) {
        return;
      }
      if (isSingleText(call.argument)) {
        span.setAttribute(GuardrailAttributes.CONTENT_INPUT, recorded.get(0));
      } else {
        span.setAttribute(GuardrailAttributes.CONTENT_INPUTS, recorded);
      }
    }

    @Override
    public void onEnd(
        Span span, ModerationCall call, @Nullable Object response, @Nullable Throwable error) {
      Moderation moderation = moderationOf(response);
      if (moderation != null) {
        span.setAttribute(GuardrailAttributes.RESULT_TYPE, GuardrailAttributes.MODERATION_FLAGGED)
            .setAttribute(GuardrailAttributes.RESULT_VALUE, Boolean.toString(moderation.flagged()));
      }
    }
  }

  /** The moderation of what a moderation method returned (a Response, or a ModerationResponse). */
  @Nullable
  private static Moderation moderationOf(@Nullable Object response) {
    Object content =
        response instanceof Response
            ? ((Response<?>) response).content()
            : MODERATION.read(response);
    return content instanceof Moderation ? (Moderation) content : null;
  }

  private static boolean isSingleText(@Nullable Object argument) {
    return argument instanceof String
        || argument instanceof Prompt
        || argument instanceof TextSegment
        || argument instanceof dev.langchain4j.data.message.ChatMessage;
  }

  /** The texts a moderation method evaluates, or null when it has none to show. */
  @Nullable
  private static List<String> texts(@Nullable Object argument) {
    if (argument instanceof String) {
      return List.of((String) argument);
    }
    if (argument instanceof Prompt) {
      return List.of(((Prompt) argument).text());
    }
    if (argument instanceof TextSegment) {
      return List.of(((TextSegment) argument).text());
    }
    if (argument instanceof List) {
      List<String> texts = new ArrayList<>();
      for (Object message : (List<?>) argument) {
        String text = message instanceof String ? (String) message : messageText(message);
        if (text != null) {
          texts.add(text);
        }
      }
      return texts.isEmpty() ? null : texts;
    }
    if (argument != null && !(argument instanceof dev.langchain4j.data.message.ChatMessage)) {
      Object texts = TEXTS.read(argument); // a ModerationRequest (LangChain4j 1.12+)
      return texts instanceof List ? texts((List<?>) texts) : null;
    }
    String text = messageText(argument);
    return text == null ? null : List.of(text);
  }

  @Nullable
  private static List<String> texts(List<?> values) {
    List<String> texts = new ArrayList<>();
    for (Object value : values) {
      if (value instanceof String) {
        texts.add((String) value);
      }
    }
    return texts.isEmpty() ? null : texts;
  }

  /** The text of a chat message as LangChain4j moderates it; null for other content. */
  @Nullable
  private static String messageText(@Nullable Object message) {
    if (message instanceof UserMessage) {
      UserMessage user = (UserMessage) message;
      return user.hasSingleText() ? user.singleText() : null;
    }
    if (message instanceof SystemMessage) {
      return ((SystemMessage) message).text();
    }
    if (message instanceof AiMessage) {
      return ((AiMessage) message).text();
    }
    if (message instanceof ToolExecutionResultMessage) {
      return ((ToolExecutionResultMessage) message).text();
    }
    return null;
  }

  /**
   * The provider the model reports (LangChain4j 1.12+), else the one its class's package names (the
   * provider modules of LangChain4j), else LangChain4j's own marker for an unknown provider.
   */
  private static String providerName(ModerationModel model) {
    Object reported = PROVIDER.read(model);
    if (reported instanceof Enum) {
      String provider = GenAiProviders.ofModelProvider(((Enum<?>) reported).name());
      if (!GenAiProviders.UNKNOWN_PROVIDER.equals(provider)) {
        return provider;
      }
    }
    String type = model.getClass().getName();
    if (type.startsWith("dev.langchain4j.model.openai.")) {
      return "openai";
    }
    if (type.startsWith("dev.langchain4j.model.mistralai.")) {
      return "mistral_ai";
    }
    return GenAiProviders.UNKNOWN_PROVIDER;
  }

  /** The model's name (on the interface from LangChain4j 1.12, on OpenAI's model before). */
  @Nullable
  private static String modelName(ModerationModel model) {
    Object name = MODEL_NAME.read(model);
    if (name instanceof String) {
      String value = (String) name;
      if (!value.isBlank() && !value.equalsIgnoreCase("unknown")) {
        return value;
      }
    }
    return null;
  }

  /** The model's class's simple name; null for anonymous and synthetic classes. */
  @Nullable
  private static String defaultComponentName(Class<?> type) {
    String simple = type.getSimpleName();
    return simple.isEmpty() || simple.contains("$") ? null : simple;
  }

  /** Builder of a traced moderation model. */
  public static final class Builder {
    private final LlmTelemetry telemetry;
    private final ModerationModel model;
    @Nullable private String componentName;
    @Nullable private String providerName;
    @Nullable private String requestModel;
    @Nullable private String serverAddress;
    private int serverPort;

    private Builder(LlmTelemetry telemetry, ModerationModel model) {
      this.telemetry = requireNonNull(telemetry, "telemetry");
      this.model = requireNonNull(model, "model");
    }

    /**
     * {@code gen_ai.guardrail.component.name}, also in the span name; defaults to the simple name
     * of the model's class (e.g. {@code OpenAiModerationModel}).
     */
    public Builder componentName(String componentName) {
      this.componentName = requireNonNull(componentName, "componentName");
      return this;
    }

    /** {@code gen_ai.provider.name}; defaults to the provider the model reports or its package. */
    public Builder providerName(String providerName) {
      this.providerName = requireNonNull(providerName, "providerName");
      return this;
    }

    /** {@code gen_ai.request.model}; defaults to the model's {@code modelName()}. */
    public Builder requestModel(String requestModel) {
      this.requestModel = requireNonNull(requestModel, "requestModel");
      return this;
    }

    /**
     * The base URL the model was built with: its host and port become {@code server.address} and
     * {@code server.port} (LangChain4j's moderation models do not expose it).
     *
     * @throws IllegalArgumentException if {@code baseUrl} is not an absolute URL with a host
     */
    public Builder baseUrl(String baseUrl) {
      ServerAddress server = ServerAddress.of(baseUrl, "baseUrl");
      this.serverAddress = server.host();
      this.serverPort = server.port();
      return this;
    }

    /** The traced model. */
    public ModerationModel build() {
      return TracingModerationModel.build(this, null);
    }

    /**
     * Sets the traced model as the moderation model of the AI Service {@code services} builds, and
     * registers the listeners that give {@code @Moderate}'s moderation its parent; returns {@code
     * services}.
     */
    public <T> AiServices<T> addTo(AiServices<T> services) {
      requireNonNull(services, "services");
      AiServiceInvocations invocations = new AiServiceInvocations();
      services.registerListeners(invocations.listeners());
      return services.moderationModel(TracingModerationModel.build(this, invocations));
    }
  }
}
