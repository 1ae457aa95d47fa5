package io.llmetry4j.spring;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootVersion;

class SpringBootVersionTest {

  @Test
  void the_spring_boot_on_the_test_classpath_is_the_requested_version() {
    assertThat(SpringBootVersion.getVersion())
        .isEqualTo(System.getProperty("llmetry4j.test.spring-boot.version"));
  }
}
