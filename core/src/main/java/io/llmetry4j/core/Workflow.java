package io.llmetry4j.core;

import static java.util.Objects.requireNonNull;

import io.llmetry4j.core.internal.AssociationKeys;
import io.llmetry4j.core.internal.Instrumentation;
import io.llmetry4j.core.internal.SemconvAttributes;
import io.llmetry4j.core.internal.TracedCall;
import io.llmetry4j.core.internal.TraceloopAttributes;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.baggage.BaggageBuilder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * A unit of work of your own around LLM calls: a workflow ({@link LlmTelemetry#workflow}, span
 * {@code invoke_workflow {name}}) or a step of one ({@link LlmTelemetry#task}, span {@code
 * {name}}). The span is current while the body runs, so every chat, retrieval and tool span of the
 * body is its descendant; an exception of the body marks it (status ERROR, {@code error.type}) and
 * is rethrown unchanged.
 *
 * <pre>{@code
 * String answer = telemetry.workflow("answer-question")
 *     .conversationId(chatId)
 *     .userId(user)
 *     .call(() -> assistant.chat(chatId, question));
 * }</pre>
 *
 * <p>Association properties ({@link #conversationId}, {@link #userId}, {@link #sessionId}, {@link
 * #property}) travel as W3C baggage, so they reach spans made on other threads and in other
 * services; {@code AssociationPropertiesSpanProcessor} (installed by {@code Llmetry.init} of
 * llmetry4j-bootstrap) stamps them on every span. <b>Privacy:</b> baggage is sent to downstream
 * services in HTTP headers.
 */
public final class Workflow {

  private final LlmTelemetry telemetry;
  private final String name;
  private final boolean task;
  private final List<String[]> associations = new ArrayList<>();

  Workflow(LlmTelemetry telemetry, String name, boolean task) {
    this.telemetry = telemetry;
    this.name = requireNonNull(name, "name");
    this.task = task;
  }

  /** {@code gen_ai.conversation.id} on every span of the trace. */
  public Workflow conversationId(String conversationId) {
    return associate(SemconvAttributes.GEN_AI_CONVERSATION_ID.getKey(), conversationId);
  }

  /** {@code user.id} on every span of the trace. */
  public Workflow userId(String userId) {
    return associate(AssociationKeys.USER_ID, userId);
  }

  /** {@code session.id} on every span of the trace. */
  public Workflow sessionId(String sessionId) {
    return associate(AssociationKeys.SESSION_ID, sessionId);
  }

  /** {@code llmetry4j.association.<key>} on every span of the trace. */
  public Workflow property(String key, String value) {
    return associate(AssociationKeys.PROPERTY_PREFIX + requireNonNull(key, "key"), value);
  }

  private Workflow associate(String attribute, String value) {
    associations.add(new String[] {attribute, requireNonNull(value, "value")});
    return this;
  }

  /** Runs {@code body} inside the span and returns its result. */
  public <T> T call(Callable<T> body) throws Exception {
    Context context = contextWithAssociations();
    Span span = start(context);
    try (Scope ignored = context.with(span).makeCurrent()) {
      return body.call();
    } catch (Exception | Error e) {
      TracedCall.recordError(span, e, e.getClass().getName());
      throw e;
    } finally {
      span.end();
    }
  }

  /** Runs {@code body} inside the span. */
  public void run(Runnable body) {
    Context context = contextWithAssociations();
    Span span = start(context);
    try (Scope ignored = context.with(span).makeCurrent()) {
      body.run();
    } catch (RuntimeException | Error e) {
      TracedCall.recordError(span, e, e.getClass().getName());
      throw e;
    } finally {
      span.end();
    }
  }

  private Context contextWithAssociations() {
    Context current = Context.current();
    if (associations.isEmpty()) {
      return current;
    }
    BaggageBuilder baggage = Baggage.fromContext(current).toBuilder();
    for (String[] association : associations) {
      baggage.put(AssociationKeys.BAGGAGE_PREFIX + association[0], association[1]);
    }
    return current.with(baggage.build());
  }

  private Span start(Context parent) {
    SpanBuilder builder =
        Instrumentation.of(telemetry)
            .tracer()
            .spanBuilder(task ? name : "invoke_workflow " + name)
            .setSpanKind(SpanKind.INTERNAL)
            .setParent(parent);
    if (task) {
      builder.setAttribute(AssociationKeys.TASK_NAME, name);
    } else {
      builder
          .setAttribute(
              SemconvAttributes.GEN_AI_OPERATION_NAME,
              SemconvAttributes.OperationName.INVOKE_WORKFLOW)
          .setAttribute(SemconvAttributes.GEN_AI_WORKFLOW_NAME, name);
    }
    if (telemetry.openLlmetryCompat()) {
      builder
          .setAttribute(TraceloopAttributes.SPAN_KIND, task ? "task" : "workflow")
          .setAttribute(TraceloopAttributes.ENTITY_NAME, name);
      if (!task) {
        builder.setAttribute(TraceloopAttributes.WORKFLOW_NAME, name);
      }
    }
    return builder.startSpan();
  }
}
