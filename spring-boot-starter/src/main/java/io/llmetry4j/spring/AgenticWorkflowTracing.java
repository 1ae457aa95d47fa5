package io.llmetry4j.spring;

import dev.langchain4j.agentic.AgenticServices;
import dev.langchain4j.agentic.observability.AgentListener;
import dev.langchain4j.agentic.planner.AgenticService;
import dev.langchain4j.agentic.workflow.WorkflowAgentsBuilder;
import dev.langchain4j.agentic.workflow.impl.WorkflowAgentsBuilderImpl;
import io.llmetry4j.agentic.AgenticTracing;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Iterator;
import java.util.ServiceLoader;
import javax.annotation.Nullable;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;

/**
 * Traces the workflow agents (sequence, parallel, loop, conditional, and those later LangChain4j
 * versions add) that the application builds, programmatically or with {@code
 * AgenticServices.createAgenticSystem}, with no code: LangChain4j's one global hook for them,
 * {@code AgenticServices.setWorkflowAgentsBuilder}, gets a builder that hands out LangChain4j's own
 * builders with the {@link AgenticTracing} listener registered. Sub-agents inherit it, so a
 * workflow-rooted system is traced whole.
 *
 * <p>A post-processor of the bean factory, so that the hook is in place before any application bean
 * is created; the context's close puts back the builder LangChain4j chooses itself.
 */
final class AgenticWorkflowTracing implements BeanFactoryPostProcessor, DisposableBean {

  private final ObjectProvider<AgenticTracing> tracing;
  @Nullable private volatile AgentListener listener;

  AgenticWorkflowTracing(ObjectProvider<AgenticTracing> tracing) {
    this.tracing = tracing;
  }

  @Override
  public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
    AgenticServices.setWorkflowAgentsBuilder(traced(langChain4jsBuilder()));
  }

  @Override
  public void destroy() {
    AgenticServices.setWorkflowAgentsBuilder(langChain4jsBuilder());
  }

  /** The builder LangChain4j uses unless told otherwise: the first one served, else its own. */
  static WorkflowAgentsBuilder langChain4jsBuilder() {
    Iterator<WorkflowAgentsBuilder> served =
        ServiceLoader.load(WorkflowAgentsBuilder.class).iterator();
    return served.hasNext() ? served.next() : WorkflowAgentsBuilderImpl.INSTANCE;
  }

  /**
   * {@code delegate}, each workflow builder it returns with the listener registered. A JDK proxy:
   * LangChain4j adds builder methods in later versions (parallel mapper, 1.19), whose default in
   * the interface throws; a compiled class would hide the delegate's implementation of them.
   */
  WorkflowAgentsBuilder traced(WorkflowAgentsBuilder delegate) {
    InvocationHandler handler =
        (proxy, method, args) -> {
          if (method.getDeclaringClass() == Object.class) {
            return objectMethod(proxy, method, args, delegate);
          }
          Object result = invoke(method, delegate, args);
          if (result instanceof AgenticService) {
            ((AgenticService<?, ?>) result).listener(listener());
          }
          return result;
        };
    return (WorkflowAgentsBuilder)
        Proxy.newProxyInstance(
            WorkflowAgentsBuilder.class.getClassLoader(),
            new Class<?>[] {WorkflowAgentsBuilder.class},
            handler);
  }

  /**
   * The application's {@link AgenticTracing} listener, the same one its own {@code build} calls
   * register: it counts a callback once however often LangChain4j passes it on.
   */
  private AgentListener listener() {
    AgentListener current = listener;
    if (current == null) {
      current = tracing.getObject().listener();
      listener = current;
    }
    return current;
  }

  private static Object invoke(Method method, Object target, @Nullable Object[] args)
      throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private static Object objectMethod(
      Object proxy, Method method, @Nullable Object[] args, Object delegate) {
    switch (method.getName()) {
      case "equals":
        return proxy == args[0];
      case "hashCode":
        return System.identityHashCode(proxy);
      default:
        return "llmetry4j tracing " + delegate;
    }
  }
}
