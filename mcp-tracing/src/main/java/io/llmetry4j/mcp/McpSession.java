package io.llmetry4j.mcp;

import dev.langchain4j.mcp.client.transport.McpTransport;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import javax.annotation.Nullable;

/**
 * The MCP session of one transport: the protocol version the server agreed to in {@code
 * initialize}, and the session id where the transport tells it (LangChain4j 1.13+'s streamable HTTP
 * transport has a public {@code getMcpSessionId()}; 1.11 keeps it private).
 */
final class McpSession {

  @Nullable private final MethodHandle sessionIdGetter;
  private final McpTransport transport;
  @Nullable private volatile String protocolVersion;

  McpSession(McpTransport transport) {
    this.transport = transport;
    MethodHandle getter = null;
    try {
      getter =
          MethodHandles.publicLookup()
              .findVirtual(
                  transport.getClass(), "getMcpSessionId", MethodType.methodType(String.class));
    } catch (ReflectiveOperationException | RuntimeException e) {
      // No public session id on this transport.
    }
    this.sessionIdGetter = getter;
  }

  @Nullable
  String protocolVersion() {
    return protocolVersion;
  }

  /** Records the version of a (re-)initialised session; returns it. */
  @Nullable
  String initialized(@Nullable String version) {
    if (version != null) {
      protocolVersion = version;
    }
    return version;
  }

  @Nullable
  String id() {
    if (sessionIdGetter == null) {
      return null;
    }
    try {
      return (String) sessionIdGetter.invoke(transport);
    } catch (Throwable e) {
      return null; // the id is an extra: never a reason for the call to fail
    }
  }
}
