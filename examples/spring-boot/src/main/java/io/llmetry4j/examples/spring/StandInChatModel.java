package io.llmetry4j.examples.spring;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.chat.response.ChatResponseMetadata;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.model.output.TokenUsage;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The embedded default when no model endpoint is configured: not an LLM. It answers with the
 * retrieved sentence that shares the most words with the question, so the application runs, and
 * traces, on a machine with nothing installed. It takes the application's chat model listeners, as
 * LangChain4j's starters give them to the models they build.
 */
final class StandInChatModel implements ChatModel {

  static final String MODEL_NAME = "llmetry4j-stand-in";
  private static final String CONTEXT_MARKER = "Answer using the following information:";

  private final List<ChatModelListener> listeners;

  StandInChatModel(List<ChatModelListener> listeners) {
    this.listeners = List.copyOf(listeners);
  }

  @Override
  public List<ChatModelListener> listeners() {
    return listeners;
  }

  @Override
  public ChatRequestParameters defaultRequestParameters() {
    return ChatRequestParameters.builder().modelName(MODEL_NAME).build();
  }

  @Override
  public ChatResponse doChat(ChatRequest request) {
    String prompt = lastUserText(request.messages());
    int marker = prompt.indexOf(CONTEXT_MARKER);
    String question = marker < 0 ? prompt : prompt.substring(0, marker);
    String context = marker < 0 ? "" : prompt.substring(marker + CONTEXT_MARKER.length());
    String answer = bestSentence(question, context);
    return ChatResponse.builder()
        .aiMessage(AiMessage.from(answer))
        .metadata(
            ChatResponseMetadata.builder()
                .modelName(MODEL_NAME)
                .finishReason(FinishReason.STOP)
                .tokenUsage(new TokenUsage(words(prompt).size(), words(answer).size()))
                .build())
        .build();
  }

  private static String lastUserText(List<ChatMessage> messages) {
    for (int i = messages.size() - 1; i >= 0; i--) {
      if (messages.get(i) instanceof UserMessage user && user.hasSingleText()) {
        return user.singleText();
      }
    }
    return "";
  }

  private static String bestSentence(String question, String context) {
    Set<String> asked = words(question);
    String best = "The handbook pages say nothing about that.";
    int bestScore = 0;
    for (String sentence : context.split("(?<=[.!?])\\s+")) {
      Set<String> shared = words(sentence);
      shared.retainAll(asked);
      if (shared.size() > bestScore) {
        bestScore = shared.size();
        best = sentence.strip();
      }
    }
    return best;
  }

  private static Set<String> words(String text) {
    Set<String> words = new HashSet<>();
    for (String word : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
      if (word.length() > 3) {
        words.add(word);
      }
    }
    return words;
  }
}
