package io.llmetry4j.spring.guarded;

import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.guardrail.InputGuardrail;
import dev.langchain4j.guardrail.InputGuardrailResult;
import dev.langchain4j.service.guardrail.InputGuardrails;
import dev.langchain4j.service.spring.AiService;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * An application whose {@code @AiService} declares an input guardrail, as a team writes it with
 * LangChain4j's starters; no llmetry4j code.
 */
@SpringBootApplication
public class GuardedApplication {

  /** Refuses questions that carry a password. */
  public static final class NoPasswords implements InputGuardrail {
    @Override
    public InputGuardrailResult validate(UserMessage message) {
      return message.singleText().contains("password")
          ? failure("no passwords, please")
          : success();
    }
  }

  @AiService
  @InputGuardrails(NoPasswords.class)
  public interface GuardedAssistant {
    String chat(String question);
  }
}
