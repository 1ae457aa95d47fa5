package io.llmetry4j.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.data.message.UserMessage;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The cache of serialised messages: a message object is serialised once, an equal but distinct one
 * again (no hash of its text), and its size is bounded.
 */
class MessageFragmentsTest {

  @Test
  void a_message_is_serialised_once_and_another_object_again_even_when_equal() {
    MessageFragments fragments = new MessageFragments(1_000);
    AtomicInteger serialised = new AtomicInteger();
    UserMessage hello = UserMessage.from("hello");
    UserMessage equalHello = UserMessage.from("hello");

    String first = fragments.get(hello, m -> "json-" + serialised.incrementAndGet());
    String again = fragments.get(hello, m -> "json-" + serialised.incrementAndGet());
    String equal = fragments.get(equalHello, m -> "json-" + serialised.incrementAndGet());

    assertThat(equalHello).isEqualTo(hello);
    assertThat(first).isEqualTo("json-1").isSameAs(again);
    assertThat(equal).isEqualTo("json-2");
    assertThat(serialised).hasValue(2);
  }

  @Test
  void when_full_it_starts_over_rather_than_grow() {
    MessageFragments fragments = new MessageFragments(10);
    AtomicInteger serialised = new AtomicInteger();

    UserMessage a = UserMessage.from("a");
    UserMessage b = UserMessage.from("b");
    fragments.get(a, m -> "123456");
    fragments.get(b, m -> "123456"); // 12 > 10: started over, holds b only
    String kept = fragments.get(b, m -> "again-" + serialised.incrementAndGet());
    String evicted = fragments.get(a, m -> "again-" + serialised.incrementAndGet());

    assertThat(kept).as("b was kept").isEqualTo("123456");
    assertThat(evicted).as("a was evicted").isEqualTo("again-1");
  }
}
