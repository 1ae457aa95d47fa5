package io.llmetry4j.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.data.message.UserMessage;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The cache of serialised messages: equal messages share their JSON, and its size is bounded. */
class MessageFragmentsTest {

  @Test
  void an_equal_message_is_serialised_once_and_a_different_one_again() {
    MessageFragments fragments = new MessageFragments(1_000);
    AtomicInteger serialised = new AtomicInteger();

    String first =
        fragments.get(UserMessage.from("hello"), m -> "json-" + serialised.incrementAndGet());
    String again =
        fragments.get(UserMessage.from("hello"), m -> "json-" + serialised.incrementAndGet());
    String other =
        fragments.get(UserMessage.from("bye"), m -> "json-" + serialised.incrementAndGet());

    assertThat(first).isEqualTo("json-1").isSameAs(again);
    assertThat(other).isEqualTo("json-2");
    assertThat(serialised).hasValue(2);
  }

  @Test
  void when_full_it_starts_over_rather_than_grow() {
    MessageFragments fragments = new MessageFragments(10);
    AtomicInteger serialised = new AtomicInteger();

    fragments.get(UserMessage.from("a"), m -> "123456");
    fragments.get(UserMessage.from("b"), m -> "123456"); // 12 > 10: cleared, holds b only
    fragments.get(UserMessage.from("a"), m -> "again-" + serialised.incrementAndGet());

    assertThat(serialised).as("a was evicted").hasValue(1);
  }
}
