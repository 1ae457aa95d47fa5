package io.llmetry4j.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.mcp.client.McpCallContext;
import dev.langchain4j.mcp.client.transport.McpTransport;
import dev.langchain4j.mcp.protocol.McpClientMessage;
import io.llmetry4j.core.internal.Forwarding;
import io.llmetry4j.core.internal.Instrumentation;
import io.llmetry4j.core.internal.Operation;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.lang.reflect.Method;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import javax.annotation.Nullable;

/**
 * One traced transport: a CLIENT span per JSON-RPC request or notification the client sends,
 * started on the caller's thread (so under the {@code execute_tool} span that is current there),
 * with the span's context written into the message's {@code params._meta} and current while the
 * transport sends (so that an HTTP header supplier sees it), ended when the response arrives.
 *
 * <p>A request whose response never comes still ends: when the client cancels it (LangChain4j sends
 * {@code notifications/cancelled} after its timeout) or closes the transport.
 */
final class TracedTransport {

  /**
   * {@code error.type} of a request abandoned before its response (cancelled, transport closed).
   */
  static final String CANCELLED = "cancelled";

  private final Operation<McpMessage, JsonNode> operation;
  private final TextMapPropagator propagator;
  // Requests sent and not answered yet, by JSON-RPC id: what a cancellation or close ends.
  private final Map<String, Operation.Call<McpMessage>> pending = new ConcurrentHashMap<>();

  private TracedTransport(
      Instrumentation instrumentation,
      TextMapPropagator propagator,
      McpEndpoint endpoint,
      McpSession session) {
    this.propagator = propagator;
    this.operation =
        Operation.<McpMessage, JsonNode>builder(
                instrumentation, SpanKind.CLIENT, McpMessage::spanName)
            .addExtractor(new McpSpanAttributes(instrumentation, endpoint, session))
            .build();
  }

  static McpTransport wrap(
      Instrumentation instrumentation,
      TextMapPropagator propagator,
      McpTransport delegate,
      @Nullable java.net.URI serverUrl) {
    TracedTransport traced =
        new TracedTransport(
            instrumentation,
            propagator,
            McpEndpoint.of(delegate, serverUrl),
            new McpSession(delegate));
    return Forwarding.wrap(McpTransport.class, delegate, traced::route);
  }

  /** The traced methods; every other one (and those later versions add) goes to the delegate. */
  @Nullable
  private Forwarding.Handler<McpTransport> route(Method method) {
    boolean oneMessage =
        method.getParameterCount() == 1
            && (McpClientMessage.class.isAssignableFrom(method.getParameterTypes()[0])
                || method.getParameterTypes()[0] == McpCallContext.class);
    switch (method.getName()) {
      case "initialize":
      case "executeOperationWithResponse":
        return oneMessage ? this::request : null;
      case "executeOperationWithoutResponse":
        return oneMessage ? this::notification : null;
      case "close":
        return method.getParameterCount() == 0 ? this::close : null;
      default:
        return null;
    }
  }

  @Nullable
  private Object request(
      McpTransport delegate, Object wrapper, Forwarding.Invocation method, Object[] args)
      throws Throwable {
    McpMessage message = read(args[0]);
    if (message == null || untracedPing(message)) {
      return method.invoke(delegate, args);
    }
    Operation.Call<McpMessage> call = operation.start(Context.current(), message);
    Object result;
    try (Scope ignored = send(call, message)) {
      result = method.invoke(delegate, args);
    } catch (Throwable error) {
      operation.end(call, null, error);
      throw error;
    }
    if (!(result instanceof CompletableFuture)) {
      operation.end(call, null, null);
      return result;
    }
    String id = message.id;
    if (id != null) {
      pending.put(id, call);
    }
    try {
      // The caller waits on a future that completes once the span has ended, so the span is
      // complete when the client returns; its outcome (value or failure) is the transport's own.
      return ((CompletableFuture<?>) result)
          .whenComplete(
              (response, error) -> {
                if (id != null) {
                  pending.remove(id, call);
                }
                operation.end(
                    call, response instanceof JsonNode ? (JsonNode) response : null, unwrap(error));
              });
    } catch (Throwable e) {
      operation.instrumentationFailed(e);
      operation.end(call, null, null);
      return result;
    }
  }

  @Nullable
  private Object notification(
      McpTransport delegate, Object wrapper, Forwarding.Invocation method, Object[] args)
      throws Throwable {
    McpMessage message = read(args[0]);
    // Only notifications: what else goes this way answers the server's requests (roots, ping).
    if (message == null || !message.isNotification()) {
      return method.invoke(delegate, args);
    }
    String cancelled = message.cancelledRequestId();
    if (cancelled != null) {
      Operation.Call<McpMessage> abandoned = pending.remove(cancelled);
      if (abandoned != null) {
        operation.endCancelled(abandoned, CANCELLED);
      }
    }
    Operation.Call<McpMessage> call = operation.start(Context.current(), message);
    Object result;
    try (Scope ignored = send(call, message)) {
      result = method.invoke(delegate, args);
    } catch (Throwable error) {
      operation.end(call, null, error);
      throw error;
    }
    operation.end(call, null, null);
    return result;
  }

  @Nullable
  private Object close(
      McpTransport delegate, Object wrapper, Forwarding.Invocation method, Object[] args)
      throws Throwable {
    try {
      return method.invoke(delegate, args);
    } finally {
      for (String id : pending.keySet()) {
        Operation.Call<McpMessage> abandoned = pending.remove(id);
        if (abandoned != null) {
          operation.endCancelled(abandoned, CANCELLED);
        }
      }
    }
  }

  /** Puts the span's context into the message's {@code _meta} and makes it current for the send. */
  private Scope send(Operation.Call<McpMessage> call, McpMessage message) {
    Context context = call.context();
    try {
      Map<String, String> fields = new LinkedHashMap<>();
      propagator.inject(context, fields, Map::put);
      TraceMeta.inject(message.message, fields);
    } catch (Throwable e) {
      // The message goes as the application built it.
      operation.instrumentationFailed(e);
    }
    return call.makeCurrent();
  }

  /**
   * The automatic health check pings every 30 seconds: outside of any trace such a ping would be a
   * trace of its own each time, so only pings made inside a trace are traced.
   */
  private static boolean untracedPing(McpMessage message) {
    return McpMessage.PING.equals(message.method)
        && !Span.fromContext(Context.current()).getSpanContext().isValid();
  }

  @Nullable
  private McpMessage read(@Nullable Object argument) {
    try {
      McpClientMessage message =
          argument instanceof McpCallContext
              ? ((McpCallContext) argument).message()
              : (McpClientMessage) argument;
      return message == null ? null : McpMessage.of(message);
    } catch (Throwable e) {
      operation.instrumentationFailed(e);
      return null; // untraced, as it would go without llmetry4j
    }
  }

  @Nullable
  private static Throwable unwrap(@Nullable Throwable error) {
    if ((error instanceof CompletionException || error instanceof ExecutionException)
        && error.getCause() != null) {
      return error.getCause();
    }
    return error;
  }
}
