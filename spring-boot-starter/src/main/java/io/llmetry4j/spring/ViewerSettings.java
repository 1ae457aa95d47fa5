package io.llmetry4j.spring;

import io.llmetry4j.bootstrap.LlmetryConfig;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.logging.Logger;
import javax.annotation.Nullable;
import org.springframework.util.ClassUtils;
import org.springframework.util.unit.DataSize;

/**
 * The {@code llmetry4j.viewer.*} properties, read and checked once. Every failure names the
 * property and never repeats its value, not even through a cause: a secret pasted into the wrong
 * property must not reach a log. Names none of the viewer's classes, so that a missing {@code
 * llmetry4j-viewer} fails here, naming the switch.
 */
final class ViewerSettings {

  static final String ENABLED = "llmetry4j.viewer.enabled";
  static final String PORT = "llmetry4j.viewer.port";
  static final String HOST = "llmetry4j.viewer.host";
  static final String ACCESS_TOKEN = "llmetry4j.viewer.access-token";
  static final String MAX_TRACES = "llmetry4j.viewer.max-traces";
  static final String MAX_BYTES = "llmetry4j.viewer.max-bytes";

  static final String VIEWER_CLASS = "io.llmetry4j.viewer.LocalViewer";

  /** How soon a finished span reaches the page (which polls every second), as in the bootstrap. */
  static final Duration EXPORT_DELAY = Duration.ofMillis(200);

  // The viewer's own lower bounds (LocalViewer.Builder), checked here to name the property.
  private static final int MIN_TOKEN_LENGTH = 16;
  private static final long MIN_MAX_BYTES = 1024;

  private static final Logger logger = Logger.getLogger(LlmetryAutoConfiguration.class.getName());

  final int port;
  final String host;
  @Nullable final String accessToken;
  final int maxTraces;
  final long maxBytes;

  private ViewerSettings(
      int port, String host, @Nullable String accessToken, int maxTraces, long maxBytes) {
    this.port = port;
    this.host = host;
    this.accessToken = accessToken;
    this.maxTraces = maxTraces;
    this.maxBytes = maxBytes;
  }

  /**
   * @throws IllegalStateException when {@code llmetry4j-viewer} is not on the classpath
   * @throws IllegalArgumentException naming the first property that is wrong
   */
  static ViewerSettings of(LlmetryProperties.Viewer properties, @Nullable ClassLoader classLoader) {
    if (!ClassUtils.isPresent(VIEWER_CLASS, classLoader)) {
      throw new IllegalStateException(
          ENABLED + " is true, but io.llmetry4j:llmetry4j-viewer is not on the classpath");
    }
    int port = port(properties.getPort());
    int maxTraces = maxTraces(properties.getMaxTraces());
    long maxBytes = maxBytes(properties.getMaxBytes());
    String token = properties.getAccessToken();
    if (token != null && token.isBlank()) {
      token = null;
    }
    if (token != null && token.length() < MIN_TOKEN_LENGTH) {
      throw new IllegalArgumentException(
          ACCESS_TOKEN + " must be at least " + MIN_TOKEN_LENGTH + " characters");
    }
    String host = properties.getHost() == null ? "" : properties.getHost().strip();
    if (host.isEmpty()) {
      throw new IllegalArgumentException(HOST + " must be an address (127.0.0.1 by default)");
    }
    boolean loopback;
    try {
      loopback = InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(HOST + " is not a known address");
    }
    if (!loopback && token == null) {
      throw new IllegalArgumentException(
          HOST + " is not a loopback address: set " + ACCESS_TOKEN + " too");
    }
    return new ViewerSettings(port, host, token, maxTraces, maxBytes);
  }

  private static int port(@Nullable String value) {
    int port;
    try {
      port = Integer.parseInt(value == null ? "" : value.strip());
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(
          PORT + " must be a port number between 0 and 65535 (0: a free one)");
    }
    return port;
  }

  private static int maxTraces(@Nullable String value) {
    int maxTraces;
    try {
      maxTraces = Integer.parseInt(value == null ? "" : value.strip());
    } catch (NumberFormatException e) {
      maxTraces = 0;
    }
    if (maxTraces < 1) {
      throw new IllegalArgumentException(MAX_TRACES + " must be a whole number of at least 1");
    }
    return maxTraces;
  }

  private static long maxBytes(@Nullable String value) {
    long maxBytes;
    try {
      maxBytes = DataSize.parse(value == null ? "" : value.strip()).toBytes();
    } catch (IllegalArgumentException e) {
      maxBytes = 0;
    }
    if (maxBytes < MIN_MAX_BYTES) {
      throw new IllegalArgumentException(
          MAX_BYTES + " must be a size of at least 1KB, in bytes or with a unit (e.g. 64MB)");
    }
    return maxBytes;
  }

  /** For llmetry4j's own SDK: the bootstrap starts the viewer beside it with these settings. */
  void applyTo(LlmetryConfig.Builder config) {
    // The bootstrap's names for them (LlmetryConfig reads properties as OpenTelemetry does).
    Map<String, String> properties = new LinkedHashMap<>();
    properties.put("llmetry4j.viewer.host", host);
    properties.put("llmetry4j.viewer.max.traces", Integer.toString(maxTraces));
    properties.put("llmetry4j.viewer.max.bytes", Long.toString(maxBytes));
    if (accessToken != null) {
      properties.put("llmetry4j.viewer.token", accessToken);
    }
    config.viewer(true).viewerPort(port).properties(properties);
  }

  /**
   * Logs the page's address once at INFO and, when {@code print}, prints it on stderr as the
   * bootstrap does; never with the token.
   */
  void announce(String url, boolean print) {
    String line =
        "llmetry4j viewer: " + url + (accessToken != null ? " (append ?token=<your token>)" : "");
    logger.info(line);
    if (print) {
      System.err.println(line);
    }
  }

  /**
   * The viewer is on, but the SDK in use is one llmetry4j cannot add it to: one warning, no viewer.
   *
   * @param whose whose OpenTelemetry is in use, as the warning says it
   */
  static void warnNotStarted(String whose) {
    logger.warning(
        ENABLED
            + " is true, but "
            + whose
            + ", and llmetry4j does not build a second SDK: the viewer is not started. Run the"
            + " standalone viewer instead (java -jar llmetry4j-viewer-<version>-standalone.jar)"
            + " and point the OTLP exporter at it (OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318,"
            + " OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf).");
  }
}
