package io.llmetry4j.mcp;

import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpServerTransportProvider;
import io.modelcontextprotocol.spec.McpStreamableServerTransportProvider;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A real MCP server (the official MCP Java SDK) whose tools are traced through the OpenTelemetry
 * API as a traced server in any language would be: the parent comes from the request's {@code
 * _meta} (W3C Trace Context), the tool runs in a SERVER span.
 *
 * <ul>
 *   <li>{@code getWeather(city)}: the weather;
 *   <li>{@code brokenForecast()}: a tool error, a result with {@code isError: true}.
 * </ul>
 */
final class WeatherMcpServer {

  static final String WEATHER = "The weather in %s is 70 degrees and sunny.";

  private static final TextMapGetter<Map<String, Object>> META =
      new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, Object> carrier) {
          return carrier.keySet();
        }

        @Override
        public String get(Map<String, Object> carrier, String key) {
          Object value = carrier == null ? null : carrier.get(key);
          return value == null ? null : value.toString();
        }
      };

  private final Tracer tracer;
  // Told of each server span once it ended (the stdio server writes it into the tool result).
  private final Consumer<Span> onServerSpan;

  WeatherMcpServer(OpenTelemetry openTelemetry, Consumer<Span> onServerSpan) {
    this.tracer = openTelemetry.getTracer("test-mcp-server");
    this.onServerSpan = onServerSpan;
  }

  McpSyncServer serve(McpStreamableServerTransportProvider transport) {
    return McpServer.sync(transport)
        .serverInfo("weather", "1.0")
        .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
        .tools(tools())
        .build();
  }

  McpSyncServer serve(McpServerTransportProvider transport) {
    return McpServer.sync(transport)
        .serverInfo("weather", "1.0")
        .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
        .tools(tools())
        .build();
  }

  private List<SyncToolSpecification> tools() {
    return List.of(
        SyncToolSpecification.builder()
            .tool(
                McpSchema.Tool.builder()
                    .name("getWeather")
                    .description("Current weather of a city")
                    .inputSchema(
                        Map.of(
                            "type",
                            "object",
                            "properties",
                            Map.of("city", Map.of("type", "string")),
                            "required",
                            List.of("city")))
                    .build())
            .callHandler(
                (exchange, request) ->
                    traced(
                        request,
                        () ->
                            CallToolResult.builder()
                                .addTextContent(
                                    String.format(WEATHER, request.arguments().get("city")))
                                .build()))
            .build(),
        SyncToolSpecification.builder()
            .tool(
                McpSchema.Tool.builder()
                    .name("brokenForecast")
                    .description("A forecast that always fails")
                    .inputSchema(Map.of("type", "object", "properties", Map.of()))
                    .build())
            .callHandler(
                (exchange, request) ->
                    traced(
                        request,
                        () ->
                            CallToolResult.builder()
                                .addTextContent("forecast service unavailable")
                                .isError(true)
                                .build()))
            .build());
  }

  private CallToolResult traced(
      CallToolRequest request, java.util.function.Supplier<CallToolResult> tool) {
    Map<String, Object> meta = request.meta() == null ? Map.of() : request.meta();
    Context parent = W3CTraceContextPropagator.getInstance().extract(Context.root(), meta, META);
    Span span =
        tracer
            .spanBuilder("tools/call " + request.name())
            .setSpanKind(SpanKind.SERVER)
            .setParent(parent)
            .setAttribute("mcp.method.name", "tools/call")
            .setAttribute("gen_ai.tool.name", request.name())
            .startSpan();
    try {
      return tool.get();
    } finally {
      span.end();
      onServerSpan.accept(span);
    }
  }
}
