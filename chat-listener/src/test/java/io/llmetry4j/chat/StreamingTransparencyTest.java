package io.llmetry4j.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.model.chat.StreamingChatModel;
import dev.langchain4j.model.chat.response.StreamingChatResponseHandler;
import io.llmetry4j.core.internal.Forwarding;
import io.llmetry4j.core.testing.InterfaceTransparency;
import io.opentelemetry.context.Context;
import java.util.Map;
import java.util.concurrent.Flow;
import org.junit.jupiter.api.Test;

/**
 * Every method of {@code StreamingChatModel} and {@code StreamingChatResponseHandler}, as the
 * running LangChain4j defines them, reaches the wrapped one; handlers reach the model wrapped (by
 * design: that is where chunks are timed), publishers come back wrapped (subscribed in the caller's
 * context).
 */
class StreamingTransparencyTest {

  @Test
  void every_streaming_chat_model_method_of_the_running_langchain4j_reaches_the_wrapped_model() {
    int checked =
        InterfaceTransparency.check(
            StreamingChatModel.class,
            TracingStreamingChatModel::wrap,
            Map.of(
                StreamingChatResponseHandler.class,
                (original, received) -> Forwarding.delegateOf(received) == original,
                Flow.Publisher.class,
                (original, received) ->
                    received instanceof TracingStreamingChatModel.TimedPublisher
                        || received == original));

    assertThat(checked).isEqualTo(StreamingChatModel.class.getMethods().length);
  }

  @Test
  void every_handler_callback_of_the_running_langchain4j_reaches_the_applications_handler() {
    int checked =
        InterfaceTransparency.check(
            StreamingChatResponseHandler.class,
            handler ->
                TracingStreamingChatModel.TimedHandler.wrap(
                    handler, new ChatCall(true), Context.root()));

    assertThat(checked).isEqualTo(StreamingChatResponseHandler.class.getMethods().length);
  }
}
