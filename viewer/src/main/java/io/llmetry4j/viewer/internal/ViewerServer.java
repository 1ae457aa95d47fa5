package io.llmetry4j.viewer.internal;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.zip.GZIPInputStream;
import javax.annotation.Nullable;

/**
 * The viewer's HTTP server (the JDK's own {@code com.sun.net.httpserver}): the page and its JSON
 * API, read-only, and with the receiver on, OTLP/HTTP {@code POST /v1/traces} (protobuf and JSON)
 * and {@code /v1/metrics} (accepted, not kept).
 *
 * <p>Safe by default: the caller binds it to loopback unless told otherwise, and then only with an
 * access token; on loopback the {@code Host} header must name loopback (a web page elsewhere cannot
 * reach it through DNS rebinding); every response forbids anything external (a
 * Content-Security-Policy with nothing but the page's own origin) and framing; no CORS headers, so
 * another origin's page can neither read the API nor send OTLP (its content types need a
 * preflight).
 *
 * <p>Not public API.
 */
public final class ViewerServer implements AutoCloseable {

  private static final Logger logger = Logger.getLogger(ViewerServer.class.getName());

  static final String CONTENT_SECURITY_POLICY =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
          + "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  /** The largest OTLP request body accepted (the Collector's default is far below). */
  static final int MAX_REQUEST_BYTES = 32 * 1024 * 1024;

  private static final Map<String, String> PAGE_FILES =
      Map.of(
          "/", "index.html",
          "/index.html", "index.html",
          "/app.js", "app.js",
          "/app.css", "app.css");

  private static final Map<String, String> CONTENT_TYPES =
      Map.of(
          "html", "text/html; charset=utf-8",
          "js", "text/javascript; charset=utf-8",
          "css", "text/css; charset=utf-8");

  private final HttpServer server;
  private final ExecutorService executor;
  private final TraceStore store;
  private final ViewerApi api;
  private final boolean receiver;
  private final boolean loopback;
  @Nullable private final byte[] accessToken;
  private final Map<String, byte[]> pageCache = new HashMap<>();
  private final AtomicLong receivedSpans = new AtomicLong();
  private final AtomicLong metricRequests = new AtomicLong();

  public ViewerServer(
      InetAddress address,
      int port,
      TraceStore store,
      boolean receiver,
      @Nullable String accessToken)
      throws IOException {
    this.store = store;
    this.api = new ViewerApi(store);
    this.receiver = receiver;
    this.loopback = address.isLoopbackAddress();
    this.accessToken = accessToken == null ? null : accessToken.getBytes(StandardCharsets.UTF_8);
    AtomicInteger threads = new AtomicInteger();
    this.executor =
        Executors.newFixedThreadPool(
            2,
            task -> {
              Thread thread = new Thread(task, "llmetry4j-viewer-" + threads.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    this.server = HttpServer.create(new InetSocketAddress(address, port), 0);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    startAsDaemon(server);
  }

  /**
   * Starts {@code server} from a daemon thread: its dispatcher thread takes that status, so an
   * application whose work is done exits even if nobody closed the viewer.
   */
  private static void startAsDaemon(HttpServer server) throws IOException {
    Thread starter = new Thread(server::start, "llmetry4j-viewer-start");
    starter.setDaemon(true);
    starter.start();
    try {
      starter.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      server.stop(0);
      throw new IOException("interrupted while starting the viewer", e);
    }
  }

  /** The bound port (the free one chosen when 0 was asked for). */
  public int port() {
    return server.getAddress().getPort();
  }

  /** Spans received over OTLP so far. */
  public long receivedSpans() {
    return receivedSpans.get();
  }

  /** OTLP metric requests received (accepted, not kept) so far. */
  public long metricRequests() {
    return metricRequests.get();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      securityHeaders(exchange.getResponseHeaders());
      if (!hostAllowed(exchange)) {
        send(exchange, 403, "text/plain; charset=utf-8", "forbidden host\n");
        return;
      }
      URI uri = exchange.getRequestURI();
      Map<String, String> query = query(uri.getRawQuery());
      if (!authorized(exchange, query)) {
        send(exchange, 401, "text/plain; charset=utf-8", "access token required\n");
        return;
      }
      String path = uri.getPath();
      String method = exchange.getRequestMethod();
      if (path.equals("/v1/traces") || path.equals("/v1/metrics")) {
        if (!receiver) {
          send(exchange, 404, "text/plain; charset=utf-8", "not found\n");
        } else if (!method.equals("POST")) {
          send(exchange, 405, "text/plain; charset=utf-8", "POST only\n");
        } else {
          receive(exchange, path.equals("/v1/traces"));
        }
        return;
      }
      if (!method.equals("GET") && !method.equals("HEAD")) {
        // Read-only: nothing but the OTLP receiver accepts a request that changes anything.
        send(exchange, 405, "text/plain; charset=utf-8", "read-only\n");
        return;
      }
      if (PAGE_FILES.containsKey(path)) {
        String file = PAGE_FILES.get(path);
        String extension = file.substring(file.lastIndexOf('.') + 1);
        send(exchange, 200, CONTENT_TYPES.get(extension), page(file));
      } else if (path.equals("/api/version")) {
        sendJson(exchange, api.version());
      } else if (path.equals("/api/traces")) {
        sendJson(
            exchange,
            api.list(
                new TraceStore.Filter(
                    query.get("q"),
                    query.get("conversation"),
                    query.get("name"),
                    query.get("model"),
                    "true".equals(query.get("errors"))),
                intParameter(query, "offset", 0),
                intParameter(query, "limit", 100)));
      } else if (path.startsWith("/api/traces/")) {
        String json = api.trace(path.substring("/api/traces/".length()));
        if (json == null) {
          send(exchange, 404, "application/json", "{\"error\":\"trace not found\"}");
        } else {
          sendJson(exchange, json);
        }
      } else if (path.equals("/api/summary")) {
        sendJson(exchange, api.summary());
      } else {
        send(exchange, 404, "text/plain; charset=utf-8", "not found\n");
      }
    } catch (IOException | RuntimeException e) {
      // A bad request must not take the server down; its text may be hostile, so only the type.
      logger.log(Level.FINE, "viewer request failed: {0}", e.getClass().getName());
      try {
        send(exchange, 500, "text/plain; charset=utf-8", "internal error\n");
      } catch (IOException | RuntimeException ignored) {
        // The response may have started already.
      }
    }
  }

  private void receive(HttpExchange exchange, boolean traces) throws IOException {
    String contentType =
        String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type"))
            .toLowerCase(Locale.ROOT);
    boolean json = contentType.startsWith("application/json");
    boolean protobuf = contentType.startsWith("application/x-protobuf");
    if (!json && !protobuf) {
      send(
          exchange,
          415,
          "text/plain; charset=utf-8",
          "application/x-protobuf or application/json\n");
      return;
    }
    byte[] body;
    try {
      body = body(exchange);
    } catch (RequestTooLarge e) {
      send(exchange, 413, "text/plain; charset=utf-8", "request too large\n");
      return;
    }
    if (traces) {
      List<ViewSpan> spans;
      try {
        spans = json ? OtlpJsonDecoder.decode(body) : OtlpProtobufDecoder.decode(body);
      } catch (IllegalArgumentException e) {
        send(exchange, 400, "text/plain; charset=utf-8", "malformed OTLP request\n");
        return;
      }
      store.addAll(spans);
      receivedSpans.addAndGet(spans.size());
    } else {
      metricRequests.incrementAndGet();
    }
    // An empty Export*ServiceResponse: full success.
    if (json) {
      send(exchange, 200, "application/json", "{}");
    } else {
      send(exchange, 200, "application/x-protobuf", new byte[0]);
    }
  }

  private static byte[] body(HttpExchange exchange) throws IOException {
    InputStream in = exchange.getRequestBody();
    String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
    if (encoding != null && encoding.equalsIgnoreCase("gzip")) {
      in = new GZIPInputStream(in);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[16 * 1024];
    int read;
    while ((read = in.read(buffer)) != -1) {
      if (out.size() + read > MAX_REQUEST_BYTES) {
        throw new RequestTooLarge();
      }
      out.write(buffer, 0, read);
    }
    return out.toByteArray();
  }

  private static final class RequestTooLarge extends IOException {
    private static final long serialVersionUID = 1L;

    RequestTooLarge() {
      super("request too large", null);
    }
  }

  private boolean hostAllowed(HttpExchange exchange) {
    if (!loopback) {
      // Reachable from elsewhere by configuration: the access token guards it.
      return true;
    }
    String host = exchange.getRequestHeaders().getFirst("Host");
    if (host == null) {
      return false;
    }
    String name = host.toLowerCase(Locale.ROOT);
    if (name.startsWith("[")) {
      int close = name.indexOf(']');
      name = close < 0 ? name : name.substring(0, close + 1);
    } else if (name.indexOf(':') >= 0) {
      name = name.substring(0, name.indexOf(':'));
    }
    return Set.of("127.0.0.1", "localhost", "[::1]").contains(name);
  }

  private boolean authorized(HttpExchange exchange, Map<String, String> query) {
    if (accessToken == null) {
      return true;
    }
    String given = null;
    String authorization = exchange.getRequestHeaders().getFirst("Authorization");
    if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      given = authorization.substring(7).trim();
    } else if (query.containsKey("token")) {
      // The page's first load carries it in its URL; the page then sends the header.
      given = query.get("token");
    }
    return given != null
        && MessageDigest.isEqual(accessToken, given.getBytes(StandardCharsets.UTF_8));
  }

  private static void securityHeaders(Headers headers) {
    headers.set("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    headers.set("X-Content-Type-Options", "nosniff");
    headers.set("X-Frame-Options", "DENY");
    headers.set("Referrer-Policy", "no-referrer");
    headers.set("Cross-Origin-Resource-Policy", "same-origin");
    headers.set("Cache-Control", "no-store");
  }

  private synchronized byte[] page(String file) throws IOException {
    byte[] cached = pageCache.get(file);
    if (cached == null) {
      try (InputStream in =
          ViewerServer.class.getResourceAsStream("/io/llmetry4j/viewer/web/" + file)) {
        if (in == null) {
          throw new IOException("viewer page file missing from the jar: " + file);
        }
        cached = in.readAllBytes();
      }
      pageCache.put(file, cached);
    }
    return cached;
  }

  private static void sendJson(HttpExchange exchange, String json) throws IOException {
    send(exchange, 200, "application/json", json);
  }

  private static void send(HttpExchange exchange, int status, String contentType, String body)
      throws IOException {
    send(exchange, status, contentType, body.getBytes(StandardCharsets.UTF_8));
  }

  private static void send(HttpExchange exchange, int status, String contentType, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", contentType);
    boolean head = exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(status, head || body.length == 0 ? -1 : body.length);
    if (!head && body.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  private static Map<String, String> query(@Nullable String rawQuery) {
    Map<String, String> parameters = new HashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return parameters;
    }
    for (String pair : rawQuery.split("&")) {
      int equals = pair.indexOf('=');
      String name = equals < 0 ? pair : pair.substring(0, equals);
      String value = equals < 0 ? "" : pair.substring(equals + 1);
      try {
        parameters.putIfAbsent(
            URLDecoder.decode(name, StandardCharsets.UTF_8),
            URLDecoder.decode(value, StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        // A malformed escape: the parameter is ignored.
      }
    }
    return parameters;
  }

  private static int intParameter(Map<String, String> query, String name, int fallback) {
    String value = query.get(name);
    if (value == null) {
      return fallback;
    }
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      return fallback;
    }
  }
}
