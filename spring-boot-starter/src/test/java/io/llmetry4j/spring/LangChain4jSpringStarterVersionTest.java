package io.llmetry4j.spring;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The AI Services starter whose {@code AiServiceFactory} the tests replace is the version the build
 * asked for: 1.11.0-beta19 by default, 1.12.2-beta22 under {@code -Plc4j-latest}. Read from the jar
 * the class was loaded from, as Maven names it ({@code .../1.12.2-beta22/...jar}).
 */
class LangChain4jSpringStarterVersionTest {

  @Test
  void the_ai_services_starter_on_the_test_classpath_is_the_requested_version() throws Exception {
    String expected = System.getProperty("llmetry4j.test.langchain4j-spring.version");
    assertThat(expected).isNotBlank();
    Class<?> factory = Class.forName(TracingAiServiceFactory.STARTER_FACTORY);

    String jar = factory.getProtectionDomain().getCodeSource().getLocation().getPath();

    assertThat(jar).endsWith("/langchain4j-spring-boot-starter-" + expected + ".jar");
  }
}
