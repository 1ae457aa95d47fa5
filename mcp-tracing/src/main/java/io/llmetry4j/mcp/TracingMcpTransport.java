package io.llmetry4j.mcp;

import static java.util.Objects.requireNonNull;

import dev.langchain4j.mcp.client.McpCallContext;
import dev.langchain4j.mcp.client.McpHeadersSupplier;
import dev.langchain4j.mcp.client.transport.McpTransport;
import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.core.internal.Instrumentation;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.annotation.Nullable;

/**
 * Traces a LangChain4j MCP client at its transport, following the OpenTelemetry MCP semantic
 * conventions: every request and notification the client sends ({@code tools/call}, {@code
 * tools/list}, {@code resources/list}, {@code resources/read}, {@code prompts/list}, {@code
 * prompts/get}, {@code initialize}, ...) is a CLIENT span {@code {mcp.method.name} {target}}, a
 * child of the span current where the client was called (the {@code execute_tool} span of a tool
 * call), and the trace context travels to the server in the message's {@code params._meta} ({@code
 * traceparent}, {@code tracestate}, {@code baggage}), so that a traced MCP server continues the
 * trace. Tool arguments and results are recorded only when content capture is on.
 *
 * <p>Wrap the transport the client is built with:
 *
 * <pre>{@code
 * McpTransport transport = TracingMcpTransport.wrap(telemetry,
 *     new StdioMcpTransport.Builder().command(List.of("my-mcp-server")).build());
 * McpClient client = new DefaultMcpClient.Builder().transport(transport).build();
 * }</pre>
 *
 * <p>For the streamable HTTP transport, give the URL (for {@code server.address} and {@code
 * server.port}; LangChain4j keeps it private) and let the transport send the trace context as HTTP
 * headers too:
 *
 * <pre>{@code
 * McpTransport transport = TracingMcpTransport.builder(telemetry,
 *         StreamableHttpMcpTransport.builder()
 *             .url(url)
 *             .customHeaders(TracingMcpTransport.httpHeaders(telemetry))
 *             .build())
 *     .serverUrl(url)
 *     .build();
 * }</pre>
 *
 * <p>The trace context comes from the propagators of the telemetry's {@code OpenTelemetry}. An
 * entry the application (or LangChain4j's {@code McpMetaSupplier}) already put in {@code _meta} is
 * kept as it is.
 */
public final class TracingMcpTransport {

  private static final Logger logger = Logger.getLogger(TracingMcpTransport.class.getName());

  private TracingMcpTransport() {}

  /** {@code transport}, traced. */
  public static McpTransport wrap(LlmTelemetry telemetry, McpTransport transport) {
    return builder(telemetry, transport).build();
  }

  public static Builder builder(LlmTelemetry telemetry, McpTransport transport) {
    return new Builder(telemetry, transport);
  }

  /**
   * HTTP headers carrying the current trace context, for {@code
   * StreamableHttpMcpTransport.Builder.customHeaders}: with a transport wrapped by this class, the
   * context of the MCP client span of each request.
   */
  public static McpHeadersSupplier httpHeaders(LlmTelemetry telemetry) {
    return httpHeaders(telemetry, context -> Map.of());
  }

  /**
   * As {@link #httpHeaders(LlmTelemetry)}, added to the application's own headers, which win where
   * both set the same header.
   */
  public static McpHeadersSupplier httpHeaders(
      LlmTelemetry telemetry, McpHeadersSupplier applicationHeaders) {
    requireNonNull(telemetry, "telemetry");
    requireNonNull(applicationHeaders, "applicationHeaders");
    TextMapPropagator propagator =
        telemetry.openTelemetry().getPropagators().getTextMapPropagator();
    return new TraceHeaders(propagator, applicationHeaders);
  }

  /** Builder of a traced transport. */
  public static final class Builder {
    private final LlmTelemetry telemetry;
    private final McpTransport transport;
    @Nullable private URI serverUrl;

    private Builder(LlmTelemetry telemetry, McpTransport transport) {
      this.telemetry = requireNonNull(telemetry, "telemetry");
      this.transport = requireNonNull(transport, "transport");
    }

    /**
     * The URL of the MCP server the transport talks to, for {@code server.address} and {@code
     * server.port}. Not needed for stdio.
     */
    public Builder serverUrl(String serverUrl) {
      requireNonNull(serverUrl, "serverUrl");
      URI url = URI.create(serverUrl);
      if (url.getHost() == null) {
        throw new IllegalArgumentException("serverUrl has no host: " + serverUrl);
      }
      this.serverUrl = url;
      return this;
    }

    public McpTransport build() {
      return TracedTransport.wrap(
          Instrumentation.of(telemetry),
          telemetry.openTelemetry().getPropagators().getTextMapPropagator(),
          transport,
          serverUrl);
    }
  }

  /** The headers supplier: the application's headers plus the current context's. */
  private static final class TraceHeaders implements McpHeadersSupplier {
    private final TextMapPropagator propagator;
    private final McpHeadersSupplier applicationHeaders;
    private volatile boolean failureLogged;

    TraceHeaders(TextMapPropagator propagator, McpHeadersSupplier applicationHeaders) {
      this.propagator = propagator;
      this.applicationHeaders = applicationHeaders;
    }

    @Override
    public Map<String, String> apply(@Nullable McpCallContext call) {
      Map<String, String> own = applicationHeaders.apply(call);
      Map<String, String> headers = own == null ? new LinkedHashMap<>() : new LinkedHashMap<>(own);
      try {
        propagator.inject(
            Context.current(),
            headers,
            (carrier, name, value) -> {
              if (carrier != null && !containsIgnoringCase(carrier, name)) {
                carrier.put(name, value);
              }
            });
      } catch (Throwable e) {
        if (!failureLogged) {
          failureLogged = true;
          logger.log(
              Level.WARNING,
              "llmetry4j: trace headers failed with {0}; the request goes without them.",
              e.getClass().getName());
        }
      }
      return headers;
    }

    private static boolean containsIgnoringCase(Map<String, String> headers, String name) {
      for (String key : headers.keySet()) {
        if (key.equalsIgnoreCase(name)) {
          return true;
        }
      }
      return false;
    }
  }
}
