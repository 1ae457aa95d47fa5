package io.llmetry4j.benchmarks;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.ChatResponseMetadata;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import java.util.List;

/**
 * A ChatModel answering in-process with a fixed response, so that a benchmark measures the
 * LangChain4j call path and the listener only. A stub, named as one: it stands for the model.
 */
final class InProcessChatModel implements ChatModel {

  private final List<ChatModelListener> listeners;
  private final ChatResponse response =
      ChatResponse.builder()
          .aiMessage(
              AiMessage.from("A joke about OpenTelemetry: it traced its steps and found itself."))
          .metadata(
              ChatResponseMetadata.builder()
                  .id("resp-1")
                  .modelName("llama3")
                  .finishReason(FinishReason.STOP)
                  .tokenUsage(new TokenUsage(17, 66))
                  .build())
          .build();

  InProcessChatModel(List<ChatModelListener> listeners) {
    this.listeners = listeners;
  }

  @Override
  public ChatResponse doChat(ChatRequest request) {
    return response;
  }

  @Override
  public List<ChatModelListener> listeners() {
    return listeners;
  }

  @Override
  public ModelProvider provider() {
    return ModelProvider.OLLAMA;
  }
}
