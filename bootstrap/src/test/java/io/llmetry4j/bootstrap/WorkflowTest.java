package io.llmetry4j.bootstrap;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.equalTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.core.internal.AssociationKeys;
import io.llmetry4j.core.internal.SemconvAttributes;
import io.llmetry4j.core.internal.TraceloopAttributes;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WorkflowTest {

  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();

  private OpenTelemetrySdk sdk(boolean compat) {
    return sdk(compat, false);
  }

  private OpenTelemetrySdk sdk(boolean compat, boolean trustInbound) {
    return OpenTelemetrySdk.builder()
        .setTracerProvider(
            SdkTracerProvider.builder()
                .addSpanProcessor(AssociationPropertiesSpanProcessor.create(compat, trustInbound))
                .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                .build())
        .build();
  }

  @AfterEach
  void noContextLeft() {
    assertThat(Context.current()).isSameAs(Context.root());
  }

  @Test
  void workflow_and_task_spans_nest_and_carry_associations_across_threads() throws Exception {
    OpenTelemetrySdk sdk = sdk(false);
    LlmTelemetry telemetry = LlmTelemetry.create(sdk);
    ExecutorService pool = Context.taskWrapping(Executors.newSingleThreadExecutor());
    try {
      String answer =
          telemetry
              .workflow("answer-question")
              .conversationId("conv-42")
              .userId("user-7")
              .sessionId("session-9")
              .property("tenant", "acme")
              .call(
                  () ->
                      telemetry
                          .task("rerank")
                          .call(
                              () ->
                                  pool.submit(
                                          () -> {
                                            sdk.getTracer("app")
                                                .spanBuilder("on another thread")
                                                .startSpan()
                                                .end();
                                            return "forty-two";
                                          })
                                      .get(5, TimeUnit.SECONDS)));
      assertThat(answer).isEqualTo("forty-two");
    } finally {
      pool.shutdownNow();
    }

    List<SpanData> spans = exporter.getFinishedSpanItems();
    assertThat(spans).hasSize(3);
    SpanData workflow = byName(spans, "invoke_workflow answer-question");
    SpanData task = byName(spans, "rerank");
    SpanData other = byName(spans, "on another thread");
    assertThat(workflow)
        .hasKind(SpanKind.INTERNAL)
        .hasNoParent()
        .hasAttributesSatisfyingExactly(
            equalTo(SemconvAttributes.GEN_AI_OPERATION_NAME, "invoke_workflow"),
            equalTo(SemconvAttributes.GEN_AI_WORKFLOW_NAME, "answer-question"),
            equalTo(SemconvAttributes.GEN_AI_CONVERSATION_ID, "conv-42"),
            equalTo(AttributeKey.stringKey("user.id"), "user-7"),
            equalTo(AttributeKey.stringKey("session.id"), "session-9"),
            equalTo(AttributeKey.stringKey("llmetry4j.association.tenant"), "acme"));
    assertThat(task).hasParent(workflow).hasAttribute(AssociationKeys.TASK_NAME, "rerank");
    assertThat(other)
        .hasParent(task)
        .hasAttributesSatisfyingExactly(
            equalTo(SemconvAttributes.GEN_AI_CONVERSATION_ID, "conv-42"),
            equalTo(AttributeKey.stringKey("user.id"), "user-7"),
            equalTo(AttributeKey.stringKey("session.id"), "session-9"),
            equalTo(AttributeKey.stringKey("llmetry4j.association.tenant"), "acme"));
  }

  @Test
  void associations_reach_another_service_that_trusts_its_callers() throws Exception {
    assertThat(
            serverSpanAfterRemoteCall(true)
                .getAttributes()
                .get(SemconvAttributes.GEN_AI_CONVERSATION_ID))
        .isEqualTo("conv-remote");
  }

  @Test
  void by_default_associations_received_from_another_service_are_not_stamped() throws Exception {
    assertThat(
            serverSpanAfterRemoteCall(false)
                .getAttributes()
                .get(SemconvAttributes.GEN_AI_CONVERSATION_ID))
        .isNull();
  }

  private SpanData serverSpanAfterRemoteCall(boolean trustInbound) throws Exception {
    OpenTelemetrySdk sdk = sdk(false, trustInbound);
    LlmTelemetry telemetry = LlmTelemetry.create(sdk);
    Map<String, String> headers = new HashMap<>();

    telemetry
        .workflow("client")
        .conversationId("conv-remote")
        .run(() -> W3CBaggagePropagator.getInstance().inject(Context.current(), headers, Map::put));
    Context server =
        W3CBaggagePropagator.getInstance()
            .extract(
                Context.root(),
                headers,
                new TextMapGetter<Map<String, String>>() {
                  @Override
                  public Iterable<String> keys(Map<String, String> carrier) {
                    return carrier.keySet();
                  }

                  @Override
                  public String get(Map<String, String> carrier, String key) {
                    return carrier.get(key);
                  }
                });
    sdk.getTracer("server").spanBuilder("server work").setParent(server).startSpan().end();

    return byName(exporter.getFinishedSpanItems(), "server work");
  }

  @Test
  void an_exception_marks_the_workflow_and_is_rethrown_unchanged() {
    LlmTelemetry telemetry = LlmTelemetry.create(sdk(false));
    IllegalStateException failure = new IllegalStateException("no answer");

    Throwable thrown =
        catchThrowable(
            () ->
                telemetry
                    .workflow("failing")
                    .run(
                        () -> {
                          throw failure;
                        }));

    assertThat(thrown).isSameAs(failure);
    assertThat(exporter.getFinishedSpanItems().get(0))
        .hasStatus(io.opentelemetry.sdk.trace.data.StatusData.create(StatusCode.ERROR, "no answer"))
        .hasAttribute(SemconvAttributes.ERROR_TYPE, "java.lang.IllegalStateException");
  }

  @Test
  void openllmetry_compat_adds_traceloop_names() throws Exception {
    LlmTelemetry telemetry = LlmTelemetry.builder(sdk(true)).openLlmetryCompat(true).build();

    telemetry
        .workflow("answer-question")
        .conversationId("c1")
        .property("tenant", "acme")
        .run(() -> {});

    assertThat(exporter.getFinishedSpanItems().get(0))
        .hasAttribute(TraceloopAttributes.SPAN_KIND, "workflow")
        .hasAttribute(TraceloopAttributes.WORKFLOW_NAME, "answer-question")
        .hasAttribute(TraceloopAttributes.ENTITY_NAME, "answer-question")
        .hasAttribute(
            AttributeKey.stringKey("traceloop.association.properties.conversation_id"), "c1")
        .hasAttribute(AttributeKey.stringKey("traceloop.association.properties.tenant"), "acme");
  }

  private static SpanData byName(List<SpanData> spans, String name) {
    return spans.stream().filter(s -> s.getName().equals(name)).findFirst().orElseThrow();
  }
}
