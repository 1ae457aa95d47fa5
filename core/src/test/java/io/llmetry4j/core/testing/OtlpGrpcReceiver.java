package io.llmetry4j.core.testing;

import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.MetricsServiceGrpc;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A real OTLP/gRPC receiver on 127.0.0.1 and a random port: grpc-java serving the collector's
 * {@code TraceService} and {@code MetricsService} from {@code opentelemetry-proto}.
 */
public final class OtlpGrpcReceiver implements AutoCloseable {

  /** How the receiver answers trace exports. */
  public enum Mode {
    /** Accepts and stores. */
    NORMAL,
    /** Accepts the call and never answers (until the server stops). */
    BLACK_HOLE,
    /** Answers UNAVAILABLE (retryable) to the next {@link #failNext} calls, then NORMAL. */
    UNAVAILABLE,
    /** Answers INVALID_ARGUMENT (not retryable) to every call. */
    REJECT
  }

  private final ReceivedTelemetry received;
  private final Map<String, String> lastHeaders = new ConcurrentHashMap<>();
  private final Server server;
  private volatile Mode mode = Mode.NORMAL;
  private final java.util.concurrent.atomic.AtomicInteger failNext =
      new java.util.concurrent.atomic.AtomicInteger();
  private final java.util.concurrent.atomic.AtomicInteger calls =
      new java.util.concurrent.atomic.AtomicInteger();
  private final java.util.concurrent.atomic.AtomicInteger answered =
      new java.util.concurrent.atomic.AtomicInteger();
  private final java.util.concurrent.CountDownLatch firstCall =
      new java.util.concurrent.CountDownLatch(1);

  private OtlpGrpcReceiver(int port, ReceivedTelemetry received) throws IOException {
    this.received = received;
    ServerInterceptor headerRecorder =
        new ServerInterceptor() {
          @Override
          public <Q, R> ServerCall.Listener<Q> interceptCall(
              ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
            for (String key : headers.keys()) {
              if (!key.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
                String value = headers.get(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER));
                if (value != null) {
                  lastHeaders.put(key, value);
                }
              }
            }
            return next.startCall(call, headers);
          }
        };
    server =
        NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))
            .addService(ServerInterceptors.intercept(new Traces(), headerRecorder))
            .addService(ServerInterceptors.intercept(new Metrics(), headerRecorder))
            .build()
            .start();
  }

  public static OtlpGrpcReceiver start() {
    return start(0, new ReceivedTelemetry());
  }

  /** Starts again on {@code port}, keeping what an earlier receiver there received. */
  public static OtlpGrpcReceiver restart(int port, ReceivedTelemetry received) {
    return start(port, received);
  }

  private static OtlpGrpcReceiver start(int port, ReceivedTelemetry received) {
    try {
      return new OtlpGrpcReceiver(port, received);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public OtlpGrpcReceiver mode(Mode mode) {
    this.mode = mode;
    return this;
  }

  /** UNAVAILABLE for the next {@code count} trace exports, then normal. */
  public OtlpGrpcReceiver unavailableFor(int count) {
    failNext.set(count);
    this.mode = Mode.UNAVAILABLE;
    return this;
  }

  /** Trace export calls received, answered or not. */
  public int calls() {
    return calls.get();
  }

  /** Trace export calls answered (successfully or with an error status). */
  public int answered() {
    return answered.get();
  }

  /** Waits for the first trace export call to arrive. */
  public boolean awaitFirstCall(java.time.Duration timeout) throws InterruptedException {
    return firstCall.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** {@code http://127.0.0.1:<port>}: what an exporter is given. */
  public String endpoint() {
    return "http://127.0.0.1:" + server.getPort();
  }

  public int port() {
    return server.getPort();
  }

  public ReceivedTelemetry received() {
    return received;
  }

  /** Request headers of the latest export call (gRPC metadata, ASCII keys). */
  public Map<String, String> lastHeaders() {
    return Map.copyOf(lastHeaders);
  }

  @Override
  public void close() throws InterruptedException {
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  private final class Traces extends TraceServiceGrpc.TraceServiceImplBase {
    @Override
    public void export(
        ExportTraceServiceRequest request, StreamObserver<ExportTraceServiceResponse> response) {
      calls.incrementAndGet();
      firstCall.countDown();
      switch (mode) {
        case BLACK_HOLE:
          return; // never answered: the client waits until its own timeout
        case REJECT:
          answered.incrementAndGet();
          response.onError(
              io.grpc.Status.INVALID_ARGUMENT
                  .withDescription("rejected by test")
                  .asRuntimeException());
          return;
        case UNAVAILABLE:
          if (failNext.getAndDecrement() > 0) {
            answered.incrementAndGet();
            response.onError(
                io.grpc.Status.UNAVAILABLE.withDescription("flapping").asRuntimeException());
            return;
          }
          mode = Mode.NORMAL;
          break;
        default:
          break;
      }
      received.addTraces(request);
      answered.incrementAndGet();
      response.onNext(ExportTraceServiceResponse.getDefaultInstance());
      response.onCompleted();
    }
  }

  private final class Metrics extends MetricsServiceGrpc.MetricsServiceImplBase {
    @Override
    public void export(
        ExportMetricsServiceRequest request,
        StreamObserver<ExportMetricsServiceResponse> response) {
      received.addMetrics(request);
      response.onNext(ExportMetricsServiceResponse.getDefaultInstance());
      response.onCompleted();
    }
  }
}
