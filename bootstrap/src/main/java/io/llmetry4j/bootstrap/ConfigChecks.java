package io.llmetry4j.bootstrap;

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

  /**
   * An OTLP endpoint must be an absolute http(s) URL with a host; a gRPC endpoint has no path,
   * because gRPC addresses services by their own path.
   */
  static void checkEndpoint(String setting, String endpoint, @Nullable String protocol) {
    if (!endpoint.contains("://")) {
      throw new IllegalArgumentException(
          setting
              + " must start with http:// or https://, e.g. 'http://127.0.0.1:4317', was '"
              + endpoint
              + "'");
    }
    URI uri;
    try {
      uri = new URI(endpoint);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          setting + " is not a valid URL (" + e.getReason() + "): '" + endpoint + "'", e);
    }
    String scheme = uri.getScheme();
    if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
      throw new IllegalArgumentException(
          setting
              + " must start with http:// or https://, e.g. 'http://127.0.0.1:4317',"
              + " was '"
              + endpoint
              + "'");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw new IllegalArgumentException(
          setting + " must name a host, e.g. 'http://127.0.0.1:4317', was '" + endpoint + "'");
    }
    if (LlmetryConfig.PROTOCOL_GRPC.equals(protocol)) {
      String path = uri.getRawPath();
      if (path != null && !path.isEmpty() && !path.equals("/")) {
        throw new IllegalArgumentException(
            setting
                + " must not have a path with protocol grpc (found '"
                + path
                + "'); use scheme://host:port, or set protocol 'http/protobuf': '"
                + endpoint
                + "'");
      }
    }
  }
}
