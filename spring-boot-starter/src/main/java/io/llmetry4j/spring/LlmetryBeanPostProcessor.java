package io.llmetry4j.spring;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.moderation.ModerationModel;
import dev.langchain4j.model.scoring.ScoringModel;
import dev.langchain4j.rag.RetrievalAugmentor;
import dev.langchain4j.rag.content.retriever.ContentRetriever;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.web.search.WebSearchEngine;
import io.llmetry4j.chat.TracingChatModel;
import io.llmetry4j.chat.TracingStreamingChatModel;
import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.core.internal.Forwarding;
import io.llmetry4j.mcp.TracingMcpTransport;
import io.llmetry4j.rag.TracingAiService;
import io.llmetry4j.rag.TracingContentRetriever;
import io.llmetry4j.rag.TracingModerationModel;
import io.llmetry4j.rag.TracingRetrievalAugmentor;
import io.llmetry4j.rag.TracingScoringModel;
import io.llmetry4j.rag.TracingWebSearchEngine;
import io.llmetry4j.store.TracingEmbeddingModel;
import io.llmetry4j.store.TracingEmbeddingStore;
import java.lang.annotation.Annotation;
import javax.annotation.Nullable;
import org.springframework.beans.factory.FactoryBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.util.ClassUtils;

/**
 * Wraps the application's LangChain4j beans once they are initialised: {@code EmbeddingModel},
 * {@code EmbeddingStore} (collection name unknown to Spring: set it with your own {@code
 * TracingEmbeddingStore} bean when you want it), {@code ContentRetriever} (the bean name is the
 * {@code gen_ai.data_source.id}), {@code ChatModel} and {@code StreamingChatModel} (their HTTP
 * calls then nest under the chat spans), {@code ModerationModel}, {@code ScoringModel} (provider
 * from its package; model and server only where the application builds it with {@code
 * TracingScoringModel.builder}), {@code RetrievalAugmentor} (the augmentation span only: the stages
 * of an augmentor built elsewhere are LangChain4j's private fields; build it with {@code
 * TracingRetrievalAugmentor.builder} for stage spans), {@code WebSearchEngine}, {@code
 * McpTransport} (when langchain4j-mcp is present; an {@code McpClient} bean built from a transport
 * that is not itself a bean cannot be reached, and is not traced), and AI Services (beans
 * implementing an interface annotated with LangChain4j's {@code @AiService}). A bean that is
 * already a llmetry4j wrapper is left alone; each kind has its switch under {@code
 * llmetry4j.components}. An {@code EmbeddingStoreIngestor} is a class, not an interface, so no
 * wrapper can take its place: build it with {@code TracingIngestor}.
 *
 * <p>The wrapped bean implements the LangChain4j interface (as the running LangChain4j defines it),
 * not the bean's class: inject these beans by their LangChain4j interface.
 */
public class LlmetryBeanPostProcessor implements BeanPostProcessor {

  private static final String AI_SERVICE_ANNOTATION = "dev.langchain4j.service.spring.AiService";
  private static final String MCP_TRANSPORT = "dev.langchain4j.mcp.client.transport.McpTransport";

  private final ObjectProvider<LlmTelemetry> telemetry;
  private final LlmetryProperties.Components components;
  @Nullable private final Class<? extends Annotation> aiService;
  private final boolean mcpPresent;

  LlmetryBeanPostProcessor(
      ObjectProvider<LlmTelemetry> telemetry, LlmetryProperties.Components components) {
    this.telemetry = telemetry;
    this.components = components;
    this.aiService = aiServiceAnnotation();
    this.mcpPresent =
        ClassUtils.isPresent(MCP_TRANSPORT, LlmetryBeanPostProcessor.class.getClassLoader());
  }

  /**
   * LangChain4j's AI Service factory, its properties set: replaced by one that adds the tools
   * through {@code TracingTools} and traces the guardrails, where that keeps the starter's
   * behaviour (see {@link TracingAiServiceFactory}).
   */
  @Override
  public Object postProcessBeforeInitialization(Object bean, String beanName) {
    if (components.isAiService()
        && (components.isTools() || components.isGuardrails())
        && bean.getClass().getName().equals(TracingAiServiceFactory.STARTER_FACTORY)) {
      FactoryBean<Object> traced =
          TracingAiServiceFactory.replacing(
              bean, telemetry::getObject, components.isTools(), components.isGuardrails());
      if (traced != null) {
        return traced;
      }
    }
    return bean;
  }

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  public Object postProcessAfterInitialization(Object bean, String beanName) {
    if (bean instanceof FactoryBean || Forwarding.delegateOf(bean) != null) {
      // A factory (LangChain4j's AiServiceFactory): the object it makes comes here too. A wrapper
      // (the application's own, or an augmentor from TracingRetrievalAugmentor.builder with its
      // stages traced) would have its spans doubled by a second one.
      return bean;
    }
    if (components.isEmbeddingStore() && bean instanceof EmbeddingStore) {
      return TracingEmbeddingStore.wrap(telemetry.getObject(), (EmbeddingStore) bean);
    }
    if (components.isEmbeddingModel() && bean instanceof EmbeddingModel) {
      return TracingEmbeddingModel.wrap(telemetry.getObject(), (EmbeddingModel) bean);
    }
    if (components.isContentRetriever() && bean instanceof ContentRetriever) {
      return TracingContentRetriever.wrap(telemetry.getObject(), (ContentRetriever) bean, beanName);
    }
    if (components.isChatModel() && bean instanceof ChatModel) {
      return TracingChatModel.wrap((ChatModel) bean);
    }
    if (components.isStreamingChatModel() && bean instanceof StreamingChatModel) {
      return TracingStreamingChatModel.wrap((StreamingChatModel) bean);
    }
    if (components.isModeration() && bean instanceof ModerationModel) {
      return TracingModerationModel.wrap(telemetry.getObject(), (ModerationModel) bean);
    }
    if (components.isScoringModel() && bean instanceof ScoringModel) {
      return TracingScoringModel.wrap(telemetry.getObject(), (ScoringModel) bean);
    }
    if (components.isRetrievalAugmentor() && bean instanceof RetrievalAugmentor) {
      return TracingRetrievalAugmentor.wrap(telemetry.getObject(), (RetrievalAugmentor) bean);
    }
    if (components.isWebSearchEngine() && bean instanceof WebSearchEngine) {
      return TracingWebSearchEngine.wrap(telemetry.getObject(), (WebSearchEngine) bean);
    }
    if (components.isMcp() && mcpPresent) {
      Object transport = Mcp.wrapIfTransport(telemetry, bean);
      if (transport != null) {
        return transport;
      }
    }
    if (components.isAiService() && aiService != null) {
      Class<?> serviceInterface = aiServiceInterface(bean.getClass());
      if (serviceInterface != null) {
        return TracingAiService.wrap(telemetry.getObject(), (Class<Object>) serviceInterface, bean);
      }
    }
    return bean;
  }

  /** Apart, so that langchain4j-mcp's types are loaded only where it is present. */
  private static final class Mcp {
    @Nullable
    static Object wrapIfTransport(ObjectProvider<LlmTelemetry> telemetry, Object bean) {
      if (bean instanceof dev.langchain4j.mcp.client.transport.McpTransport) {
        return TracingMcpTransport.wrap(
            telemetry.getObject(), (dev.langchain4j.mcp.client.transport.McpTransport) bean);
      }
      return null;
    }
  }

  /** The {@code @AiService} interface {@code type} implements, or null. */
  @Nullable
  private Class<?> aiServiceInterface(Class<?> type) {
    for (Class<?> candidate : ClassUtils.getAllInterfacesForClassAsSet(type)) {
      if (candidate.isAnnotationPresent(aiService)) {
        return candidate;
      }
    }
    return null;
  }

  /** LangChain4j's {@code @AiService}, when its Spring starter is on the classpath. */
  @Nullable
  @SuppressWarnings("unchecked")
  private static Class<? extends Annotation> aiServiceAnnotation() {
    try {
      return (Class<? extends Annotation>)
          Class.forName(
              AI_SERVICE_ANNOTATION, false, LlmetryBeanPostProcessor.class.getClassLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      return null;
    }
  }
}
