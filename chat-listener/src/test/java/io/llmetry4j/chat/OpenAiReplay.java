package io.llmetry4j.chat;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.openai.OpenAiChatModel;
import io.llmetry4j.core.testing.ReplayHttpServer;
import io.llmetry4j.core.testing.ReplayHttpServer.Response;
import java.time.Duration;
import java.util.List;

/** The real OpenAiChatModel against an OpenAI-format server on 127.0.0.1. */
final class OpenAiReplay {

  private OpenAiReplay() {}

  /** A server that answers every chat completion with the recorded tool-call response. */
  static ReplayHttpServer toolCallsServer() {
    return ReplayHttpServer.start()
        .byDefault(
            "/v1/chat/completions",
            body -> Response.json(200, TestResources.read("openai-tool-calls-response.json")));
  }

  /** {@code gpt-4o-mini} through {@code server}, no retries, with {@code listener}. */
  static ChatModel model(ReplayHttpServer server, ChatModelListener listener) {
    return OpenAiChatModel.builder()
        .baseUrl(server.baseUrl() + "/v1")
        .apiKey("test-key-not-secret")
        .modelName("gpt-4o-mini")
        .timeout(Duration.ofSeconds(5))
        .maxRetries(0)
        .listeners(List.of(listener))
        .build();
  }
}
