package io.llmetry4j.agentic;

import io.llmetry4j.core.testing.LangChain4jVersions;
import org.junit.jupiter.api.Test;

class LangChain4jVersionTest {

  @Test
  void the_langchain4j_core_on_the_test_classpath_is_the_requested_version() {
    LangChain4jVersions.assertClasspathMatchesExpected();
  }
}
