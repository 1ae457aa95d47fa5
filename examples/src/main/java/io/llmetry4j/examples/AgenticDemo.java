package io.llmetry4j.examples;

import dev.langchain4j.agentic.Agent;
import dev.langchain4j.agentic.AgenticServices;
import dev.langchain4j.agentic.UntypedAgent;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.ollama.OllamaChatModel;
import dev.langchain4j.service.UserMessage;
import dev.langchain4j.service.V;
import io.llmetry4j.agentic.AgenticTracing;
import io.llmetry4j.bootstrap.Llmetry;
import io.llmetry4j.bootstrap.LlmetryConfig;
import io.llmetry4j.chat.TracingChatModelListener;
import io.llmetry4j.core.LlmTelemetry;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * An agentic system of LangChain4j's {@code langchain4j-agentic}, traced by one call: a sequence of
 * a researcher (with the glossary tool) and a parallel pair of reviewers. Model: {@code
 * OLLAMA_BASE_URL} if set, else the local stand-in (not an LLM) through the same Ollama client. The
 * trace is printed on stderr, or exported to {@code OTEL_EXPORTER_OTLP_ENDPOINT}.
 *
 * <p>Arguments: {@code [question]}.
 */
public final class AgenticDemo {

  static final String DEFAULT_QUESTION = "What is a span in a trace?";

  public interface Researcher {
    @UserMessage("{{question}}")
    @Agent(outputKey = "notes", description = "Looks the question's terms up in the glossary")
    String research(@V("question") String question);
  }

  public interface Summarizer {
    @UserMessage("Summarize these notes in one sentence: {{notes}}")
    @Agent(outputKey = "summary", description = "Summarizes the notes")
    String summarize(@V("notes") String notes);
  }

  public interface Critic {
    @UserMessage("Name one thing these notes leave out: {{notes}}")
    @Agent(outputKey = "critique", description = "Finds a gap in the notes")
    String critique(@V("notes") String notes);
  }

  private AgenticDemo() {}

  public static void main(String[] args) throws Exception {
    run(args, System.out);
  }

  /** Runs the demo; returns the system's answer. Everything it starts is stopped on return. */
  static Object run(String[] args, PrintStream out) throws Exception {
    String question = args.length > 0 ? args[0] : DEFAULT_QUESTION;
    String ollamaUrl = System.getenv("OLLAMA_BASE_URL");
    String modelName = System.getenv().getOrDefault("OLLAMA_MODEL", RagDemo.DEFAULT_MODEL);
    OllamaStandIn standIn = null;
    if (ollamaUrl == null) {
      standIn = new OllamaStandIn();
      ollamaUrl = standIn.baseUrl();
      modelName = RagDemo.STAND_IN_MODEL;
      out.println("model: a local stand-in answers (not an LLM).");
    }
    try (Llmetry llmetry =
        Llmetry.init(LlmetryConfig.builder().appName("llmetry4j-agentic-demo").build())) {
      LlmTelemetry telemetry = llmetry.telemetry();
      ChatModel model =
          OllamaChatModel.builder()
              .baseUrl(ollamaUrl)
              .modelName(modelName)
              .timeout(Duration.ofSeconds(120))
              .listeners(List.of(TracingChatModelListener.create(telemetry)))
              .build();
      Researcher researcher =
          AgenticServices.agentBuilder(Researcher.class)
              .chatModel(model)
              .tools(new GlossaryTools())
              .build();
      UntypedAgent review =
          AgenticServices.parallelBuilder()
              .name("review")
              .subAgents(
                  AgenticServices.agentBuilder(Summarizer.class).chatModel(model).build(),
                  AgenticServices.agentBuilder(Critic.class).chatModel(model).build())
              .output(scope -> scope.readState("summary") + " / " + scope.readState("critique"))
              .outputKey("review")
              .build();
      // The one llmetry4j call: the outermost builder, traced with every agent under it.
      UntypedAgent system =
          AgenticTracing.create(telemetry)
              .build(
                  AgenticServices.sequenceBuilder()
                      .name("explain-term")
                      .subAgents(researcher, review)
                      .outputKey("review"));
      Object answer = system.invoke(Map.of("question", question));
      out.println("answer: " + answer);
      return answer;
    } finally {
      if (standIn != null) {
        standIn.close();
      }
    }
  }
}
