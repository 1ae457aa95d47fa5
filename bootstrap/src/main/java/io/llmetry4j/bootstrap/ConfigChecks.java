package io.llmetry4j.bootstrap;

import io.llmetry4j.core.internal.AssociationKeys;
import java.net.URI;
import java.net.URISyntaxException;
import javax.annotation.Nullable;

/**
 * Configuration rules checked before anything is built. Messages name the setting, the rule and the
 * offending value, except secrets (the APM token, header values), which never appear.
 */
final class ConfigChecks {

  static final int TENCENT_APP_NAME_MAX_LENGTH = 63;

  private ConfigChecks() {}

  /**
   * Tencent Cloud APM's rule for application names: at most 63 characters of lowercase letters,
   * digits and '-', starting with a letter and ending with a letter or digit.
   */
  static void checkTencentAppName(@Nullable String appName) {
    String setting = "appName (Tencent Cloud APM application name)";
    if (appName == null || appName.isEmpty()) {
      throw new IllegalArgumentException(setting + " is required");
    }
    if (appName.length() > TENCENT_APP_NAME_MAX_LENGTH) {
      throw new IllegalArgumentException(
          setting
              + " must be at most "
              + TENCENT_APP_NAME_MAX_LENGTH
              + " characters, was "
              + appName.length()
              + ": '"
              + appName
              + "'");
    }
    for (int i = 0; i < appName.length(); i++) {
      char c = appName.charAt(i);
      if (c >= 'A' && c <= 'Z') {
        throw new IllegalArgumentException(
            setting + " must be lowercase; found '" + c + "' in '" + appName + "'");
      }
      boolean allowed = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
      if (!allowed) {
        throw new IllegalArgumentException(
            setting
                + " may contain only lowercase letters, digits and '-'; found '"
                + c
                + "' in '"
                + appName
                + "'");
      }
    }
    char first = appName.charAt(0);
    if (first < 'a' || first > 'z') {
      throw new IllegalArgumentException(
          setting + " must start with a lowercase letter, was '" + appName + "'");
    }
    if (appName.charAt(appName.length() - 1) == '-') {
      throw new IllegalArgumentException(
          setting + " must end with a lowercase letter or digit, was '" + appName + "'");
    }
  }

  static void checkToken(@Nullable String token) {
    if (token == null || token.isBlank()) {
      // The value is never quoted, even when blank: a rule about secrets has no exceptions.
      throw new IllegalArgumentException(
          "token (Tencent Cloud APM token) must not be blank: copy it from the APM console's"
              + " access guide");
    }
  }

  static void checkProtocol(String setting, String protocol) {
    if (!LlmetryConfig.PROTOCOL_GRPC.equals(protocol)
        && !LlmetryConfig.PROTOCOL_HTTP_PROTOBUF.equals(protocol)) {
      throw new IllegalArgumentException(
          setting + " must be 'grpc' or 'http/protobuf', was '" + protocol + "'");
    }
  }

  /** DNS: at most 253 characters in all, 63 per label. */
  private static final int MAX_HOST_LENGTH = 253;

  private static final int MAX_LABEL_LENGTH = 63;

  /**
   * An OTLP endpoint must be an absolute http(s) URL with a valid host and port; a gRPC endpoint
   * has no path, because gRPC addresses services by their own path. Messages name the setting and
   * the rule, never the value (an endpoint may carry credentials, {@code user:password@host}).
   */
  static void checkEndpoint(String setting, String endpoint, @Nullable String protocol) {
    String example = " e.g. 'http://<host>:4317'";
    if (!endpoint.contains("://")) {
      throw new IllegalArgumentException(
          setting + " must start with http:// or https://," + example);
    }
    URI uri;
    try {
      uri = new URI(endpoint);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(setting + " is not a valid URL," + example);
    }
    String scheme = uri.getScheme();
    if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
      throw new IllegalArgumentException(
          setting + " must start with http:// or https://," + example);
    }
    String host = uri.getHost();
    if (host == null || host.isEmpty()) {
      throw new IllegalArgumentException(setting + " must name a valid host," + example);
    }
    if (!isValidHost(host)) {
      throw new IllegalArgumentException(
          setting
              + " must name a valid host (at most "
              + MAX_HOST_LENGTH
              + " characters, labels of at most "
              + MAX_LABEL_LENGTH
              + "),"
              + example);
    }
    int port = uri.getPort();
    if (port == 0 || port > 65535) {
      throw new IllegalArgumentException(setting + " must have a port from 1 to 65535," + example);
    }
    if (LlmetryConfig.PROTOCOL_GRPC.equals(protocol)) {
      String path = uri.getRawPath();
      if (path != null && !path.isEmpty() && !path.equals("/")) {
        throw new IllegalArgumentException(
            setting
                + " must not have a path with protocol grpc; use scheme://host:port, or set"
                + " protocol 'http/protobuf'");
      }
    }
  }

  private static boolean isValidHost(String host) {
    if (host.startsWith("[")) {
      return host.endsWith("]") && host.length() <= 47; // an IPv6 literal, checked by URI
    }
    if (host.length() > MAX_HOST_LENGTH) {
      return false;
    }
    for (String label : host.split("\\.", -1)) {
      if (label.isEmpty() || label.length() > MAX_LABEL_LENGTH) {
        return false;
      }
    }
    return true;
  }

  /**
   * An OTLP header: its name an HTTP token, its value free of control characters (a CR or LF would
   * end the header and make every export fail). Neither is ever quoted: the value is usually a
   * secret, and a name with control characters would forge log lines.
   */
  static void checkHeader(String setting, String name, String value) {
    if (!AssociationKeys.isToken(name)) {
      throw new IllegalArgumentException(
          setting + ": a header name is not an HTTP token (letters, digits and !#$%&'*+-.^_`|~)");
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if ((c < 0x20 && c != '\t') || c == 0x7f) {
        throw new IllegalArgumentException(
            setting
                + ": the value of header '"
                + name
                + "' contains a control character (CR, LF, ...)");
      }
    }
  }
}
