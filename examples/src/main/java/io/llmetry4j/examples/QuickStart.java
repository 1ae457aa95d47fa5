package io.llmetry4j.examples;

import dev.langchain4j.model.ollama.OllamaChatModel;
import io.llmetry4j.bootstrap.Llmetry;
import io.llmetry4j.bootstrap.LlmetryConfig;
import io.llmetry4j.chat.TracingChatModel;
import io.llmetry4j.chat.TracingChatModelListener;
import java.util.List;

/** The Tencent Cloud APM guide's LLM sample, in Java. */
public final class QuickStart {
  public static void main(String[] args) {
    var config = LlmetryConfig.tencentApm(get("APM_ENDPOINT"), get("APM_TOKEN"), "llm-quickstart");
    try (Llmetry llmetry = Llmetry.init(config.hostName(get("HOST_NAME")).build())) {
      var model =
          TracingChatModel.wrap(
              OllamaChatModel.builder()
                  .baseUrl(get("OLLAMA_BASE_URL"))
                  .modelName(get("OLLAMA_MODEL"))
                  .listeners(List.of(TracingChatModelListener.create(llmetry.telemetry())))
                  .build());
      var tracer = llmetry.openTelemetry().getTracer("quickstart");
      var span = tracer.spanBuilder("entry func").setAttribute("func", "main").startSpan();
      try (var scope = span.makeCurrent()) {
        System.out.println(model.chat("Tell a joke of OpenTelemetry"));
      } finally {
        span.end();
      }
    }
  }

  /** A system property or environment variable, e.g. APM_TOKEN (from the APM console). */
  private static String get(String name) {
    return System.getProperty(name, System.getenv(name));
  }
}
