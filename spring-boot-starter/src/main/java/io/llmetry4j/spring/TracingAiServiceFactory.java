package io.llmetry4j.spring;

import dev.langchain4j.memory.ChatMemory;
import dev.langchain4j.memory.chat.ChatMemoryProvider;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.moderation.ModerationModel;
import dev.langchain4j.rag.RetrievalAugmentor;
import dev.langchain4j.rag.content.retriever.ContentRetriever;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.tool.ToolProvider;
import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.rag.TracingGuardrails;
import io.llmetry4j.rag.TracingTools;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.logging.Logger;
import javax.annotation.Nullable;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.FactoryBean;

/**
 * Builds an {@code @AiService} as LangChain4j's starter does ({@code AiServiceFactory}), with its
 * tools added through {@link TracingTools#addTo} — the tools LangChain4j itself finds, with its
 * tool semantics, each execution an {@code execute_tool} span — and its guardrails traced through
 * {@link TracingGuardrails#addTo}. It stands in for the starter's factory only when that factory is
 * exactly the one this was written against (the same fields) and its tools are plain objects (not
 * AOP proxies, which the starter treats apart); otherwise the starter's factory stays, and the AI
 * Service is traced without tool spans and guardrail events.
 */
final class TracingAiServiceFactory implements FactoryBean<Object> {

  static final String STARTER_FACTORY = "dev.langchain4j.service.spring.AiServiceFactory";

  private static final Logger logger = Logger.getLogger(TracingAiServiceFactory.class.getName());
  // Package-private for the fallback test: the line is logged once per JVM.
  static final AtomicBoolean unknownFactoryLogged = new AtomicBoolean();

  // The fields of the starter's AiServiceFactory (1.11.0-beta19 to 1.12.2-beta22).
  private static final Set<String> KNOWN_FIELDS =
      Set.of(
          "aiServiceClass",
          "chatModel",
          "streamingChatModel",
          "chatMemory",
          "chatMemoryProvider",
          "contentRetriever",
          "retrievalAugmentor",
          "moderationModel",
          "toolProvider",
          "tools");

  private final Map<String, Object> values;
  private final Class<Object> serviceClass;
  private final Supplier<LlmTelemetry> telemetry;
  private final boolean traceTools;
  private final boolean traceGuardrails;

  private TracingAiServiceFactory(
      Map<String, Object> values,
      Supplier<LlmTelemetry> telemetry,
      boolean traceTools,
      boolean traceGuardrails) {
    this.values = values;
    this.telemetry = telemetry;
    this.traceTools = traceTools;
    this.traceGuardrails = traceGuardrails;
    @SuppressWarnings("unchecked")
    Class<Object> type = (Class<Object>) values.get("aiServiceClass");
    this.serviceClass = type;
  }

  /**
   * The replacement of the starter's {@code factory}, or null when it must stay: when it would add
   * nothing (no tools to trace, guardrails not traced) or cannot keep the starter's behaviour.
   */
  @Nullable
  static FactoryBean<Object> replacing(
      Object factory,
      Supplier<LlmTelemetry> telemetry,
      boolean traceTools,
      boolean traceGuardrails) {
    Map<String, Object> values = fieldValues(factory);
    if (values == null) {
      if (unknownFactoryLogged.compareAndSet(false, true)) {
        logger.info(
            "llmetry4j: this version of LangChain4j's Spring starter builds AI Services in a way"
                + " llmetry4j does not know; their tools are not traced (the AI Services are).");
      }
      return null;
    }
    List<?> tools = (List<?>) values.get("tools");
    boolean hasTools = tools != null && !tools.isEmpty();
    if (hasTools && tools.stream().anyMatch(AopUtils::isAopProxy)) {
      return null;
    }
    @SuppressWarnings("unchecked")
    Class<Object> serviceClass = (Class<Object>) values.get("aiServiceClass");
    boolean guardrails = traceGuardrails && declaresGuardrails(serviceClass);
    if (!(traceTools && hasTools) && !guardrails) {
      return null; // nothing to add: the starter's own factory builds it
    }
    return new TracingAiServiceFactory(values, telemetry, traceTools, guardrails);
  }

  /**
   * Whether the AI Service has guardrails: LangChain4j's {@code @InputGuardrails} or {@code
   * OutputGuardrails} on its interface or a method (how an {@code @AiService} declares them).
   */
  private static boolean declaresGuardrails(@Nullable Class<?> serviceClass) {
    if (serviceClass == null) {
      return false;
    }
    if (hasGuardrailAnnotation(serviceClass.getAnnotations())) {
      return true;
    }
    for (java.lang.reflect.Method method : serviceClass.getMethods()) {
      if (hasGuardrailAnnotation(method.getAnnotations())) {
        return true;
      }
    }
    return false;
  }

  private static boolean hasGuardrailAnnotation(java.lang.annotation.Annotation[] annotations) {
    for (java.lang.annotation.Annotation annotation : annotations) {
      String name = annotation.annotationType().getName();
      if (name.equals("dev.langchain4j.service.guardrail.InputGuardrails")
          || name.equals("dev.langchain4j.service.guardrail.OutputGuardrails")) {
        return true;
      }
    }
    return false;
  }

  @Nullable
  private static Map<String, Object> fieldValues(Object factory) {
    Map<String, Object> values = new HashMap<>();
    try {
      for (Field field : factory.getClass().getDeclaredFields()) {
        if (Modifier.isStatic(field.getModifiers())) {
          continue;
        }
        if (!KNOWN_FIELDS.contains(field.getName())) {
          return null;
        }
        field.setAccessible(true);
        values.put(field.getName(), field.get(factory));
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
    return values.keySet().equals(KNOWN_FIELDS) ? values : null;
  }

  @Override
  public Object getObject() {
    AiServices<Object> builder = AiServices.builder(serviceClass);
    ChatModel chatModel = (ChatModel) values.get("chatModel");
    if (chatModel != null) {
      builder.chatModel(chatModel);
    }
    StreamingChatModel streamingChatModel = (StreamingChatModel) values.get("streamingChatModel");
    if (streamingChatModel != null) {
      builder.streamingChatModel(streamingChatModel);
    }
    ChatMemory chatMemory = (ChatMemory) values.get("chatMemory");
    if (chatMemory != null) {
      builder.chatMemory(chatMemory);
    }
    ChatMemoryProvider chatMemoryProvider = (ChatMemoryProvider) values.get("chatMemoryProvider");
    if (chatMemoryProvider != null) {
      builder.chatMemoryProvider(chatMemoryProvider);
    }
    RetrievalAugmentor retrievalAugmentor = (RetrievalAugmentor) values.get("retrievalAugmentor");
    ContentRetriever contentRetriever = (ContentRetriever) values.get("contentRetriever");
    if (retrievalAugmentor != null) {
      builder.retrievalAugmentor(retrievalAugmentor);
    } else if (contentRetriever != null) {
      builder.contentRetriever(contentRetriever);
    }
    ModerationModel moderationModel = (ModerationModel) values.get("moderationModel");
    if (moderationModel != null) {
      builder.moderationModel(moderationModel);
    }
    ToolProvider toolProvider = (ToolProvider) values.get("toolProvider");
    if (toolProvider != null) {
      builder.toolProvider(toolProvider);
    }
    List<?> tools = (List<?>) values.get("tools");
    if (tools != null && !tools.isEmpty()) {
      if (traceTools) {
        TracingTools.addTo(builder, telemetry.get(), tools.toArray());
      } else {
        // As the starter adds plain tools: each one as it is.
        builder.tools(tools.toArray());
      }
    }
    if (traceGuardrails) {
      TracingGuardrails.addTo(builder, telemetry.get());
    }
    return builder.build();
  }

  @Override
  public Class<?> getObjectType() {
    return serviceClass;
  }

  @Override
  public boolean isSingleton() {
    return true;
  }
}
