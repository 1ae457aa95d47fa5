package io.llmetry4j.rag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.langchain4j.rag.content.Content;
import dev.langchain4j.rag.content.retriever.ContentRetriever;
import dev.langchain4j.rag.query.Query;
import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.core.internal.SemconvAttributes;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.testing.junit5.OpenTelemetryExtension;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.IOException;
import java.lang.reflect.UndeclaredThrowableException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * User code inside llmetry4j (a content redactor) and hostile exceptions never change what the
 * application sees: the retriever's own outcome, every Throwable unchanged, every span ended.
 */
class HostileThrowablesTest {

  @RegisterExtension static final OpenTelemetryExtension otel = OpenTelemetryExtension.create();

  /** The real retrieval pipeline of the other tests, with a redactor that overflows the stack. */
  @Test
  void a_redactor_that_overflows_the_stack_leaves_retrieval_intact() {
    try (RagFixture rag =
        new RagFixture(
            settings ->
                settings
                    .captureContent(true)
                    .contentRedactor(
                        text -> {
                          throw new StackOverflowError();
                        }))) {
      List<Content> contents = rag.retriever("docs").retrieve(Query.from("What is a span?"));

      assertThat(contents).hasSize(3);
      SpanData retrieval =
          rag.spans.getFinishedSpanItems().stream()
              .filter(span -> span.getName().equals("retrieval docs"))
              .findFirst()
              .orElseThrow();
      assertThat(retrieval.getAttributes().get(SemconvAttributes.GEN_AI_RETRIEVAL_QUERY_TEXT))
          .isNull();
      assertThat(retrieval.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    }
  }

  @Test
  void an_undeclared_checked_exception_from_a_retriever_keeps_its_cause_and_ends_the_span() {
    IOException failure = new IOException("index offline");
    ContentRetriever throwing =
        query -> {
          throw HostileThrowablesTest.<RuntimeException>sneak(failure);
        };
    ContentRetriever traced =
        TracingContentRetriever.builder(
                LlmTelemetry.create(otel.getOpenTelemetry()), throwing, "docs")
            .build();

    // A JDK proxy's documented edge (docs/reliability.md): wrapped, the cause is the very
    // exception.
    assertThat(catchThrowable(() -> traced.retrieve(Query.from("q"))))
        .isInstanceOf(UndeclaredThrowableException.class)
        .hasCauseReference(failure);
    SpanData span = otel.getSpans().get(0);
    assertThat(span.hasEnded()).isTrue();
    assertThat(span.getAttributes().get(SemconvAttributes.ERROR_TYPE))
        .isEqualTo(IOException.class.getName());
  }

  @Test
  void an_undeclared_checked_exception_from_a_tool_keeps_its_cause_and_ends_the_span() {
    IOException toolGone = new IOException("tool gone");
    dev.langchain4j.service.tool.ToolExecutor throwing =
        (request, memoryId) -> {
          throw HostileThrowablesTest.<RuntimeException>sneak(toolGone);
        };
    dev.langchain4j.service.tool.ToolExecutor traced =
        TracingToolExecutor.wrap(
            LlmTelemetry.create(otel.getOpenTelemetry()),
            dev.langchain4j.agent.tool.ToolSpecification.builder().name("lookup").build(),
            throwing);

    assertThat(
            catchThrowable(
                () ->
                    traced.execute(
                        dev.langchain4j.agent.tool.ToolExecutionRequest.builder()
                            .name("lookup")
                            .arguments("{}")
                            .build(),
                        null)))
        .isInstanceOf(UndeclaredThrowableException.class)
        .hasCauseReference(toolGone);
    SpanData span = otel.getSpans().get(0);
    assertThat(span.hasEnded()).isTrue();
    assertThat(span.getAttributes().get(SemconvAttributes.ERROR_TYPE))
        .isEqualTo(IOException.class.getName());
  }

  @Test
  void an_exception_whose_get_message_throws_reaches_the_workflow_caller_unchanged() {
    RuntimeException hostile =
        new RuntimeException() {
          @Override
          public String getMessage() {
            throw new IllegalStateException("message of a broken exception");
          }

          @Override
          public String toString() {
            throw new IllegalStateException("toString of a broken exception");
          }
        };
    LlmTelemetry telemetry = LlmTelemetry.create(otel.getOpenTelemetry());

    Throwable fromCall =
        catchThrowable(
            () ->
                telemetry
                    .workflow("w")
                    .call(
                        () -> {
                          throw hostile;
                        }));
    Throwable fromRun =
        catchThrowable(
            () ->
                telemetry
                    .task("t")
                    .run(
                        () -> {
                          throw hostile;
                        }));

    assertThat(fromCall).isSameAs(hostile);
    assertThat(fromRun).isSameAs(hostile);
    assertThat(otel.getSpans())
        .hasSize(2)
        .allSatisfy(
            span -> {
              assertThat(span.hasEnded()).isTrue();
              assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
            });
  }

  @SuppressWarnings("unchecked")
  static <E extends Throwable> E sneak(Throwable t) throws E {
    throw (E) t;
  }
}
