package io.llmetry4j.rag;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.rag.content.retriever.ContentRetriever;
import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.core.testing.InterfaceTransparency;
import io.opentelemetry.sdk.testing.junit5.OpenTelemetryExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every method of {@code ContentRetriever} of the running LangChain4j reaches the wrapped one. */
class RetrieverTransparencyTest {

  @RegisterExtension static final OpenTelemetryExtension otel = OpenTelemetryExtension.create();

  @Test
  void every_content_retriever_method_of_the_running_langchain4j_reaches_the_wrapped_retriever() {
    LlmTelemetry telemetry = LlmTelemetry.create(otel.getOpenTelemetry());

    int checked =
        InterfaceTransparency.check(
            ContentRetriever.class,
            retriever -> TracingContentRetriever.wrap(telemetry, retriever, "docs"));

    assertThat(checked).isEqualTo(ContentRetriever.class.getMethods().length);
  }
}
