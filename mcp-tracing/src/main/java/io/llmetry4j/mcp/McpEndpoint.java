package io.llmetry4j.mcp;

import dev.langchain4j.mcp.client.transport.McpTransport;
import io.llmetry4j.core.internal.SemconvAttributes;
import io.llmetry4j.core.internal.ServerAddress;
import io.opentelemetry.api.trace.SpanBuilder;
import java.net.URI;
import javax.annotation.Nullable;

/**
 * Where a transport's messages go: {@code network.transport} and {@code network.protocol.name} from
 * the transport's class (LangChain4j's own), {@code server.address}/{@code server.port} from the
 * URL the application gave, since LangChain4j keeps its transports' URLs private.
 */
final class McpEndpoint {

  private static final String TRANSPORTS = "dev.langchain4j.mcp.client.transport.";

  @Nullable private final String networkTransport;
  @Nullable private final String protocolName;
  @Nullable private final String address;
  private final long port;

  private McpEndpoint(
      @Nullable String networkTransport,
      @Nullable String protocolName,
      @Nullable String address,
      long port) {
    this.networkTransport = networkTransport;
    this.protocolName = protocolName;
    this.address = address;
    this.port = port;
  }

  static McpEndpoint of(McpTransport transport, @Nullable URI serverUrl) {
    String networkTransport = null;
    String protocolName = null;
    // By name: the legacy SSE transport is deprecated for removal, and a class missing at run time
    // must not break the wrapping of the others.
    for (Class<?> type = transport.getClass(); type != null; type = type.getSuperclass()) {
      String name = type.getName();
      if (name.equals(TRANSPORTS + "stdio.StdioMcpTransport")) {
        networkTransport = "pipe";
      } else if (name.equals(TRANSPORTS + "http.StreamableHttpMcpTransport")
          || name.equals(TRANSPORTS + "http.HttpMcpTransport")) {
        networkTransport = "tcp";
        protocolName = "http";
      } else if (name.equals(TRANSPORTS + "websocket.WebSocketMcpTransport")) {
        networkTransport = "tcp";
        protocolName = "websocket";
      } else {
        continue;
      }
      break;
    }
    ServerAddress server = serverUrl == null ? null : ServerAddress.of(serverUrl, "serverUrl");
    return new McpEndpoint(
        networkTransport,
        protocolName,
        server == null ? null : server.host(),
        server == null ? -1 : server.port());
  }

  void setOn(SpanBuilder span) {
    if (networkTransport != null) {
      span.setAttribute(SemconvAttributes.NETWORK_TRANSPORT, networkTransport);
    }
    if (protocolName != null) {
      span.setAttribute(SemconvAttributes.NETWORK_PROTOCOL_NAME, protocolName);
    }
    if (address != null) {
      span.setAttribute(SemconvAttributes.SERVER_ADDRESS, address);
      span.setAttribute(SemconvAttributes.SERVER_PORT, port);
    }
  }
}
