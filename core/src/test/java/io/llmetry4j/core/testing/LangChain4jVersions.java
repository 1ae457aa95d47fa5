package io.llmetry4j.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * Which {@code langchain4j-core} the tests run on, from the pom.properties in its jar, against the
 * version the build asked for (root pom: {@code langchain4j-core.version}, set by the {@code
 * lc4j-latest} and {@code lc4j-core-latest} profiles).
 */
public final class LangChain4jVersions {

  public static final String EXPECTED_PROPERTY = "llmetry4j.test.langchain4j-core.version";

  private LangChain4jVersions() {}

  /** The version of the langchain4j-core jar on the test classpath. */
  public static String onClasspath() {
    try (InputStream in =
        LangChain4jVersions.class
            .getClassLoader()
            .getResourceAsStream(
                "META-INF/maven/dev.langchain4j/langchain4j-core/pom.properties")) {
      assertThat(in).as("langchain4j-core's pom.properties on the classpath").isNotNull();
      Properties properties = new Properties();
      properties.load(in);
      return properties.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static void assertClasspathMatchesExpected() {
    String expected = System.getProperty(EXPECTED_PROPERTY);
    assertThat(expected)
        .as("system property %s (set by the root pom's surefire configuration)", EXPECTED_PROPERTY)
        .isNotBlank();
    assertThat(onClasspath()).isEqualTo(expected);
  }
}
