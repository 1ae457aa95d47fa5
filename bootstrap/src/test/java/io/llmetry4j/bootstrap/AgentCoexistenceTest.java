package io.llmetry4j.bootstrap;

import static io.llmetry4j.core.testing.CapturedOutput.containing;
import static org.assertj.core.api.Assertions.assertThat;

import io.llmetry4j.core.internal.Instrumentation;
import io.llmetry4j.core.testing.CapturedOutput;
import io.llmetry4j.core.testing.OtlpGrpcReceiver;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A Java agent registered GlobalOpenTelemetry first: init reuses it and exports nothing itself (on
 * OpenTelemetry API 1.57+ it builds no SDK; on older APIs the one it built is shut down unused).
 */
class AgentCoexistenceTest {

  private final InMemorySpanExporter agentExporter = InMemorySpanExporter.create();
  private final OpenTelemetrySdk agentSdk =
      OpenTelemetrySdk.builder()
          .setTracerProvider(
              SdkTracerProvider.builder()
                  .addSpanProcessor(SimpleSpanProcessor.create(agentExporter))
                  .build())
          .build();

  @AfterEach
  void resetGlobal() {
    GlobalOpenTelemetry.resetForTest();
    agentSdk.close();
  }

  @Test
  void init_reuses_the_global_instance_and_exports_nothing_itself() throws Exception {
    GlobalOpenTelemetry.resetForTest();
    GlobalOpenTelemetry.set(agentSdk);
    long hooksBefore = shutdownThreads();

    try (OtlpGrpcReceiver receiver = OtlpGrpcReceiver.start();
        CapturedOutput output = CapturedOutput.start()) {
      // registerGlobal(true), the default: found before building on OpenTelemetry API 1.57+
      // (isSet), found when registration fails on older APIs.
      Llmetry llmetry =
          Llmetry.init(
              OtlpExportTest.plainConfig(receiver.endpoint()).registerGlobal(true).build());
      // Said once, by this init: the exporter settings of the config are ignored.
      assertThat(output.logLines(containing("an OpenTelemetry instance is already registered")))
          .singleElement()
          .satisfies(line -> assertThat(line.logger()).isEqualTo(Llmetry.class.getName()));
      assertReusesTheAgentsInstance(llmetry, receiver);
    }
    assertThat(shutdownThreads()).isEqualTo(hooksBefore);
  }

  @Test
  void without_registering_init_reuses_the_global_instance_where_the_api_can_tell()
      throws Exception {
    GlobalOpenTelemetry.resetForTest();
    GlobalOpenTelemetry.set(agentSdk);

    try (OtlpGrpcReceiver receiver = OtlpGrpcReceiver.start()) {
      Llmetry llmetry = Llmetry.init(OtlpExportTest.plainConfig(receiver.endpoint()).build());
      if (GlobalRegistration.canProbe()) {
        assertReusesTheAgentsInstance(llmetry, receiver);
      } else {
        // Before 1.57 nothing tells without side effects: init uses the SDK it was configured
        // with and leaves the global instance alone.
        Instrumentation.of(llmetry.telemetry()).tracer().spanBuilder("own-sdk").startSpan().end();
        llmetry.close();
        assertThat(OtlpExportTest.spanNames(receiver.received())).containsExactly("own-sdk");
        assertThat(agentExporter.getFinishedSpanItems()).isEmpty();
        GlobalOpenTelemetry.getTracer("app").spanBuilder("agent").startSpan().end();
        assertThat(agentExporter.getFinishedSpanItems()).hasSize(1);
      }
    }
  }

  private void assertReusesTheAgentsInstance(Llmetry llmetry, OtlpGrpcReceiver receiver) {
    assertThat(llmetry.openTelemetry()).isSameAs(GlobalOpenTelemetry.get());
    Instrumentation.of(llmetry.telemetry()).tracer().spanBuilder("via-agent").startSpan().end();
    llmetry.close();

    assertThat(agentExporter.getFinishedSpanItems())
        .extracting(SpanData::getName)
        .containsExactly("via-agent");
    assertThat(agentExporter.getFinishedSpanItems().get(0).getInstrumentationScopeInfo().getName())
        .isEqualTo("io.llmetry4j");
    assertThat(receiver.received().spans()).isEmpty();
    // close() leaves the agent's SDK running.
    GlobalOpenTelemetry.getTracer("app").spanBuilder("after-close").startSpan().end();
    assertThat(agentExporter.getFinishedSpanItems()).hasSize(2);
  }

  @Test
  void without_an_agent_init_registers_its_sdk_as_global() throws Exception {
    GlobalOpenTelemetry.resetForTest();
    try (OtlpGrpcReceiver receiver = OtlpGrpcReceiver.start()) {
      Llmetry llmetry =
          Llmetry.init(
              LlmetryConfig.builder().endpoint(receiver.endpoint()).shutdownHook(false).build());
      GlobalOpenTelemetry.getTracer("app").spanBuilder("through-global").startSpan().end();
      llmetry.close();

      assertThat(OtlpExportTest.spanNames(receiver.received())).containsExactly("through-global");
    }
  }

  private static long shutdownThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals("llmetry4j-shutdown"))
        .count();
  }
}
