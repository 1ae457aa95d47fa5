package io.llmetry4j.core.internal;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.util.Locale;

/**
 * {@code server.address} and {@code server.port} of a service from the base URL a client was built
 * with: the URL's host, and its port or else its scheme's default (443 for https and wss, 80 for
 * http and ws) — semconv requires the port wherever the address is set. The one reading of a base
 * URL for every llmetry4j builder that takes one.
 *
 * <p>Not public API: shared by the llmetry4j modules, may change without notice.
 */
public final class ServerAddress {

  private final String host;
  private final int port;

  private ServerAddress(String host, int port) {
    this.host = host;
    this.port = port;
  }

  /**
   * The server of {@code baseUrl}.
   *
   * @param setting what the URL is called where it was given, for the error message
   * @throws IllegalArgumentException naming {@code setting} (never the URL) if {@code baseUrl} has
   *     no host, or no port and no known scheme
   */
  public static ServerAddress of(URI baseUrl, String setting) {
    requireNonNull(baseUrl, setting);
    String host = baseUrl.getHost();
    int port = baseUrl.getPort();
    if (port < 0) {
      String scheme =
          baseUrl.getScheme() == null ? "" : baseUrl.getScheme().toLowerCase(Locale.ROOT);
      port =
          scheme.equals("https") || scheme.equals("wss")
              ? 443
              : scheme.equals("http") || scheme.equals("ws") ? 80 : -1;
    }
    if (host == null || port < 0) {
      throw new IllegalArgumentException(
          setting + " must be an http(s) URL with a host, or give the address and port");
    }
    return new ServerAddress(host, port);
  }

  /** As {@link #of(URI, String)}, for a URL given as text. */
  public static ServerAddress of(String baseUrl, String setting) {
    requireNonNull(baseUrl, setting);
    try {
      return of(URI.create(baseUrl), setting);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          setting + " must be an http(s) URL with a host, or give the address and port");
    }
  }

  public String host() {
    return host;
  }

  public int port() {
    return port;
  }
}
