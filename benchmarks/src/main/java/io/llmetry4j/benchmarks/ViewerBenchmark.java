package io.llmetry4j.benchmarks;

import io.llmetry4j.viewer.LocalViewer;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.exporter.internal.otlp.traces.TraceRequestMarshaler;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SdkTracerProviderBuilder;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the local viewer costs an application. {@link #span}: a chat-like span started and ended
 * with the viewer's batch processor on ({@code viewer}) beside an OTLP exporter's batch processor
 * ({@code otlp}, sending to a local receiver) and the floor ({@code floor}: the benchmarks' batch
 * processor and its dropping exporter alone). The export work itself, off the application's
 * threads: {@link #exportBatch_viewer} (the viewer keeping 512 spans, its store full and evicting)
 * beside {@link #exportBatch_otlpProtobuf} (the OTLP exporter's serialisation of the same 512
 * spans, without the network).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ViewerBenchmark {

  /** The application's side: one span through the SDK with one more processor, or none. */
  @State(Scope.Benchmark)
  public static class Application {
    @Param({"floor", "viewer", "otlp"})
    public String processor;

    LocalViewer viewer;
    SdkTracerProvider tracerProvider;
    Tracer tracer;

    @Setup(Level.Trial)
    public void setUp() {
      SdkTracerProviderBuilder builder =
          SdkTracerProvider.builder().addSpanProcessor(BenchmarkTelemetry.batchProcessor());
      if (processor.equals("viewer")) {
        viewer = LocalViewer.builder().start();
        builder.addSpanProcessor(BatchSpanProcessor.builder(viewer.spanExporter()).build());
      } else if (processor.equals("otlp")) {
        // A receiver on 127.0.0.1 to send to: the standalone viewer, the same code path the
        // application would reach over the network.
        viewer = LocalViewer.builder().otlpReceiver(true).start();
        builder.addSpanProcessor(
            BatchSpanProcessor.builder(
                    OtlpHttpSpanExporter.builder().setEndpoint(viewer.url() + "v1/traces").build())
                .build());
      }
      tracerProvider = builder.build();
      tracer = tracerProvider.get("benchmark");
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      tracerProvider.close();
      if (viewer != null) {
        viewer.close();
      }
    }
  }

  /** 64 batches of 512 finished spans, 16 traces each, for the export side. */
  @State(Scope.Benchmark)
  public static class Batches {
    final List<List<SpanData>> batches = new ArrayList<>();
    LocalViewer viewer;
    int next;

    @Setup(Level.Trial)
    public void setUp() {
      Collecting collecting = new Collecting();
      try (SdkTracerProvider tracerProvider =
          SdkTracerProvider.builder()
              .addSpanProcessor(SimpleSpanProcessor.create(collecting))
              .build()) {
        Tracer tracer = tracerProvider.get("benchmark");
        for (int trace = 0; trace < 64 * 16; trace++) {
          Span root = tracer.spanBuilder("invoke_workflow answer").startSpan();
          try (io.opentelemetry.context.Scope ignored = root.makeCurrent()) {
            for (int i = 0; i < 31; i++) {
              chatSpan(tracer);
            }
          }
          root.end();
        }
      }
      for (int i = 0; i < 64; i++) {
        batches.add(collecting.spans.subList(i * 512, (i + 1) * 512));
      }
      // Full after ~two rounds of batches: the steady state evicts as it keeps.
      viewer = LocalViewer.builder().maxTraces(1_000).start();
    }

    List<SpanData> nextBatch() {
      List<SpanData> batch = batches.get(next);
      next = (next + 1) % batches.size();
      return batch;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      viewer.close();
    }
  }

  @Benchmark
  public void span(Application application) {
    chatSpan(application.tracer);
  }

  @Benchmark
  public CompletableResultCode exportBatch_viewer(Batches batches) {
    return batches.viewer.spanExporter().export(batches.nextBatch());
  }

  @Benchmark
  public void exportBatch_otlpProtobuf(Batches batches) throws IOException {
    TraceRequestMarshaler.create(batches.nextBatch())
        .writeBinaryTo(OutputStream.nullOutputStream());
  }

  static void chatSpan(Tracer tracer) {
    tracer
        .spanBuilder("chat llama3.2")
        .setSpanKind(SpanKind.CLIENT)
        .setAttribute("gen_ai.operation.name", "chat")
        .setAttribute("gen_ai.provider.name", "ollama")
        .setAttribute("gen_ai.request.model", "llama3.2")
        .setAttribute("gen_ai.usage.input_tokens", 120L)
        .setAttribute("gen_ai.usage.output_tokens", 20L)
        .setAttribute("server.address", "127.0.0.1")
        .startSpan()
        .end();
  }

  /**
   * Keeps every finished span, past the tracer provider's shutdown (which empties the SDK's {@code
   * InMemorySpanExporter}).
   */
  static final class Collecting implements SpanExporter {
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
}
