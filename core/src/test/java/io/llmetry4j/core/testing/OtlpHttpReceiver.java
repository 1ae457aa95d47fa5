package io.llmetry4j.core.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.zip.GZIPInputStream;

/**
 * A real OTLP/HTTP (protobuf) receiver on 127.0.0.1: the JDK's HttpServer decoding {@code
 * ExportTraceServiceRequest} at {@code /v1/traces} and {@code ExportMetricsServiceRequest} at
 * {@code /v1/metrics}.
 */
public final class OtlpHttpReceiver implements AutoCloseable {

  private final ReceivedTelemetry received = new ReceivedTelemetry();
  private final HttpServer server;
  private final java.util.concurrent.atomic.AtomicInteger failNext =
      new java.util.concurrent.atomic.AtomicInteger();
  private volatile int failStatus;
  private volatile boolean rejectAll;
  private final ExecutorService executor = Executors.newFixedThreadPool(2);

  private OtlpHttpReceiver() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/v1/traces",
        exchange -> {
          byte[] request = body(exchange).readAllBytes();
          if (rejectAll) {
            exchange.sendResponseHeaders(400, -1);
            exchange.close();
            return;
          }
          if (failNext.getAndDecrement() > 0) {
            exchange.sendResponseHeaders(failStatus, -1);
            exchange.close();
            return;
          }
          received.addTraces(ExportTraceServiceRequest.parseFrom(request));
          reply(exchange, ExportTraceServiceResponse.getDefaultInstance().toByteArray());
        });
    server.createContext(
        "/v1/metrics",
        exchange -> {
          received.addMetrics(ExportMetricsServiceRequest.parseFrom(body(exchange)));
          reply(exchange, ExportMetricsServiceResponse.getDefaultInstance().toByteArray());
        });
    server.setExecutor(executor);
    server.start();
  }

  public static OtlpHttpReceiver start() {
    try {
      return new OtlpHttpReceiver();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Answers {@code status} (e.g. 503) to the next {@code count} trace exports. */
  public OtlpHttpReceiver failNext(int count, int status) {
    this.failStatus = status;
    this.failNext.set(count);
    return this;
  }

  /** Answers 400 to every trace export. */
  public OtlpHttpReceiver rejectAll() {
    this.rejectAll = true;
    return this;
  }

  /** The base URL, {@code http://127.0.0.1:<port>}; exporters append {@code /v1/traces}. */
  public String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  public ReceivedTelemetry received() {
    return received;
  }

  private static InputStream body(HttpExchange exchange) throws IOException {
    InputStream in = exchange.getRequestBody();
    String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
    return "gzip".equalsIgnoreCase(encoding) ? new GZIPInputStream(in) : in;
  }

  private static void reply(HttpExchange exchange, byte[] body) throws IOException {
    exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
    exchange.sendResponseHeaders(200, body.length);
    exchange.getResponseBody().write(body);
    exchange.close();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
