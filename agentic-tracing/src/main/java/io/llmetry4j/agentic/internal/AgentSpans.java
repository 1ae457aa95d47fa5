package io.llmetry4j.agentic.internal;

import io.llmetry4j.core.internal.Instrumentation;
import io.llmetry4j.core.internal.JsonWriter;
import io.llmetry4j.core.internal.OpenLlmetryEntity;
import io.llmetry4j.core.internal.Operation;
import io.llmetry4j.core.internal.SemconvAttributes;
import io.llmetry4j.core.internal.TraceloopAttributes;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import java.util.Map;
import javax.annotation.Nullable;

/**
 * The span of one agent invocation: {@code invoke_agent {name}} for an agent, {@code
 * invoke_workflow {name}} for a workflow agent (semconv 1.41.1 and the newest conventions alike).
 */
final class AgentSpans {

  /** llmetry4j's own: LangChain4j's topology of the agent (sequence, parallel, loop, ...). */
  static final AttributeKey<String> TOPOLOGY = AttributeKey.stringKey("llmetry4j.agentic.topology");

  /** llmetry4j's own: which run of a loop (from 1) a loop's sub-agent belongs to. */
  static final AttributeKey<Long> LOOP_ITERATION =
      AttributeKey.longKey("llmetry4j.agentic.loop.iteration");

  /**
   * llmetry4j's own: a workflow agent's id within its system (semconv's {@code gen_ai.agent.id}
   * belongs to agents, not to workflows).
   */
  static final AttributeKey<String> WORKFLOW_AGENT_ID =
      AttributeKey.stringKey("llmetry4j.agentic.agent_id");

  private AgentSpans() {}

  static Operation<AgentRun, Object> operation(Instrumentation instrumentation) {
    return Operation.<AgentRun, Object>builder(
            instrumentation,
            SpanKind.INTERNAL,
            run -> (run.shape.workflow ? "invoke_workflow " : "invoke_agent ") + run.shape.name)
        .addExtractor(new Attributes(instrumentation))
        .sumsCost()
        .addOpenLlmetryExtractor(
            new OpenLlmetryEntity<AgentRun, Object>(
                instrumentation,
                AgentSpans::openLlmetryKind,
                run -> run.shape.name,
                run -> run.inputs == null ? null : run.inputs.values().toArray(),
                output -> output))
        .addOpenLlmetryExtractor(
            (SpanBuilder span, AgentRun run) -> {
              if (run.shape.workflow && run.outermost) {
                span.setAttribute(TraceloopAttributes.WORKFLOW_NAME, run.shape.name);
              }
            })
        .metrics(
            (run, output, errorType, seconds) -> {
              if (run.shape.workflow) {
                instrumentation
                    .metrics()
                    .recordWorkflowDuration(seconds, run.shape.name, errorType);
              } else {
                instrumentation
                    .metrics()
                    .recordAgentDuration(seconds, run.shape.name, null, errorType);
              }
            })
        .build();
  }

  /**
   * OpenLLMetry's span kind: the outermost workflow agent is the workflow, a nested one a task of
   * it, every other agent an agent.
   */
  private static String openLlmetryKind(AgentRun run) {
    if (!run.shape.workflow) {
      return "agent";
    }
    return run.outermost ? "workflow" : "task";
  }

  private static final class Attributes implements Operation.Extractor<AgentRun, Object> {
    private final Instrumentation instrumentation;

    Attributes(Instrumentation instrumentation) {
      this.instrumentation = instrumentation;
    }

    @Override
    public void onStart(SpanBuilder span, AgentRun run) {
      AgentRun.Shape shape = run.shape;
      if (shape.workflow) {
        span.setAttribute(
                SemconvAttributes.GEN_AI_OPERATION_NAME,
                SemconvAttributes.OperationName.INVOKE_WORKFLOW)
            .setAttribute(SemconvAttributes.GEN_AI_WORKFLOW_NAME, shape.name)
            .setAttribute(WORKFLOW_AGENT_ID, shape.agentId);
      } else {
        span.setAttribute(
                SemconvAttributes.GEN_AI_OPERATION_NAME,
                SemconvAttributes.OperationName.INVOKE_AGENT)
            .setAttribute(SemconvAttributes.GEN_AI_AGENT_NAME, shape.name);
        // The newest conventions advise against in-memory instance ids on gen_ai.agent.id.
        if (!instrumentation.latestExperimental()) {
          span.setAttribute(SemconvAttributes.GEN_AI_AGENT_ID, shape.agentId);
        }
        if (shape.description != null) {
          span.setAttribute(SemconvAttributes.GEN_AI_AGENT_DESCRIPTION, shape.description);
        }
      }
      String topology = shape.topologyName();
      if (topology != null) {
        span.setAttribute(TOPOLOGY, topology);
      }
      if (run.loopIteration != null) {
        span.setAttribute(LOOP_ITERATION, run.loopIteration);
      }
      if (run.conversationId != null) {
        span.setAttribute(SemconvAttributes.GEN_AI_CONVERSATION_ID, run.conversationId);
      }
    }

    /** Inputs and output share the conventions' part of the span's content budget. */
    private int valueLimit() {
      return instrumentation.semconvContentBudget() / 2;
    }

    @Override
    public void onRecordingStart(Span span, AgentRun run) {
      if (instrumentation.captureContent() && run.inputs != null && !run.inputs.isEmpty()) {
        String text = instrumentation.content(inputsText(run.inputs), valueLimit());
        if (text != null) {
          span.setAttribute(SemconvAttributes.GEN_AI_INPUT_MESSAGES, message("user", text));
        }
      }
    }

    @Override
    public void onEnd(Span span, AgentRun run, @Nullable Object output, @Nullable Throwable error) {
      // An in-process agent may call several models: the provider is its first chat call's, and
      // the newest conventions drop it from in-process agents altogether.
      String provider = run.context.reportedProvider();
      if (!run.shape.workflow && provider != null && !instrumentation.latestExperimental()) {
        span.setAttribute(SemconvAttributes.GEN_AI_PROVIDER_NAME, provider);
      }
      // No output is invented for a failed invocation.
      if (instrumentation.captureContent() && error == null && output != null) {
        String text = instrumentation.content(String.valueOf(output), valueLimit());
        if (text != null) {
          span.setAttribute(SemconvAttributes.GEN_AI_OUTPUT_MESSAGES, message("assistant", text));
        }
      }
    }

    /** The agent's named inputs as the text of one message: {@code name: value} lines. */
    private static String inputsText(Map<String, Object> inputs) {
      StringBuilder text = new StringBuilder();
      for (Map.Entry<String, Object> input : inputs.entrySet()) {
        if (text.length() > 0) {
          text.append('\n');
        }
        text.append(input.getKey()).append(": ").append(input.getValue());
      }
      return text.toString();
    }

    /** One message of the conventions' messages schema, with one text part. */
    private static String message(String role, String text) {
      JsonWriter json = new JsonWriter(text.length() + 64);
      json.beginArray().beginObject().field("role", role).name("parts").beginArray();
      json.beginObject().field("type", "text").field("content", text).endObject();
      json.endArray();
      if ("assistant".equals(role)) {
        json.field("finish_reason", "stop");
      }
      json.endObject().endArray();
      return json.toString();
    }
  }
}
