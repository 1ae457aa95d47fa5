package io.llmetry4j.springtests;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /ask?q=...}: the AI Service's answer. */
@RestController
public class AskController {

  private final Assistant assistant;

  public AskController(Assistant assistant) {
    this.assistant = assistant;
  }

  @GetMapping("/ask")
  public String ask(@RequestParam("q") String question) {
    return assistant.chat(question);
  }
}
