package io.llmetry4j.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.core.testing.OtlpGrpcReceiver;
import io.llmetry4j.core.testing.OtlpHttpReceiver;
import io.llmetry4j.core.testing.ReceivedTelemetry;
import io.llmetry4j.core.testing.SuiteOutputCapture;
import io.llmetry4j.core.testing.TestSecrets;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The OTEL_* environment, proven in forked JVMs whose environment the test sets: values reach the
 * exported resource and endpoint, and builder values override them.
 */
class EnvironmentConfigTest {

  /** Exit code and output (stdout and stderr together) of one child run. */
  record ChildRun(int exitCode, String output) {}

  @Test
  void environment_sets_service_resource_and_endpoint_with_grpc_by_default() throws Exception {
    try (OtlpGrpcReceiver receiver = OtlpGrpcReceiver.start()) {
      ChildRun run =
          runChild(
              Map.of(
                  "OTEL_SERVICE_NAME",
                  "env-service",
                  "OTEL_RESOURCE_ATTRIBUTES",
                  "token=" + TestSecrets.TOKEN + ",host.name=env-host",
                  "OTEL_EXPORTER_OTLP_ENDPOINT",
                  receiver.endpoint()));

      assertThat(run.exitCode()).as(run.output()).isZero();
      assertThat(OtlpExportTest.spanNames(receiver.received())).containsExactly("child-span");
      assertThat(resource(receiver.received()))
          .containsEntry("service.name", "env-service")
          .containsEntry("token", TestSecrets.TOKEN)
          .containsEntry("host.name", "env-host");
      assertThat(run.output()).contains("captureContent=false");
    }
  }

  @Test
  void builder_values_override_the_environment() throws Exception {
    try (OtlpGrpcReceiver fromEnv = OtlpGrpcReceiver.start();
        OtlpGrpcReceiver fromBuilder = OtlpGrpcReceiver.start()) {
      ChildRun run =
          runChild(
              Map.of(
                  "OTEL_SERVICE_NAME", "env-service",
                  "OTEL_RESOURCE_ATTRIBUTES", "token=" + TestSecrets.TOKEN + ",host.name=env-host",
                  "OTEL_EXPORTER_OTLP_ENDPOINT", fromEnv.endpoint(),
                  "OTEL_EXPORTER_OTLP_HEADERS", "x-env=1,x-both=env",
                  "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT", "true"),
              "appName=builder-service",
              "hostName=builder-host",
              "endpoint=" + fromBuilder.endpoint(),
              "header=x-both:builder",
              "capture=false");

      assertThat(run.exitCode()).as(run.output()).isZero();
      assertThat(fromEnv.received().spans()).isEmpty();
      assertThat(OtlpExportTest.spanNames(fromBuilder.received())).containsExactly("child-span");
      assertThat(resource(fromBuilder.received()))
          .containsEntry("service.name", "builder-service")
          .containsEntry("host.name", "builder-host")
          .containsEntry("token", TestSecrets.TOKEN);
      assertThat(fromBuilder.lastHeaders())
          .containsEntry("x-env", "1")
          .containsEntry("x-both", "builder");
      assertThat(run.output()).contains("captureContent=false");
    }
  }

  @Test
  void protocol_comes_from_the_environment() throws Exception {
    try (OtlpHttpReceiver receiver = OtlpHttpReceiver.start()) {
      ChildRun run =
          runChild(
              Map.of(
                  "OTEL_SERVICE_NAME", "http-service",
                  "OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint(),
                  "OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"));

      assertThat(run.exitCode()).as(run.output()).isZero();
      assertThat(OtlpExportTest.spanNames(receiver.received())).containsExactly("child-span");
      assertThat(resource(receiver.received())).containsEntry("service.name", "http-service");
    }
  }

  @Test
  void sdk_disabled_exports_nothing() throws Exception {
    try (OtlpGrpcReceiver receiver = OtlpGrpcReceiver.start()) {
      ChildRun run =
          runChild(
              Map.of(
                  "OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint(), "OTEL_SDK_DISABLED", "true"));

      assertThat(run.exitCode()).as(run.output()).isZero();
      assertThat(run.output()).contains("child done");
      assertThat(receiver.received().spans()).isEmpty();
    }
  }

  @Test
  void sampler_comes_from_the_environment() throws Exception {
    try (OtlpGrpcReceiver receiver = OtlpGrpcReceiver.start()) {
      ChildRun run =
          runChild(
              Map.of(
                  "OTEL_EXPORTER_OTLP_ENDPOINT",
                  receiver.endpoint(),
                  "OTEL_TRACES_SAMPLER",
                  "always_off"));

      assertThat(run.exitCode()).as(run.output()).isZero();
      assertThat(run.output()).contains("child done");
      assertThat(receiver.received().spans()).isEmpty();
    }
  }

  @Test
  void propagators_default_to_tracecontext_and_baggage_and_follow_env_then_builder()
      throws Exception {
    assertThat(runChild(Map.of()).output())
        .contains("propagatorFields=[traceparent, tracestate, baggage]");
    assertThat(runChild(Map.of("OTEL_PROPAGATORS", "tracecontext")).output())
        .contains("propagatorFields=[traceparent, tracestate]");
    assertThat(runChild(Map.of("OTEL_PROPAGATORS", "tracecontext"), "propagators=baggage").output())
        .contains("propagatorFields=[baggage]");
  }

  @Test
  void content_capture_is_off_by_default_and_each_environment_switch_turns_it_on()
      throws Exception {
    assertThat(runChild(Map.of()).output()).contains("captureContent=false");
    assertThat(
            runChild(Map.of("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT", "true")).output())
        .contains("captureContent=true");
    assertThat(runChild(Map.of("TRACELOOP_TRACE_CONTENT", "true")).output())
        .contains("captureContent=true");
    assertThat(runChild(Map.of("TRACELOOP_TRACE_CONTENT", "true"), "capture=false").output())
        .contains("captureContent=false");
  }

  @Test
  void openllmetry_compat_is_off_by_default_and_the_environment_turns_it_on() throws Exception {
    assertThat(runChild(Map.of()).output()).contains("openLlmetryCompat=false");
    assertThat(runChild(Map.of("LLMETRY4J_OPENLLMETRY_COMPAT", "true")).output())
        .contains("openLlmetryCompat=true");
  }

  @Test
  void the_conventions_opt_in_and_the_sdk_attribute_limit_come_from_the_environment()
      throws Exception {
    String defaults = runChild(Map.of()).output();
    assertThat(defaults)
        .contains("semconvLatestExperimental=false")
        .contains("spanContentBudget=" + LlmTelemetry.DEFAULT_SPAN_CONTENT_BUDGET);

    String optedIn =
        runChild(
                Map.of(
                    "OTEL_SEMCONV_STABILITY_OPT_IN", "http, gen_ai_latest_experimental",
                    "OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT", "8192",
                    "OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT", "4096"))
            .output();
    assertThat(optedIn)
        .contains("semconvLatestExperimental=true")
        .contains("spanContentBudget=4096");

    // Another opt-in value, and the general limit alone.
    assertThat(
            runChild(
                    Map.of(
                        "OTEL_SEMCONV_STABILITY_OPT_IN", "gen_ai",
                        "OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT", "2048"))
                .output())
        .contains("semconvLatestExperimental=false")
        .contains("spanContentBudget=2048");
  }

  @Test
  void the_tencent_preset_turns_openllmetry_compat_on_unless_the_environment_says_otherwise()
      throws Exception {
    assertThat(runChild(Map.of(), "tencent=compat").output()).contains("openLlmetryCompat=true");
    assertThat(runChild(Map.of("LLMETRY4J_OPENLLMETRY_COMPAT", "false"), "tencent=compat").output())
        .contains("openLlmetryCompat=false");
  }

  @Test
  void bad_environment_endpoint_fails_init_naming_the_variable() throws Exception {
    ChildRun run = runChild(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "127.0.0.1:4317"));

    assertThat(run.exitCode()).isNotZero();
    assertThat(run.output())
        .contains("OTEL_EXPORTER_OTLP_ENDPOINT must start with http:// or https://")
        .doesNotContain("127.0.0.1:4317")
        .doesNotContain("child done");
  }

  @Test
  void environment_headers_reach_the_backend_as_the_specification_decodes_them() throws Exception {
    for (boolean withBuilderHeader : new boolean[] {false, true}) {
      try (OtlpGrpcReceiver receiver = OtlpGrpcReceiver.start()) {
        List<String> args = new ArrayList<>(List.of("endpoint=" + receiver.endpoint()));
        if (withBuilderHeader) {
          args.add("header=x-tenant:acme");
        }
        ChildRun run =
            runChild(
                Map.of("OTEL_EXPORTER_OTLP_HEADERS", "authorization=Basic%20dXNlcjpwYXNz%2B%3D"),
                args.toArray(new String[0]));

        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(receiver.lastHeaders())
            .as("with a builder header: %s", withBuilderHeader)
            .containsEntry("authorization", "Basic dXNlcjpwYXNz+=");
      }
    }
  }

  @Test
  void a_header_value_with_cr_lf_in_the_environment_fails_init_without_printing_it()
      throws Exception {
    ChildRun run =
        runChild(
            Map.of(
                "OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4317",
                "OTEL_EXPORTER_OTLP_HEADERS", "authorization=Bearer%20s3cret%0D%0AX-Evil:%201"));

    assertThat(run.exitCode()).isNotZero();
    assertThat(run.output())
        .contains(
            "OTEL_EXPORTER_OTLP_HEADERS: the value of header 'authorization' contains a control character")
        .doesNotContain("s3cret")
        .doesNotContain("child done");
  }

  @Test
  void shutdown_hook_exports_pending_spans_when_the_application_never_closes() throws Exception {
    try (OtlpGrpcReceiver receiver = OtlpGrpcReceiver.start()) {
      ChildRun run =
          runChild(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint()), "close=false");

      assertThat(run.exitCode()).as(run.output()).isZero();
      assertThat(OtlpExportTest.spanNames(receiver.received())).containsExactly("child-span");
    }
  }

  private static Map<String, String> resource(ReceivedTelemetry received) {
    assertThat(received.spanResources()).isNotEmpty();
    return ReceivedTelemetry.stringAttributes(received.spanResources().get(0).getAttributesList());
  }

  /** Runs {@link EnvironmentChild} with exactly {@code env} as its OTEL_/TRACELOOP_ variables. */
  static ChildRun runChild(Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
    List<String> command = new ArrayList<>();
    command.add(java.toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(EnvironmentChild.class.getName());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    // The child sees only the variables under test, whatever the surrounding CI sets.
    builder
        .environment()
        .keySet()
        .removeIf(
            k -> k.startsWith("OTEL_") || k.startsWith("TRACELOOP_") || k.startsWith("LLMETRY4J_"));
    builder.environment().putAll(env);
    Process process = builder.start();
    process.getOutputStream().close();
    byte[] output = process.getInputStream().readAllBytes();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("child JVM did not exit");
    }
    String text = new String(output, StandardCharsets.UTF_8);
    SuiteOutputCapture.record(text);
    return new ChildRun(process.exitValue(), text);
  }
}
