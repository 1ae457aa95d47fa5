package io.llmetry4j.viewer;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.opentelemetry.exporter.internal.otlp.traces.TraceRequestMarshaler;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The viewer on its own: an OTLP/HTTP receiver for any application or Collector, fed here by the
 * OpenTelemetry SDK's real exporters, and a reader of the Collector's file exporter output.
 */
class StandaloneViewerTest {

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void receives_otlp_protobuf_from_the_sdk_exporter_gzipped_or_not() throws Exception {
    try (LocalViewer viewer = LocalViewer.builder().otlpReceiver(true).start()) {
      for (String compression : new String[] {"none", "gzip"}) {
        SpanExporter exporter =
            OtlpHttpSpanExporter.builder()
                .setEndpoint(viewer.url() + "v1/traces")
                .setCompression(compression)
                .build();
        String traceId = recordRagTrace(exporter, "protobuf-" + compression);
        String trace = get(viewer.url() + "api/traces/" + traceId);
        assertThat(trace)
            .contains("\"name\":\"invoke_workflow protobuf-" + compression + "\"")
            .contains("\"name\":\"chat gpt-4o-mini\"")
            .contains("\"kind\":\"CLIENT\"")
            .contains("\"gen_ai.usage.input_tokens\":120")
            .contains("\"status\":\"ERROR\"")
            .contains("\"service\":\"standalone-test\"");
      }
      assertThat(viewer.receivedSpans()).isEqualTo(6);
    }
  }

  @Test
  void receives_otlp_json_as_the_sdk_writes_it() throws Exception {
    try (LocalViewer viewer = LocalViewer.builder().otlpReceiver(true).start()) {
      JsonPostingExporter exporter = new JsonPostingExporter(viewer.url() + "v1/traces");
      String traceId = recordRagTrace(exporter, "json");
      assertThat(exporter.statuses).containsOnly(200);
      assertThat(get(viewer.url() + "api/traces?q=json"))
          .contains("\"traceId\":\"" + traceId + "\"")
          .contains("\"models\":[\"gpt-4o-mini\"]")
          .contains("\"inputTokens\":120")
          .contains("\"errorCount\":1");
      // Malformed bodies are refused, and change nothing.
      assertThat(
              post(viewer.url() + "v1/traces", "application/json", "{\"resourceSpans\":[")
                  .statusCode())
          .isEqualTo(400);
      assertThat(post(viewer.url() + "v1/traces", "text/plain", "hello").statusCode())
          .isEqualTo(415);
      assertThat(viewer.receivedSpans()).isEqualTo(3);
    }
  }

  @Test
  void accepts_the_sdk_metric_exporter_without_keeping_metrics() throws Exception {
    try (LocalViewer viewer = LocalViewer.builder().otlpReceiver(true).start()) {
      OtlpHttpMetricExporter exporter =
          OtlpHttpMetricExporter.builder().setEndpoint(viewer.url() + "v1/metrics").build();
      try (SdkMeterProvider meterProvider =
          SdkMeterProvider.builder()
              .registerMetricReader(PeriodicMetricReader.builder(exporter).build())
              .build()) {
        meterProvider.get("test").counterBuilder("calls").build().add(1);
        CompletableResultCode flushed = meterProvider.forceFlush();
        assertThat(flushed.join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
      }
    }
  }

  @Test
  void opens_a_collector_file_exporter_file(@TempDir Path directory) throws Exception {
    Path file = directory.resolve("traces.jsonl");
    List<String> lines = new ArrayList<>();
    String[] traceIds = new String[2];
    for (int i = 0; i < 2; i++) {
      CollectingExporter collected = new CollectingExporter();
      traceIds[i] = recordRagTrace(collected, "file-" + i);
      ByteArrayOutputStream json = new ByteArrayOutputStream();
      TraceRequestMarshaler.create(collected.spans).writeJsonTo(json);
      lines.add(json.toString(StandardCharsets.UTF_8));
    }
    // A metrics line as the Collector writes it into the same file: skipped.
    lines.add(1, "{\"resourceMetrics\":[]}");
    Files.write(file, lines);

    try (LocalViewer viewer = LocalViewer.builder().start()) {
      assertThat(viewer.load(file)).isEqualTo(6);
      String list = get(viewer.url() + "api/traces");
      assertThat(list)
          .contains("\"traceId\":\"" + traceIds[0] + "\"")
          .contains("\"traceId\":\"" + traceIds[1] + "\"")
          .contains("\"total\":2");
    }
  }

  @Test
  void the_standalone_command_serves_files_and_otlp_until_stopped(@TempDir Path directory)
      throws Exception {
    CollectingExporter collected = new CollectingExporter();
    String fileTraceId = recordRagTrace(collected, "from-file");
    ByteArrayOutputStream json = new ByteArrayOutputStream();
    TraceRequestMarshaler.create(collected.spans).writeJsonTo(json);
    Path file = directory.resolve("collector.jsonl");
    Files.write(file, json.toByteArray());

    Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
    Process process =
        new ProcessBuilder(
                java.toString(),
                "-cp",
                System.getProperty("java.class.path"),
                LocalViewer.class.getName(),
                "--port",
                "0",
                file.toString())
            .redirectErrorStream(true)
            .start();
    try {
      BufferedReader output =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      Pattern started = Pattern.compile("OTLP/HTTP on (http://127\\.0\\.0\\.1:\\d+/)v1/traces");
      String url = null;
      List<String> seen = new ArrayList<>();
      for (String line; url == null && (line = output.readLine()) != null; ) {
        seen.add(line);
        Matcher matcher = started.matcher(line);
        if (matcher.find()) {
          url = matcher.group(1);
        }
      }
      assertThat(url).as(String.join("\n", seen)).isNotNull();
      assertThat(seen).anyMatch(line -> line.contains("3 spans from " + file));
      String otlpTraceId =
          recordRagTrace(
              OtlpHttpSpanExporter.builder().setEndpoint(url + "v1/traces").build(), "over-otlp");
      String list = get(url + "api/traces");
      assertThat(list).contains(fileTraceId).contains(otlpTraceId);
      assertThat(process.isAlive()).isTrue();
    } finally {
      process.destroy();
      assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
    }
  }

  /** Three spans of one trace: workflow → chat (CLIENT, usage) and a failed retrieval. */
  private static String recordRagTrace(SpanExporter exporter, String workflow) {
    try (SdkTracerProvider tracerProvider =
        SdkTracerProvider.builder()
            .setResource(
                Resource.create(
                    Attributes.of(
                        io.opentelemetry.api.common.AttributeKey.stringKey("service.name"),
                        "standalone-test")))
            .addSpanProcessor(SimpleSpanProcessor.create(exporter))
            .build()) {
      var tracer = tracerProvider.get("io.llmetry4j");
      Span root =
          tracer
              .spanBuilder("invoke_workflow " + workflow)
              .setAttribute("gen_ai.operation.name", "invoke_workflow")
              .setAttribute("gen_ai.workflow.name", workflow)
              .startSpan();
      try (Scope ignored = root.makeCurrent()) {
        tracer
            .spanBuilder("chat gpt-4o-mini")
            .setSpanKind(SpanKind.CLIENT)
            .setAttribute("gen_ai.operation.name", "chat")
            .setAttribute("gen_ai.request.model", "gpt-4o-mini")
            .setAttribute("gen_ai.usage.input_tokens", 120L)
            .setAttribute("gen_ai.usage.output_tokens", 20L)
            .startSpan()
            .end();
        Span retrieval = tracer.spanBuilder("retrieval docs").startSpan();
        retrieval.setStatus(StatusCode.ERROR, "store unavailable");
        retrieval.end();
      }
      root.end();
      return root.getSpanContext().getTraceId();
    }
  }

  private String get(String url) throws Exception {
    return http.send(
            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString())
        .body();
  }

  private HttpResponse<String> post(String url, String contentType, String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url))
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /**
   * Keeps what it is given, for writing a file: the SDK's {@code InMemorySpanExporter} forgets its
   * spans when the tracer provider shuts it down, before they are written.
   */
  private static final class CollectingExporter implements SpanExporter {
    final List<SpanData> spans = new ArrayList<>();

    @Override
    public CompletableResultCode export(Collection<SpanData> batch) {
      spans.addAll(batch);
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }

  /**
   * OTLP/HTTP JSON: the SDK's own OTLP JSON serialisation ({@code TraceRequestMarshaler}), sent
   * with the JDK's HTTP client. The SDK's public HTTP exporter sends protobuf only.
   */
  private final class JsonPostingExporter implements SpanExporter {
    final String endpoint;
    final List<Integer> statuses = new ArrayList<>();

    JsonPostingExporter(String endpoint) {
      this.endpoint = endpoint;
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> batch) {
      try {
        ByteArrayOutputStream json = new ByteArrayOutputStream();
        TraceRequestMarshaler.create(batch).writeJsonTo(json);
        statuses.add(
            post(endpoint, "application/json", json.toString(StandardCharsets.UTF_8)).statusCode());
        return CompletableResultCode.ofSuccess();
      } catch (Exception e) {
        return CompletableResultCode.ofFailure();
      }
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }
}
