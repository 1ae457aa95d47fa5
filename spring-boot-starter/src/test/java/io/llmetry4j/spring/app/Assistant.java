package io.llmetry4j.spring.app;

import dev.langchain4j.service.spring.AiService;

/** The test application's AI Service, wired by LangChain4j's starter (AUTOMATIC mode). */
@AiService
public interface Assistant {
  String chat(String question);
}
