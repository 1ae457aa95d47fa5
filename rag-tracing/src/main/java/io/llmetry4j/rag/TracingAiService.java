package io.llmetry4j.rag;

import static java.util.Objects.requireNonNull;

import dev.langchain4j.service.MemoryId;
import dev.langchain4j.service.TokenStream;
import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.core.internal.Instrumentation;
import io.llmetry4j.core.internal.Operation;
import io.llmetry4j.core.internal.SemconvAttributes;
import io.llmetry4j.core.internal.TraceloopAttributes;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;
import java.lang.annotation.Annotation;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.concurrent.ConcurrentHashMap;
import javax.annotation.Nullable;

/**
 * Traces an AI Service: every call of one of its methods is an {@code invoke_agent
 * {Interface.method}} span (INTERNAL) that is the parent of that call's retrieval, chat and tool
 * spans. For methods returning {@link TokenStream} the span lasts until the stream completes or
 * fails, and the stream's work stays in its trace.
 *
 * <pre>{@code
 * Assistant assistant = TracingAiService.wrap(telemetry, Assistant.class,
 *     AiServices.builder(Assistant.class).chatModel(model).contentRetriever(retriever).build());
 * }</pre>
 *
 * <p>The span is current only while the method runs on the calling thread (and, for streams, inside
 * each callback): no scope outlives the call that opened it. The argument annotated with {@link
 * MemoryId} becomes {@code gen_ai.conversation.id}.
 */
public final class TracingAiService {

  private TracingAiService() {}

  /** Returns {@code service} traced, as the same interface. */
  public static <T> T wrap(LlmTelemetry telemetry, Class<T> type, T service) {
    if (!type.isInterface()) {
      throw new IllegalArgumentException("type must be the AI Service interface, was " + type);
    }
    Object proxy =
        Proxy.newProxyInstance(
            type.getClassLoader(), new Class<?>[] {type}, new Handler(telemetry, type, service));
    return type.cast(proxy);
  }

  /** The proxy's handler: one span per call of an interface method. */
  private static final class Handler implements InvocationHandler {
    private final Object service;
    private final String agentName;
    private final ConcurrentHashMap<Method, MethodInfo> methods = new ConcurrentHashMap<>();
    private final Operation<AgentCall, Object> operation;

    Handler(LlmTelemetry telemetry, Class<?> type, Object service) {
      requireNonNull(telemetry, "telemetry");
      this.service = requireNonNull(service, "service");
      this.agentName = type.getSimpleName();
      Instrumentation instrumentation = Instrumentation.of(telemetry);
      this.operation =
          Operation.<AgentCall, Object>builder(
                  instrumentation, SpanKind.INTERNAL, call -> call.method.spanName)
              .addExtractor(new Attributes(agentName, instrumentation.openLlmetryCompat()))
              .build();
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      if (method.getDeclaringClass() == Object.class) {
        return invokeService(method, args);
      }
      // Computed (and made accessible) before the span starts.
      MethodInfo info = methods.computeIfAbsent(method, m -> new MethodInfo(agentName, m));
      AgentCall request = new AgentCall(info, args);
      if (!info.streaming) {
        return operation.call(request, () -> invokeService(method, args));
      }
      // A stream: the span lasts until the stream completes or fails, not until start() returns.
      Operation.Call<AgentCall> call = operation.start(request);
      Object stream;
      try (Scope ignored = call.makeCurrent()) {
        stream = invokeService(method, args);
      } catch (Throwable e) {
        operation.end(call, null, e);
        throw e;
      }
      return stream == null ? null : new TracingTokenStream((TokenStream) stream, operation, call);
    }

    /**
     * Calls the real AI Service, unwrapping reflection so the caller sees the original exception.
     */
    private Object invokeService(Method method, Object[] args) throws Throwable {
      try {
        return method.invoke(service, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    }
  }

  /** One call of an AI Service method. */
  static final class AgentCall {
    final MethodInfo method;
    @Nullable final Object[] args;

    AgentCall(MethodInfo method, @Nullable Object[] args) {
      this.method = method;
      this.args = args;
    }
  }

  /** What an {@code invoke_agent} span records. */
  private static final class Attributes implements Operation.Extractor<AgentCall, Object> {
    private final String agentName;
    private final boolean openLlmetryCompat;

    Attributes(String agentName, boolean openLlmetryCompat) {
      this.agentName = agentName;
      this.openLlmetryCompat = openLlmetryCompat;
    }

    @Override
    public void onStart(SpanBuilder span, AgentCall call) {
      span.setAttribute(
              SemconvAttributes.GEN_AI_OPERATION_NAME, SemconvAttributes.OperationName.INVOKE_AGENT)
          .setAttribute(SemconvAttributes.GEN_AI_AGENT_NAME, agentName);
      int memoryId = call.method.memoryIdIndex;
      if (memoryId >= 0 && call.args != null && call.args[memoryId] != null) {
        span.setAttribute(
            SemconvAttributes.GEN_AI_CONVERSATION_ID, String.valueOf(call.args[memoryId]));
      }
      if (openLlmetryCompat) {
        span.setAttribute(TraceloopAttributes.SPAN_KIND, "agent")
            .setAttribute(TraceloopAttributes.ENTITY_NAME, agentName);
      }
    }
  }

  /** What the span of one method needs, computed once per method. */
  static final class MethodInfo {
    final String spanName;
    final int memoryIdIndex;
    final boolean streaming;

    MethodInfo(String agentName, Method method) {
      // AI Service interfaces are often package-private: reflection needs to be allowed in.
      try {
        method.setAccessible(true);
      } catch (RuntimeException e) {
        // A module that does not open its package: the call below reports the access error.
      }
      this.spanName = "invoke_agent " + agentName + "." + method.getName();
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
}
