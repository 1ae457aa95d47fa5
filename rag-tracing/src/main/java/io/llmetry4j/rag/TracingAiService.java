package io.llmetry4j.rag;

import static java.util.Objects.requireNonNull;

import dev.langchain4j.service.MemoryId;
import dev.langchain4j.service.TokenStream;
import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.core.internal.Instrumentation;
import io.llmetry4j.core.internal.SemconvAttributes;
import io.llmetry4j.core.internal.TracedCall;
import io.llmetry4j.core.internal.TraceloopAttributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
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
public final class TracingAiService implements InvocationHandler {

  private final Object service;
  private final LlmTelemetry telemetry;
  private final String agentName;
  private final ConcurrentHashMap<Method, MethodInfo> methods = new ConcurrentHashMap<>();
  private final TracedCall traced = new TracedCall();

  private TracingAiService(LlmTelemetry telemetry, Class<?> type, Object service) {
    this.telemetry = requireNonNull(telemetry, "telemetry");
    this.service = requireNonNull(service, "service");
    this.agentName = type.getSimpleName();
  }

  /** Returns {@code service} traced, as the same interface. */
  public static <T> T wrap(LlmTelemetry telemetry, Class<T> type, T service) {
    if (!type.isInterface()) {
      throw new IllegalArgumentException("type must be the AI Service interface, was " + type);
    }
    Object proxy =
        Proxy.newProxyInstance(
            type.getClassLoader(),
            new Class<?>[] {type},
            new TracingAiService(telemetry, type, service));
    return type.cast(proxy);
  }

  @Override
  public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
    if (method.getDeclaringClass() == Object.class) {
      return invokeService(method, args);
    }
    // Computed (and made accessible) before the span starts.
    MethodInfo info = methods.computeIfAbsent(method, m -> new MethodInfo(agentName, m));
    Span span = start(info, args);
    Context context = Context.current().with(span);
    if (info.streaming) {
      Object stream;
      try (Scope ignored = context.makeCurrent()) {
        stream = invokeService(method, args);
      } catch (Throwable e) {
        traced.endWithError(span, e);
        throw e;
      }
      return stream == null
          ? null
          : new TracingTokenStream((TokenStream) stream, span, context, traced);
    }
    try (Scope ignored = context.makeCurrent()) {
      Object result = invokeService(method, args);
      span.end();
      return result;
    } catch (Throwable e) {
      traced.endWithError(span, e);
      throw e;
    }
  }

  /** Calls the real AI Service, unwrapping reflection so the caller sees the original exception. */
  private Object invokeService(Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(service, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private Span start(MethodInfo info, @Nullable Object[] args) {
    try {
      var span =
          Instrumentation.of(telemetry)
              .tracer()
              .spanBuilder(info.spanName)
              .setSpanKind(SpanKind.INTERNAL)
              .setAttribute(
                  SemconvAttributes.GEN_AI_OPERATION_NAME,
                  SemconvAttributes.OperationName.INVOKE_AGENT)
              .setAttribute(SemconvAttributes.GEN_AI_AGENT_NAME, agentName);
      if (info.memoryIdIndex >= 0 && args != null && args[info.memoryIdIndex] != null) {
        span.setAttribute(
            SemconvAttributes.GEN_AI_CONVERSATION_ID, String.valueOf(args[info.memoryIdIndex]));
      }
      if (telemetry.openLlmetryCompat()) {
        span.setAttribute(TraceloopAttributes.SPAN_KIND, "agent")
            .setAttribute(TraceloopAttributes.ENTITY_NAME, agentName);
      }
      return span.startSpan();
    } catch (RuntimeException | LinkageError e) {
      traced.instrumentationFailed(e);
      return Span.getInvalid();
    }
  }

  /** What the span of one method needs, computed once per method. */
  private static final class MethodInfo {
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
