package io.llmetry4j.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.model.chat.ChatModel;
import io.llmetry4j.core.testing.InterfaceTransparency;
import org.junit.jupiter.api.Test;

/**
 * Every method of {@code ChatModel}, as the running LangChain4j defines it (the {@code chat}
 * overloads, the listeners, the capabilities and defaults, methods added after llmetry4j was
 * built), reaches the model {@link TracingChatModel} wraps with the same arguments, and its result
 * or exception comes back unchanged.
 */
class ChatModelTransparencyTest {

  @Test
  void every_chat_model_method_of_the_running_langchain4j_reaches_the_wrapped_model() {
    int checked = InterfaceTransparency.check(ChatModel.class, TracingChatModel::wrap);

    assertThat(checked).isEqualTo(ChatModel.class.getMethods().length);
  }
}
