package io.llmetry4j.core.internal;

import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import javax.annotation.Nullable;

/**
 * The workflow and task path a span starts in, kept in the (in-process) context so that, in
 * OpenLLMetry compatibility mode, every llmetry4j span inside a workflow carries {@code
 * traceloop.workflow.name} and {@code traceloop.entity.path} as OpenLLMetry stamps them on all
 * descendants: the path is the dot-joined names of the enclosing tasks.
 *
 * <p>Not public API: shared by the llmetry4j modules, may change without notice.
 */
public final class WorkflowContext {

  private static final ContextKey<WorkflowContext> KEY = ContextKey.named("llmetry4j-workflow");

  @Nullable private final String workflowName;
  @Nullable private final String entityPath;

  private WorkflowContext(@Nullable String workflowName, @Nullable String entityPath) {
    this.workflowName = workflowName;
    this.entityPath = entityPath;
  }

  @Nullable
  public static WorkflowContext from(Context context) {
    return context.get(KEY);
  }

  /** {@code context} entered into the workflow {@code name}. */
  public static Context enterWorkflow(Context context, String name) {
    return context.with(KEY, new WorkflowContext(name, null));
  }

  /** {@code context} entered into the task {@code name}: the path grows by it. */
  public static Context enterTask(Context context, String name) {
    WorkflowContext parent = from(context);
    String path =
        parent == null || parent.entityPath == null ? name : parent.entityPath + "." + name;
    return context.with(
        KEY, new WorkflowContext(parent == null ? null : parent.workflowName, path));
  }

  @Nullable
  public String workflowName() {
    return workflowName;
  }

  @Nullable
  public String entityPath() {
    return entityPath;
  }
}
