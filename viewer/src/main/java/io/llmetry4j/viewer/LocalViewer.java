package io.llmetry4j.viewer;

import static java.util.Objects.requireNonNull;

import io.llmetry4j.viewer.internal.OtlpJsonDecoder;
import io.llmetry4j.viewer.internal.SpanDataViews;
import io.llmetry4j.viewer.internal.TraceStore;
import io.llmetry4j.viewer.internal.ViewSpan;
import io.llmetry4j.viewer.internal.ViewerServer;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import javax.annotation.Nullable;

/**
 * A local trace viewer: keeps finished spans in a bounded in-process store and serves a page that
 * shows them — the trace list with filters and live updates, each trace's waterfall, the
 * conversation a chat call sent, the documents a retrieval returned, the agent tree, errors, and a
 * per-model summary. No backend, nothing loaded from the network.
 *
 * <p>In an application, let the bootstrap start it ({@code LlmetryConfig.Builder.viewer(true)} or
 * {@code LLMETRY4J_VIEWER=true}), or hand {@link #spanExporter()} to a span processor of your own.
 * On its own ({@code java -jar llmetry4j-viewer-<version>-standalone.jar}, see {@link #main}) it is
 * an OTLP/HTTP receiver on port 4318 that any application or Collector can send to.
 *
 * <pre>{@code
 * LocalViewer viewer = LocalViewer.builder().start();   // 127.0.0.1, a free port
 * System.err.println("traces: " + viewer.url());
 * }</pre>
 *
 * <p>Safe by default: bound to 127.0.0.1; another address only with an access token; read-only;
 * every text of a span (prompts and answers are hostile input) shown as text, never as HTML.
 */
public final class LocalViewer implements AutoCloseable {

  /** Default bound of {@link Builder#maxTraces}. */
  public static final int DEFAULT_MAX_TRACES = 1000;

  /** Default bound of {@link Builder#maxBytes}: 64 MiB. */
  public static final long DEFAULT_MAX_BYTES = 64L * 1024 * 1024;

  /** The OTLP/HTTP port, the standalone viewer's default. */
  public static final int OTLP_HTTP_PORT = 4318;

  /** The environment variable the standalone viewer reads its access token from. */
  public static final String TOKEN_VARIABLE = "LLMETRY4J_VIEWER_TOKEN";

  private final TraceStore store;
  private final ViewerServer server;
  private final String host;
  private final SpanExporter exporter;

  private LocalViewer(Builder builder, InetAddress address) throws IOException {
    this.store = new TraceStore(builder.maxTraces, builder.maxBytes);
    this.server =
        new ViewerServer(address, builder.port, store, builder.otlpReceiver, builder.accessToken);
    this.host =
        address.getHostAddress().contains(":")
            ? "[" + address.getHostAddress() + "]"
            : address.getHostAddress();
    this.exporter = new StoreExporter(store);
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * The page's address, e.g. {@code http://127.0.0.1:41234/}. Never carries the access token: with
   * one, open it with {@code ?token=<token>} appended.
   */
  public String url() {
    return "http://" + host + ":" + server.port() + "/";
  }

  /** The bound port. */
  public int port() {
    return server.port();
  }

  /**
   * The exporter that keeps spans for the page: put it behind a batch span processor, so that the
   * application never waits for it. Its {@code shutdown} leaves the viewer running; {@link #close}
   * stops it.
   */
  public SpanExporter spanExporter() {
    return exporter;
  }

  /**
   * Keeps the spans of a file written by the OpenTelemetry Collector's file exporter (OTLP JSON,
   * one request per line; lines of metrics or logs are skipped).
   *
   * @return how many spans were read
   * @throws IllegalArgumentException naming the line that is not OTLP JSON
   */
  public int load(Path file) throws IOException {
    List<ViewSpan> spans;
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      spans = OtlpJsonDecoder.decodeJsonLines(reader);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
    store.addAll(spans);
    return spans.size();
  }

  /** Spans received over OTLP/HTTP so far (standalone mode). */
  public long receivedSpans() {
    return server.receivedSpans();
  }

  /** Traces evicted to keep the bounds so far. */
  public long evictedTraces() {
    return store.stats().evictedTraces();
  }

  /** Stops the page (and the receiver). Kept spans are dropped. */
  @Override
  public void close() {
    server.close();
  }

  /**
   * The standalone viewer: an OTLP/HTTP receiver (protobuf and JSON, {@code /v1/traces} and {@code
   * /v1/metrics}) and the page, on 127.0.0.1:4318 unless told otherwise.
   *
   * <pre>
   * java -jar llmetry4j-viewer-&lt;version&gt;-standalone.jar [--port N] [--host ADDRESS]
   *     [--max-traces N] [--max-bytes N] [FILE...]
   * </pre>
   *
   * FILEs are Collector file-exporter outputs to open. A host other than loopback needs an access
   * token in {@value #TOKEN_VARIABLE} (never on the command line, where other users see it).
   */
  public static void main(String[] args) throws IOException {
    Builder builder = builder().port(OTLP_HTTP_PORT).otlpReceiver(true);
    List<Path> files = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      switch (arg) {
        case "--port" -> builder.port(intArgument(args, ++i, arg));
        case "--host" -> builder.host(argument(args, ++i, arg));
        case "--max-traces" -> builder.maxTraces(intArgument(args, ++i, arg));
        case "--max-bytes" -> builder.maxBytes(Long.parseLong(argument(args, ++i, arg)));
        case "--help", "-h" -> {
          System.out.println(
              "usage: java -jar llmetry4j-viewer-standalone.jar [--port N] [--host ADDRESS]"
                  + " [--max-traces N] [--max-bytes N] [FILE...]");
          return;
        }
        default -> {
          if (arg.startsWith("--")) {
            throw new IllegalArgumentException("unknown option " + arg);
          }
          files.add(Path.of(arg));
        }
      }
    }
    String token = System.getenv(TOKEN_VARIABLE);
    if (token != null && !token.isEmpty()) {
      builder.accessToken(token);
    }
    LocalViewer viewer = builder.start();
    for (Path file : files) {
      System.err.println("llmetry4j viewer: " + viewer.load(file) + " spans from " + file);
    }
    System.err.println(
        "llmetry4j viewer: OTLP/HTTP on "
            + viewer.url()
            + "v1/traces, traces at "
            + viewer.url()
            + (token != null && !token.isEmpty() ? " (append ?token=<your token>)" : ""));
    // The server's threads are daemons (an application must be able to exit with a viewer
    // open): the standalone viewer runs until it is stopped.
    Runtime.getRuntime().addShutdownHook(new Thread(viewer::close, "llmetry4j-viewer-stop"));
    try {
      Thread.currentThread().join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String argument(String[] args, int i, String option) {
    if (i >= args.length) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return args[i];
  }

  private static int intArgument(String[] args, int i, String option) {
    try {
      return Integer.parseInt(argument(args, i, option));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(option + " must be a number", e);
    }
  }

  /** Settings of a viewer. */
  public static final class Builder {
    private String host = "127.0.0.1";
    private int port;
    private int maxTraces = DEFAULT_MAX_TRACES;
    private long maxBytes = DEFAULT_MAX_BYTES;
    @Nullable private String accessToken;
    private boolean otlpReceiver;

    private Builder() {}

    /** The address to bind: 127.0.0.1 by default; another one needs {@link #accessToken}. */
    public Builder host(String host) {
      this.host = requireNonNull(host, "host");
      return this;
    }

    /** The port; 0 (the default) picks a free one. */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("viewer port must be between 0 and 65535");
      }
      this.port = port;
      return this;
    }

    /** The most traces kept (newest kept); default {@value #DEFAULT_MAX_TRACES}. */
    public Builder maxTraces(int maxTraces) {
      if (maxTraces < 1) {
        throw new IllegalArgumentException("viewer maxTraces must be at least 1");
      }
      this.maxTraces = maxTraces;
      return this;
    }

    /** The most bytes the kept spans may take (estimated high); default 64 MiB. */
    public Builder maxBytes(long maxBytes) {
      if (maxBytes < 1024) {
        throw new IllegalArgumentException("viewer maxBytes must be at least 1024");
      }
      this.maxBytes = maxBytes;
      return this;
    }

    /**
     * A token every request must carry ({@code Authorization: Bearer <token>}, or {@code
     * ?token=<token>} on the page's address); required when the host is not loopback.
     */
    public Builder accessToken(String accessToken) {
      requireNonNull(accessToken, "accessToken");
      if (accessToken.length() < 16) {
        throw new IllegalArgumentException("viewer accessToken must be at least 16 characters");
      }
      this.accessToken = accessToken;
      return this;
    }

    /** Also receive OTLP/HTTP ({@code POST /v1/traces}, {@code /v1/metrics}); off by default. */
    public Builder otlpReceiver(boolean otlpReceiver) {
      this.otlpReceiver = otlpReceiver;
      return this;
    }

    /**
     * Binds and starts serving.
     *
     * @throws IllegalArgumentException when the host is not loopback and no access token is set
     * @throws UncheckedIOException when the port cannot be bound
     */
    public LocalViewer start() {
      InetAddress address;
      try {
        address = InetAddress.getByName(host);
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException("viewer host is not a known address", e);
      }
      if (!address.isLoopbackAddress() && accessToken == null) {
        throw new IllegalArgumentException(
            "viewer host is not a loopback address: set the viewer access token too");
      }
      try {
        return new LocalViewer(this, address);
      } catch (IOException e) {
        throw new UncheckedIOException("viewer port cannot be bound", e);
      }
    }
  }

  /** Hands finished spans to the store: a map lookup and a few sums per span. */
  private static final class StoreExporter implements SpanExporter {
    private final TraceStore store;

    StoreExporter(TraceStore store) {
      this.store = store;
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      store.addAll(SpanDataViews.of(spans));
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }
}
