package io.llmetry4j.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.OpenTelemetry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.Enumeration;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.Attributes;
import java.util.jar.Manifest;

/**
 * Which OpenTelemetry Java artifacts are on the test classpath, and at which version, read from
 * their jar manifests ({@code Automatic-Module-Name: io.opentelemetry.*}, {@code
 * Implementation-Version}). The build passes the version it resolved, {@code opentelemetry.version}
 * (1.68.0, or what {@code -Potel-1.49} / {@code -Potel-1.55} set), as the system property {@value
 * #EXPECTED_PROPERTY}, so that a run claiming a version provably ran it.
 */
public final class OpenTelemetryVersions {

  public static final String EXPECTED_PROPERTY = "llmetry4j.test.opentelemetry.version";

  /** opentelemetry-proto is versioned apart from the OpenTelemetry Java artifacts. */
  private static final String PROTO_MODULE = "io.opentelemetry.proto";

  private OpenTelemetryVersions() {}

  /** The version the build asked for. */
  public static String expected() {
    String expected = System.getProperty(EXPECTED_PROPERTY);
    assertThat(expected)
        .as(
            "system property %s (set by the root pom's surefire configuration from"
                + " opentelemetry.version)",
            EXPECTED_PROPERTY)
        .isNotBlank();
    return expected;
  }

  /** Module name to Implementation-Version, for every OpenTelemetry Java jar on the classpath. */
  public static Map<String, String> onClasspath() {
    Map<String, String> versions = new TreeMap<>();
    try {
      Enumeration<URL> manifests =
          OpenTelemetryVersions.class.getClassLoader().getResources("META-INF/MANIFEST.MF");
      while (manifests.hasMoreElements()) {
        URL url = manifests.nextElement();
        try (InputStream in = url.openStream()) {
          Attributes main = new Manifest(in).getMainAttributes();
          String module = main.getValue("Automatic-Module-Name");
          if (module != null
              && module.startsWith("io.opentelemetry.")
              && !module.equals(PROTO_MODULE)) {
            versions.put(module, String.valueOf(main.getValue("Implementation-Version")));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return versions;
  }

  /** The version of the opentelemetry-api jar that {@link OpenTelemetry} was loaded from. */
  public static String apiVersion() {
    return OpenTelemetry.class.getPackage().getImplementationVersion();
  }

  /**
   * Asserts that the OpenTelemetry API, and every other OpenTelemetry Java artifact on the
   * classpath (their {@code -alpha} artifacts share the release number), is at {@link #expected()}.
   */
  public static void assertClasspathMatchesExpected() {
    String expected = expected();
    assertThat(apiVersion()).as("opentelemetry-api's Implementation-Version").isEqualTo(expected);
    Map<String, String> versions = onClasspath();
    assertThat(versions).containsKey("io.opentelemetry.api");
    versions.forEach(
        (module, version) -> {
          // The semantic conventions' constants have their own releases (1.32.0, ...).
          if (!module.startsWith("io.opentelemetry.semconv")) {
            assertThat(version.replaceFirst("-alpha$", ""))
                .as("Implementation-Version of %s", module)
                .isEqualTo(expected);
          }
        });
  }
}
