package io.llmetry4j.mcp;

import dev.langchain4j.mcp.McpToolProvider;
import dev.langchain4j.mcp.client.DefaultMcpClient;
import dev.langchain4j.mcp.client.McpClient;
import dev.langchain4j.mcp.client.transport.McpTransport;
import dev.langchain4j.mcp.client.transport.http.StreamableHttpMcpTransport;
import dev.langchain4j.mcp.client.transport.stdio.StdioMcpTransport;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.tool.ToolProvider;
import io.llmetry4j.chat.TracingChatModelListener;
import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.core.testing.ReplayHttpServer;
import io.llmetry4j.core.testing.ReplayHttpServer.Response;
import io.llmetry4j.rag.TracingAiService;
import io.llmetry4j.rag.TracingTools;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;

/**
 * Real parts for the MCP tests: an OpenTelemetry SDK with W3C propagation exporting in memory, the
 * real OpenAI chat client against recorded answers replayed on 127.0.0.1 (a {@code getWeather} tool
 * call, then the final answer), and the weather MCP server over streamable HTTP (the MCP SDK's
 * servlet on Tomcat, 127.0.0.1, a free port) or over stdio (a child JVM).
 */
final class McpFixture implements AutoCloseable {

  interface Assistant {
    String chat(String question);
  }

  final InMemorySpanExporter spans = InMemorySpanExporter.create();
  final OpenTelemetrySdk sdk;
  final LlmTelemetry telemetry;
  final ReplayHttpServer openAi = ReplayHttpServer.start();
  // The traceparent HTTP header of each request the MCP server received.
  final List<String> traceparentHeaders = new CopyOnWriteArrayList<>();
  private Tomcat tomcat;
  private McpSyncServer httpServer;
  private String mcpUrl;

  String mcpUrl() {
    return mcpUrl;
  }

  private Path tempDir;

  McpFixture() {
    this(settings -> settings);
  }

  McpFixture(UnaryOperator<LlmTelemetry.Builder> settings) {
    sdk =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .addSpanProcessor(SimpleSpanProcessor.create(spans))
                    .build())
            .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
            .build();
    telemetry = settings.apply(LlmTelemetry.builder(sdk)).build();
    String toolCall = resource("openai-tool-call-response.json");
    String finalAnswer = resource("openai-final-response.json");
    // Like a model: asks for the tool first, answers once the tool result is in the conversation.
    openAi.byDefault(
        "/v1/chat/completions",
        body ->
            body.replaceAll("\\s", "").toLowerCase(Locale.ROOT).contains("\"role\":\"tool\"")
                ? Response.json(200, finalAnswer)
                : Response.json(200, toolCall));
  }

  /** Starts the MCP server over streamable HTTP; returns its URL. */
  String startHttpServer() throws LifecycleException, IOException {
    tempDir = Files.createTempDirectory("mcp-tomcat");
    HttpServletStreamableServerTransportProvider transport =
        HttpServletStreamableServerTransportProvider.builder()
            .jsonMapper(McpJsonDefaults.getMapper())
            .mcpEndpoint("/mcp")
            .contextExtractor(
                request -> {
                  String traceparent = request.getHeader("traceparent");
                  if (traceparent != null) {
                    traceparentHeaders.add(traceparent);
                  }
                  return McpTransportContext.EMPTY;
                })
            .build();
    httpServer = new WeatherMcpServer(sdk, span -> {}).serve(transport);
    tomcat = new Tomcat();
    tomcat.setBaseDir(tempDir.toString());
    Connector connector = new Connector();
    connector.setPort(0);
    connector.setProperty("address", "127.0.0.1");
    tomcat.getService().addConnector(connector);
    tomcat.setConnector(connector);
    org.apache.catalina.Context context = tomcat.addContext("", tempDir.toString());
    Tomcat.addServlet(context, "mcp", transport).setAsyncSupported(true);
    context.addServletMappingDecoded("/*", "mcp");
    tomcat.start();
    mcpUrl = "http://127.0.0.1:" + connector.getLocalPort() + "/mcp";
    return mcpUrl;
  }

  /** A traced streamable HTTP transport to the started server. */
  McpTransport httpTransport() {
    return TracingMcpTransport.builder(
            telemetry,
            StreamableHttpMcpTransport.builder()
                .url(mcpUrl)
                .customHeaders(TracingMcpTransport.httpHeaders(telemetry))
                .timeout(Duration.ofSeconds(10))
                .build())
        .serverUrl(mcpUrl)
        .build();
  }

  /** A traced stdio transport to the server in a child JVM writing its spans to {@code spans}. */
  McpTransport stdioTransport(Path serverSpans) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return TracingMcpTransport.wrap(
        telemetry,
        new StdioMcpTransport.Builder()
            .command(
                List.of(
                    java,
                    "-cp",
                    System.getProperty("java.class.path"),
                    StdioWeatherServer.class.getName(),
                    serverSpans.toString()))
            .build());
  }

  static McpClient client(McpTransport transport) {
    return new DefaultMcpClient.Builder()
        .transport(transport)
        .key("weather")
        .autoHealthCheck(false)
        .toolExecutionTimeout(Duration.ofSeconds(20))
        .build();
  }

  /**
   * An AI Service with the MCP server's tools, each execution an {@code execute_tool} span: the
   * McpToolProvider wrapped with rag-tracing's TracingTools.
   */
  Assistant assistant(McpClient client) {
    ToolProvider tracedTools =
        TracingTools.wrap(telemetry, McpToolProvider.builder().mcpClients(client).build());
    return TracingAiService.wrap(
        telemetry,
        Assistant.class,
        AiServices.builder(Assistant.class)
            .chatModel(
                OpenAiChatModel.builder()
                    .baseUrl(openAi.baseUrl() + "/v1")
                    .apiKey("test-key-not-secret")
                    .modelName("gpt-4o-mini")
                    .timeout(Duration.ofSeconds(10))
                    .maxRetries(0)
                    .listeners(List.of(TracingChatModelListener.create(telemetry)))
                    .build())
            .toolProvider(tracedTools)
            .build());
  }

  List<SpanData> finishedSpans() {
    return spans.getFinishedSpanItems();
  }

  /**
   * The one span of the client side named {@code name} (the server's spans have the same names).
   */
  SpanData span(String name) {
    List<SpanData> named =
        finishedSpans().stream()
            .filter(span -> span.getName().equals(name) && span.getKind() != SpanKind.SERVER)
            .toList();
    if (named.size() != 1) {
      throw new AssertionError(
          "expected one span " + name + ", got " + named.size() + " in " + names());
    }
    return named.get(0);
  }

  List<String> names() {
    return finishedSpans().stream().map(SpanData::getName).toList();
  }

  static String resource(String name) {
    try (InputStream in = McpFixture.class.getResourceAsStream("/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() throws Exception {
    openAi.close();
    if (httpServer != null) {
      httpServer.closeGracefully();
    }
    if (tomcat != null) {
      tomcat.stop();
      tomcat.destroy();
    }
    sdk.close();
  }
}
