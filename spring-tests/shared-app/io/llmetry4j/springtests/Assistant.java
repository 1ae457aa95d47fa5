package io.llmetry4j.springtests;

import dev.langchain4j.service.SystemMessage;
import dev.langchain4j.service.spring.AiService;

/** The AI Service: LangChain4j's starter wires the chat model, the retriever and the tool. */
@AiService
public interface Assistant {

  @SystemMessage("Answer from the handbook sentences you are given, in one sentence.")
  String chat(String question);
}
