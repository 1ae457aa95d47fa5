package io.llmetry4j.rag;

import static java.util.Objects.requireNonNull;

import dev.langchain4j.service.MemoryId;
import dev.langchain4j.service.TokenStream;
import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.core.internal.Forwarding;
import io.llmetry4j.core.internal.Instrumentation;
import io.llmetry4j.core.internal.Operation;
import io.llmetry4j.core.internal.SemconvAttributes;
import io.llmetry4j.core.internal.TraceloopAttributes;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
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
 *
 * <p>The traced service implements the interface itself (no JDK proxy around the proxy): it equals
 * only itself and other traced wrappers of the same service, never the bare service (which does not
 * know it), and shares the service's hash code and text.
 */
public final class TracingAiService {

  private TracingAiService() {}

  /** Returns {@code service} traced, as the same interface. */
  public static <T> T wrap(LlmTelemetry telemetry, Class<T> type, T service) {
    requireNonNull(telemetry, "telemetry");
    requireNonNull(service, "service");
    if (!type.isInterface()) {
      throw new IllegalArgumentException("type must be the AI Service interface, was " + type);
    }
    String agentName = type.getSimpleName();
    Instrumentation instrumentation = Instrumentation.of(telemetry);
    Operation<AgentCall, Object> operation =
        Operation.<AgentCall, Object>builder(
                instrumentation, SpanKind.INTERNAL, call -> call.method.spanName)
            .addExtractor(new Attributes(agentName, instrumentation.openLlmetryCompat()))
            .build();
    return Forwarding.wrap(type, service, method -> route(agentName, method, operation));
  }

  /** Every method of the interface: one span per call. */
  private static <T> Forwarding.Handler<T> route(
      String agentName, Method method, Operation<AgentCall, Object> operation) {
    MethodInfo info = new MethodInfo(agentName, method);
    if (!info.streaming) {
      return (service, self, invocation, args) ->
          operation.call(new AgentCall(info, args), () -> invocation.invoke(service, args));
    }
    // A stream: the span lasts until the stream completes or fails, not until start() returns.
    return (service, self, invocation, args) -> {
      Operation.Call<AgentCall> call = operation.start(new AgentCall(info, args));
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
