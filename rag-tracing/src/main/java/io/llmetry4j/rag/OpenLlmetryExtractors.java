package io.llmetry4j.rag;

import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.rag.content.Content;
import dev.langchain4j.rag.query.Query;
import io.llmetry4j.core.internal.Instrumentation;
import io.llmetry4j.core.internal.JsonWriter;
import io.llmetry4j.core.internal.OpenLlmetryEntity;
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

  /** An AI Service call: its arguments as the entity input, its answer as the output. */
  static OpenLlmetryEntity<TracingAiService.AgentCall, Object> agent(
      Instrumentation instrumentation, String agentName) {
    return new OpenLlmetryEntity<>(
        instrumentation,
        call -> "agent",
        call -> agentName,
        call -> call.args == null ? NO_ARGUMENTS : call.args,
        // A stream ends with LangChain4j's ChatResponse: its answer is the output.
        response ->
            response instanceof ChatResponse && ((ChatResponse) response).aiMessage() != null
                ? ((ChatResponse) response).aiMessage().text()
                : response);
  }

  private static final Object[] NO_ARGUMENTS = new Object[0];
}
