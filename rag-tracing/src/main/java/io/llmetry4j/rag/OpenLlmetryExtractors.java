package io.llmetry4j.rag;

import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.rag.content.Content;
import dev.langchain4j.rag.query.Query;
import io.llmetry4j.core.internal.EntityJson;
import io.llmetry4j.core.internal.Instrumentation;
import io.llmetry4j.core.internal.JsonWriter;
import io.llmetry4j.core.internal.Operation;
import io.llmetry4j.core.internal.TraceloopAttributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import java.util.List;
import javax.annotation.Nullable;

/**
 * What OpenLLMetry's LangChain instrumentation records for retrievers, tools and agents ({@code
 * traceloop.span.kind}, {@code traceloop.entity.name} and, with content capture on, {@code
 * traceloop.entity.input} / {@code .output}), added to their operations in OpenLLMetry
 * compatibility mode only. Its content takes the half of each span's content budget that the
 * conventions' attributes leave.
 */
final class OpenLlmetryExtractors {

  private OpenLlmetryExtractors() {}

  /** A retrieval: OpenLLMetry's LangChain instrumentation makes a retriever a task. */
  static final class Retrieval implements Operation.Extractor<Query, List<Content>> {
    private final Instrumentation instrumentation;
    private final String dataSourceId;

    Retrieval(Instrumentation instrumentation, String dataSourceId) {
      this.instrumentation = instrumentation;
      this.dataSourceId = dataSourceId;
    }

    @Override
    public void onStart(SpanBuilder span, @Nullable Query query) {
      TraceloopAttributes.entity(span, "task", dataSourceId);
    }

    @Override
    public void onRecordingStart(Span span, @Nullable Query query) {
      if (query == null || !instrumentation.captureContent()) {
        return;
      }
      String text = instrumentation.content(query.text());
      if (text != null) {
        span.setAttribute(
            TraceloopAttributes.ENTITY_INPUT,
            new JsonWriter(text.length() + 16)
                .beginObject()
                .field("query", text)
                .endObject()
                .toString());
      }
    }

    @Override
    public void onEnd(
        Span span,
        @Nullable Query query,
        @Nullable List<Content> contents,
        @Nullable Throwable error) {
      if (error != null || !instrumentation.captureContent()) {
        return;
      }
      int count = contents == null ? 0 : contents.size();
      span.setAttribute(TraceloopAttributes.ENTITY_OUTPUT, entityOutput(contents, count));
    }

    /** {@code {"documents":[{"page_content":...}],"count":N}}, the texts within half the budget. */
    private String entityOutput(@Nullable List<Content> contents, int count) {
      JsonWriter json = new JsonWriter(256).beginObject().name("documents").beginArray();
      int remaining = instrumentation.spanContentBudget() / 2;
      if (contents != null) {
        for (Content content : contents) {
          String text =
              content == null || content.textSegment() == null || remaining <= 0
                  ? null
                  : instrumentation.content(content.textSegment().text(), remaining);
          if (text != null) {
            json.beginObject().field("page_content", text).endObject();
            remaining -= text.length();
          }
        }
      }
      json.endArray().name("count").value((long) count);
      return json.endObject().toString();
    }
  }

  /** A tool execution: its arguments as the entity input, its result text as the output. */
  static final class Tool implements Operation.Extractor<TracingToolExecutor.ToolCall, Object> {
    private final Instrumentation instrumentation;
    private final String name;

    Tool(Instrumentation instrumentation, String name) {
      this.instrumentation = instrumentation;
      this.name = name;
    }

    @Override
    public void onStart(SpanBuilder span, TracingToolExecutor.ToolCall call) {
      TraceloopAttributes.entity(span, "tool", name);
    }

    @Override
    public void onRecordingStart(Span span, TracingToolExecutor.ToolCall call) {
      if (call.request != null && instrumentation.captureContent()) {
        span.setAttribute(
            TraceloopAttributes.ENTITY_INPUT,
            EntityJson.input(new Object[] {call.request.arguments()}, instrumentation));
      }
    }

    @Override
    public void onEnd(
        Span span,
        TracingToolExecutor.ToolCall call,
        @Nullable Object result,
        @Nullable Throwable error) {
      // An error result is no result: the span's error says what happened.
      if (!instrumentation.captureContent()
          || result == null
          || TracingToolExecutor.isErrorResult(result)) {
        return;
      }
      String text = TracingToolExecutor.resultText(result);
      String output = text == null ? null : EntityJson.output(text, instrumentation);
      if (output != null) {
        span.setAttribute(TraceloopAttributes.ENTITY_OUTPUT, output);
      }
    }
  }

  /** An AI Service call: its arguments as the entity input, its answer as the output. */
  static final class Agent implements Operation.Extractor<TracingAiService.AgentCall, Object> {
    private final Instrumentation instrumentation;
    private final String agentName;

    Agent(Instrumentation instrumentation, String agentName) {
      this.instrumentation = instrumentation;
      this.agentName = agentName;
    }

    @Override
    public void onStart(SpanBuilder span, TracingAiService.AgentCall call) {
      TraceloopAttributes.entity(span, "agent", agentName);
    }

    @Override
    public void onRecordingStart(Span span, TracingAiService.AgentCall call) {
      if (instrumentation.captureContent()) {
        span.setAttribute(
            TraceloopAttributes.ENTITY_INPUT, EntityJson.input(call.args, instrumentation));
      }
    }

    @Override
    public void onEnd(
        Span span,
        TracingAiService.AgentCall call,
        @Nullable Object response,
        @Nullable Throwable error) {
      if (response == null || !instrumentation.captureContent()) {
        return;
      }
      // A stream ends with LangChain4j's ChatResponse: its answer is the output.
      Object output =
          response instanceof ChatResponse && ((ChatResponse) response).aiMessage() != null
              ? ((ChatResponse) response).aiMessage().text()
              : response;
      String json = output == null ? null : EntityJson.output(output, instrumentation);
      if (json != null) {
        span.setAttribute(TraceloopAttributes.ENTITY_OUTPUT, json);
      }
    }
  }
}
