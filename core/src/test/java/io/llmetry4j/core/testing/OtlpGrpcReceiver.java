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

  private final ReceivedTelemetry received = new ReceivedTelemetry();
  private final Map<String, String> lastHeaders = new ConcurrentHashMap<>();
  private final Server server;

  private OtlpGrpcReceiver() throws IOException {
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
        NettyServerBuilder.forAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
            .addService(ServerInterceptors.intercept(new Traces(), headerRecorder))
            .addService(ServerInterceptors.intercept(new Metrics(), headerRecorder))
            .build()
            .start();
  }

  public static OtlpGrpcReceiver start() {
    try {
      return new OtlpGrpcReceiver();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
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
      received.addTraces(request);
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
