package io.llmetry4j.core;

import static java.util.Objects.requireNonNull;

import io.llmetry4j.core.internal.AssociationKeys;
import io.llmetry4j.core.internal.Instrumentation;
import io.llmetry4j.core.internal.OpenLlmetryEntity;
import io.llmetry4j.core.internal.Operation;
import io.llmetry4j.core.internal.SemconvAttributes;
import io.llmetry4j.core.internal.TraceloopAttributes;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.baggage.BaggageBuilder;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import javax.annotation.Nullable;

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
 * #property}) are on every llmetry4j span inside the workflow, in any SDK. They also travel as W3C
 * baggage, so they reach spans made on other threads and in other services; {@code
 * AssociationPropertiesSpanProcessor} (installed by {@code Llmetry.init} of llmetry4j-bootstrap)
 * stamps them on the spans of other instrumentations. <b>Privacy:</b> baggage is sent to downstream
 * services in HTTP headers.
 */
public final class Workflow {

  private final LlmTelemetry telemetry;
  private final String name;
  private final boolean task;
  private final List<String[]> associations = new ArrayList<>();
  @Nullable private Object[] input;

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

  /**
   * {@code llmetry4j.association.<key>} on every span of the trace.
   *
   * @throws IllegalArgumentException if {@code key} is not a W3C baggage key (letters, digits and
   *     {@code !#$%&'*+-.^_`|~}): it travels in the {@code baggage} header, which another character
   *     would corrupt
   */
  public Workflow property(String key, String value) {
    requireNonNull(key, "key");
    if (!AssociationKeys.isBaggageKey(key)) {
      throw new IllegalArgumentException(
          "association property key '"
              + key
              + "' is not a W3C baggage key: use letters, digits and !#$%&'*+-.^_`|~ only");
    }
    return associate(AssociationKeys.PROPERTY_PREFIX + key, value);
  }

  /**
   * What the workflow or task was given, for OpenLLMetry's {@code traceloop.entity.input} ({@code
   * {"args": [...], "kwargs": {}}}, each argument as its text) in compatibility mode with content
   * capture on; its result becomes {@code traceloop.entity.output}.
   */
  public Workflow input(Object... args) {
    this.input = requireNonNull(args, "args").clone();
    return this;
  }

  private Workflow associate(String attribute, String value) {
    associations.add(new String[] {attribute, requireNonNull(value, "value")});
    return this;
  }

  /** Runs {@code body} inside the span and returns its result. */
  public <T> T call(Callable<T> body) throws Exception {
    requireNonNull(body, "body");
    return telemetry
        .workflowOperation()
        .call(
            contextWithAssociations(),
            this,
            () -> {
              Context current = Context.current();
              Context inside = entered(current);
              if (inside == current) {
                return body.call();
              }
              try (Scope ignored = inside.makeCurrent()) {
                return body.call();
              }
            });
  }

  /** Runs {@code body} inside the span. */
  public void run(Runnable body) {
    requireNonNull(body, "body");
    telemetry
        .workflowOperation()
        .run(
            contextWithAssociations(),
            this,
            () -> {
              Context current = Context.current();
              Context inside = entered(current);
              if (inside == current) {
                body.run();
                return;
              }
              try (Scope ignored = inside.makeCurrent()) {
                body.run();
              }
            });
  }

  /** The body's context: see {@link Instrumentation#workflowBody}. */
  private Context entered(Context context) {
    return telemetry.workflowOperation().instrumentation().workflowBody(context, name, task);
  }

  private Context contextWithAssociations() {
    Context current = Context.current();
    if (associations.isEmpty()) {
      return current;
    }
    BaggageBuilder baggage = Baggage.fromContext(current).toBuilder();
    java.util.Map<String, String> local = new java.util.HashMap<>();
    for (String[] association : associations) {
      baggage.put(AssociationKeys.BAGGAGE_PREFIX + association[0], association[1]);
      local.put(association[0], association[1]);
    }
    return AssociationKeys.withLocal(
        current.with(baggage.build()), local, telemetry.openLlmetryCompat());
  }

  String name() {
    return name;
  }

  boolean isTask() {
    return task;
  }

  String spanName() {
    return task ? name : "invoke_workflow " + name;
  }

  /** The attributes of workflow and task spans. */
  static final class Attributes implements Operation.Extractor<Workflow, Object> {
    @Override
    public void onStart(SpanBuilder builder, Workflow workflow) {
      if (workflow.task) {
        builder.setAttribute(AssociationKeys.TASK_NAME, workflow.name);
      } else {
        builder
            .setAttribute(
                SemconvAttributes.GEN_AI_OPERATION_NAME,
                SemconvAttributes.OperationName.INVOKE_WORKFLOW)
            .setAttribute(SemconvAttributes.GEN_AI_WORKFLOW_NAME, workflow.name);
      }
    }
  }

  /**
   * OpenLLMetry's attributes of workflow and task spans (compatibility mode): the entity, with the
   * input given to {@link #input} and the result, and the workflow name on a workflow's span.
   */
  static void addOpenLlmetryExtractors(
      Operation.Builder<Workflow, Object> operation, Instrumentation instrumentation) {
    operation
        .addOpenLlmetryExtractor(
            new OpenLlmetryEntity<Workflow, Object>(
                instrumentation,
                workflow -> workflow.task ? "task" : "workflow",
                workflow -> workflow.name,
                workflow -> workflow.input,
                result -> result))
        .addOpenLlmetryExtractor(
            (SpanBuilder builder, Workflow workflow) -> {
              if (!workflow.task) {
                builder.setAttribute(TraceloopAttributes.WORKFLOW_NAME, workflow.name);
              }
            });
  }
}
