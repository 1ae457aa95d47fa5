package io.llmetry4j.mcp;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.transport.StdioServerTransportProvider;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * {@link WeatherMcpServer} as a child process over stdio, as a client launches a local MCP server.
 * Its spans cannot reach the test's exporter, so each server span is appended to the file named by
 * the first argument as {@code <traceId> <spanId> <parentSpanId> <kind> <name>}.
 */
public final class StdioWeatherServer {

  private StdioWeatherServer() {}

  public static void main(String[] args) throws InterruptedException {
    Path spans = Path.of(args[0]);
    // stdout is the protocol channel: nothing else may write there.
    PrintStream protocol = System.out;
    System.setOut(System.err);
    InMemorySpanExporter exported = InMemorySpanExporter.create();
    OpenTelemetrySdk sdk =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .addSpanProcessor(SimpleSpanProcessor.create(exported))
                    .build())
            .build();
    new WeatherMcpServer(
            sdk,
            span -> {
              List<SpanData> finished = exported.getFinishedSpanItems();
              SpanData data = finished.get(finished.size() - 1);
              String line =
                  String.join(
                          " ",
                          data.getTraceId(),
                          data.getSpanId(),
                          data.getParentSpanId(),
                          data.getKind().name(),
                          data.getName())
                      + "\n";
              try {
                Files.writeString(
                    spans, line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            })
        .serve(new StdioServerTransportProvider(McpJsonDefaults.getMapper(), System.in, protocol));
    // The transport reads stdin on its own threads; the client ends this process when it closes.
    new CountDownLatch(1).await();
  }
}
