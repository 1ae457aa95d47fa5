package io.llmetry4j.core;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import io.llmetry4j.core.internal.AssociationKeys;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.testing.junit5.OpenTelemetryExtension;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Association properties are on every llmetry4j span of a workflow in an SDK without llmetry4j's
 * span processor (as under a Java agent or in Spring Boot's SDK), within the per-span bound, the
 * conventions' properties first.
 */
class WorkflowAssociationsTest {

  @RegisterExtension static final OpenTelemetryExtension otel = OpenTelemetryExtension.create();

  @Test
  void a_task_inside_a_workflow_carries_its_associations_without_a_span_processor()
      throws Exception {
    LlmTelemetry telemetry = LlmTelemetry.create(otel.getOpenTelemetry());

    telemetry
        .workflow("answer-question")
        .conversationId("conv-1")
        .userId("user-1")
        .property("tenant", "acme")
        .call(() -> telemetry.task("rank").call(() -> "ranked"));

    assertThat(otel.getSpans())
        .hasSize(2)
        .allSatisfy(
            span ->
                assertThat(span)
                    .hasAttribute(AttributeKey.stringKey("gen_ai.conversation.id"), "conv-1")
                    .hasAttribute(AttributeKey.stringKey("user.id"), "user-1")
                    .hasAttribute(AttributeKey.stringKey("llmetry4j.association.tenant"), "acme"));
  }

  @Test
  void over_the_bound_the_conventions_properties_are_kept() {
    LlmTelemetry telemetry = LlmTelemetry.create(otel.getOpenTelemetry());
    Workflow workflow = telemetry.workflow("busy");
    for (int i = 0; i < 40; i++) {
      workflow.property("k" + i, "v" + i);
    }

    workflow.sessionId("s-1").userId("u-1").conversationId("c-1").run(() -> {});

    SpanData span = otel.getSpans().get(0);
    assertThat(span)
        .hasAttribute(AttributeKey.stringKey("gen_ai.conversation.id"), "c-1")
        .hasAttribute(AttributeKey.stringKey("user.id"), "u-1")
        .hasAttribute(AttributeKey.stringKey("session.id"), "s-1");
    assertThat(
            span.getAttributes().asMap().keySet().stream()
                .filter(key -> key.getKey().startsWith("llmetry4j.association.")))
        .hasSize(AssociationKeys.MAX_STAMPED_PER_SPAN - 3);
  }
}
