package io.llmetry4j.examples.spring;

import dev.langchain4j.service.SystemMessage;
import dev.langchain4j.service.spring.AiService;

/** The application's AI Service: LangChain4j's starter wires the model and the retriever. */
@AiService
public interface HandbookAssistant {

  @SystemMessage("Answer from the handbook pages you are given, in one or two sentences.")
  String answer(String question);
}
