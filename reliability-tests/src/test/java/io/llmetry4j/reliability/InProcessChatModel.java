package io.llmetry4j.reliability;

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
 * A stub ChatModel, named as one: answers at once, for producing many instrumented spans cheaply.
 */
final class InProcessChatModel implements ChatModel {
  private final List<ChatModelListener> listeners;

  InProcessChatModel(ChatModelListener listener) {
    this.listeners = List.of(listener);
  }

  @Override
  public ChatResponse doChat(ChatRequest request) {
    return ChatResponse.builder()
        .aiMessage(AiMessage.from("ok"))
        .metadata(
            ChatResponseMetadata.builder()
                .modelName("llama3")
                .finishReason(FinishReason.STOP)
                .tokenUsage(new TokenUsage(3, 1))
                .build())
        .build();
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
