package io.llmetry4j.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmetry4j.core.internal.Instrumentation;
import io.llmetry4j.core.testing.OpenTelemetryVersions;
import io.llmetry4j.core.testing.OtlpGrpcReceiver;
import io.llmetry4j.core.testing.OtlpHttpReceiver;
import io.llmetry4j.core.testing.ReceivedTelemetry;
import io.llmetry4j.core.testing.TestSecrets;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.resource.v1.Resource;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** init → spans → close, proven at real OTLP receivers on 127.0.0.1 (gRPC and HTTP/protobuf). */
class OtlpExportTest {

  private static final Duration WAIT = Duration.ofSeconds(10);

  @Test
  void grpc_receiver_gets_every_span_and_the_tencent_resource_after_close() throws Exception {
    try (OtlpGrpcReceiver receiver = OtlpGrpcReceiver.start()) {
      Llmetry llmetry =
          Llmetry.init(
              LlmetryConfig.tencentApm(receiver.endpoint(), TestSecrets.TOKEN, "rag-service")
                  .hostName("rag-host-1")
                  .registerGlobal(false)
                  .shutdownHook(false)
                  .build());
      makeThreeNestedSpans(Instrumentation.of(llmetry.telemetry()).tracer());
      llmetry.openTelemetry().getMeter("test").counterBuilder("requests").build().add(3);
      llmetry.close();

      ReceivedTelemetry received = receiver.received();
      assertThat(spanNames(received)).containsExactlyInAnyOrder("outer", "middle", "inner");
      assertTencentResource(received.spanResources());
      assertThat(received.metrics()).extracting(Metric::getName).contains("requests");
      assertTencentResource(received.metricResources());
      // Sent by the OpenTelemetry SDK the build asked for (1.68.0, or a -Potel-* profile's).
      assertThat(received.spanResources())
          .allSatisfy(
              resource ->
                  assertThat(ReceivedTelemetry.stringAttributes(resource.getAttributesList()))
                      .containsEntry("telemetry.sdk.version", OpenTelemetryVersions.expected()));
    }
  }

  @Test
  void http_protobuf_receiver_gets_every_span_and_metric_after_close() throws Exception {
    try (OtlpHttpReceiver receiver = OtlpHttpReceiver.start()) {
      Llmetry llmetry =
          Llmetry.init(
              LlmetryConfig.tencentApm(receiver.endpoint(), TestSecrets.TOKEN, "rag-service")
                  .protocol(LlmetryConfig.PROTOCOL_HTTP_PROTOBUF)
                  .hostName("rag-host-1")
                  .registerGlobal(false)
                  .shutdownHook(false)
                  .build());
      makeThreeNestedSpans(Instrumentation.of(llmetry.telemetry()).tracer());
      llmetry.openTelemetry().getMeter("test").counterBuilder("requests").build().add(3);
      llmetry.close();

      ReceivedTelemetry received = receiver.received();
      assertThat(spanNames(received)).containsExactlyInAnyOrder("outer", "middle", "inner");
      assertTencentResource(received.spanResources());
      assertThat(received.metrics()).extracting(Metric::getName).contains("requests");
    }
  }

  @Test
  void spans_carry_parent_links_and_the_llmetry_instrumentation_scope() throws Exception {
    try (OtlpGrpcReceiver receiver = OtlpGrpcReceiver.start()) {
      Llmetry llmetry = Llmetry.init(plainConfig(receiver.endpoint()).build());
      makeThreeNestedSpans(Instrumentation.of(llmetry.telemetry()).tracer());
      llmetry.close();

      Map<String, io.opentelemetry.proto.trace.v1.Span> byName =
          receiver.received().spans().stream()
              .collect(Collectors.toMap(io.opentelemetry.proto.trace.v1.Span::getName, s -> s));
      assertThat(byName.get("outer").getParentSpanId().isEmpty()).isTrue();
      assertThat(byName.get("middle").getParentSpanId()).isEqualTo(byName.get("outer").getSpanId());
      assertThat(byName.get("inner").getParentSpanId()).isEqualTo(byName.get("middle").getSpanId());
      assertThat(byName.get("inner").getTraceId()).isEqualTo(byName.get("outer").getTraceId());
      assertThat(receiver.received().scopeSpans())
          .allSatisfy(
              scope -> {
                assertThat(scope.getScope().getName()).isEqualTo("io.llmetry4j");
                assertThat(scope.getScope().getVersion()).isEqualTo("0.1.0-SNAPSHOT");
                assertThat(scope.getSchemaUrl())
                    .isEqualTo("https://opentelemetry.io/schemas/1.41.1");
              });
    }
  }

  @Test
  void disable_batch_exports_each_span_when_it_ends_without_a_flush() throws Exception {
    try (OtlpGrpcReceiver receiver = OtlpGrpcReceiver.start()) {
      Llmetry llmetry = Llmetry.init(plainConfig(receiver.endpoint()).disableBatch().build());
      try {
        Instrumentation.of(llmetry.telemetry()).tracer().spanBuilder("single").startSpan().end();
        // A batch processor would hold the span for its 5 s schedule delay; a simple one sends now.
        assertThat(receiver.received().awaitSpans(1, Duration.ofSeconds(4))).isTrue();
        assertThat(spanNames(receiver.received())).containsExactly("single");
      } finally {
        llmetry.close();
      }
    }
  }

  @Test
  void builder_headers_are_sent_with_every_export() throws Exception {
    try (OtlpGrpcReceiver receiver = OtlpGrpcReceiver.start()) {
      Llmetry llmetry =
          Llmetry.init(
              plainConfig(receiver.endpoint())
                  .headers(Map.of("x-apm-tenant", "team a/b", "authorization", "Bearer abc"))
                  .build());
      Instrumentation.of(llmetry.telemetry())
          .tracer()
          .spanBuilder("with-headers")
          .startSpan()
          .end();
      llmetry.close();

      assertThat(spanNames(receiver.received())).containsExactly("with-headers");
      assertThat(receiver.lastHeaders())
          .containsEntry("x-apm-tenant", "team a/b")
          .containsEntry("authorization", "Bearer abc");
    }
  }

  @Test
  void force_flush_exports_pending_spans_before_close() throws Exception {
    try (OtlpGrpcReceiver receiver = OtlpGrpcReceiver.start()) {
      Llmetry llmetry = Llmetry.init(plainConfig(receiver.endpoint()).build());
      try {
        Instrumentation.of(llmetry.telemetry()).tracer().spanBuilder("flushed").startSpan().end();
        assertThat(llmetry.forceFlush(WAIT)).isTrue();
        assertThat(spanNames(receiver.received())).containsExactly("flushed");
      } finally {
        llmetry.close();
      }
    }
  }

  @Test
  void close_twice_is_harmless() throws Exception {
    try (OtlpGrpcReceiver receiver = OtlpGrpcReceiver.start()) {
      Llmetry llmetry = Llmetry.init(plainConfig(receiver.endpoint()).build());
      Instrumentation.of(llmetry.telemetry()).tracer().spanBuilder("once").startSpan().end();
      llmetry.close();
      llmetry.close();
      assertThat(spanNames(receiver.received())).containsExactly("once");
    }
  }

  static LlmetryConfig.Builder plainConfig(String endpoint) {
    return LlmetryConfig.builder()
        .appName("plain-app")
        .endpoint(endpoint)
        .registerGlobal(false)
        .shutdownHook(false);
  }

  static void makeThreeNestedSpans(Tracer tracer) {
    Span outer = tracer.spanBuilder("outer").startSpan();
    try (Scope o = outer.makeCurrent()) {
      Span middle = tracer.spanBuilder("middle").startSpan();
      try (Scope m = middle.makeCurrent()) {
        tracer.spanBuilder("inner").startSpan().end();
      } finally {
        middle.end();
      }
    } finally {
      outer.end();
    }
  }

  static List<String> spanNames(ReceivedTelemetry received) {
    return received.spans().stream()
        .map(io.opentelemetry.proto.trace.v1.Span::getName)
        .collect(Collectors.toList());
  }

  private static void assertTencentResource(List<Resource> resources) {
    assertThat(resources).isNotEmpty();
    for (Resource resource : resources) {
      assertThat(ReceivedTelemetry.stringAttributes(resource.getAttributesList()))
          .containsEntry("service.name", "rag-service")
          .containsEntry("token", TestSecrets.TOKEN)
          .containsEntry("host.name", "rag-host-1");
    }
  }
}
