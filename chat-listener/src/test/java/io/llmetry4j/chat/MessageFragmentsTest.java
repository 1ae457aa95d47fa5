package io.llmetry4j.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The cache of serialised messages: a message is kept from the second time it is sent, found by its
 * role and text when it is one text (another object with the same text too), by identity otherwise,
 * and its size is bounded.
 */
class MessageFragmentsTest {

  private final AtomicInteger serialised = new AtomicInteger();

  private String get(MessageFragments fragments, ChatMessage message) {
    String role = null;
    String text = null;
    if (message instanceof UserMessage) {
      role = "user";
      text = ((UserMessage) message).singleText();
    }
    return get(fragments, message, role, text, () -> "json-" + serialised.incrementAndGet());
  }

  /** As the listener asks: kept, else serialised and kept when sent before. */
  private static String get(
      MessageFragments fragments,
      ChatMessage message,
      String role,
      String text,
      Supplier<String> serialise) {
    int hash = MessageFragments.hash(message, role, text);
    String found = fragments.find(message, role, text, hash);
    if (found != null) {
      return found;
    }
    String json = serialise.get();
    if (fragments.sentBefore(hash)) {
      fragments.keep(message, role, text, hash, json);
    }
    return json;
  }

  @Test
  void a_message_is_kept_from_its_second_time_and_found_after() {
    MessageFragments fragments = new MessageFragments(1_000_000);
    UserMessage hello = UserMessage.from("hello");

    String first = get(fragments, hello);
    String second = get(fragments, hello);
    String third = get(fragments, hello);
    String fourth = get(fragments, hello);

    assertThat(first).isEqualTo("json-1");
    assertThat(second).isEqualTo("json-2");
    assertThat(third).isSameAs(second);
    assertThat(fourth).isSameAs(second);
    assertThat(serialised).hasValue(2);
    assertThat(fragments.heldChars()).isEqualTo("json-2".length());
  }

  @Test
  void nothing_is_allocated_before_a_message_is_noted() throws Exception {
    MessageFragments fragments = new MessageFragments(1_000_000);
    java.lang.reflect.Field current = MessageFragments.class.getDeclaredField("current");
    current.setAccessible(true);

    assertThat(current.get(fragments)).isNull();
    get(fragments, UserMessage.from("hello"));
    assertThat(current.get(fragments)).isNotNull();
  }

  @Test
  void a_message_sent_once_is_not_held() {
    MessageFragments fragments = new MessageFragments(1_000_000);
    for (int i = 0; i < 1_000; i++) {
      get(fragments, UserMessage.from("question " + i));
    }

    assertThat(serialised).hasValue(1_000);
    assertThat(fragments.heldChars()).isZero();
  }

  @Test
  void another_message_object_with_the_same_role_and_text_is_found() {
    MessageFragments fragments = new MessageFragments(1_000_000);
    // As an AI Service renders its system prompt, or a store reads a memory: new objects each call.
    get(fragments, UserMessage.from("You are a " + "helpful assistant"));
    get(fragments, UserMessage.from("You are a " + "helpful assistant"));

    String found = get(fragments, UserMessage.from("You are a " + "helpful assistant"));

    assertThat(found).isEqualTo("json-2");
    assertThat(serialised).hasValue(2);
  }

  @Test
  void the_same_text_in_another_role_is_another_message() {
    MessageFragments fragments = new MessageFragments(1_000_000);
    UserMessage user = UserMessage.from("same words");
    get(fragments, user);
    get(fragments, user);

    String asSystem = get(fragments, user, "system", "same words", () -> "system-json");

    assertThat(asSystem).isEqualTo("system-json");
  }

  @Test
  void a_message_of_other_parts_is_found_by_identity_only() {
    MessageFragments fragments = new MessageFragments(1_000_000);
    ToolExecutionResultMessage result = ToolExecutionResultMessage.from("id-1", "weather", "sunny");
    ToolExecutionResultMessage equal = ToolExecutionResultMessage.from("id-1", "weather", "sunny");
    get(fragments, result);
    get(fragments, result);

    String found = get(fragments, result);
    String other = get(fragments, equal);

    assertThat(equal).isEqualTo(result);
    assertThat(found).isEqualTo("json-2");
    assertThat(other).isEqualTo("json-3");
  }

  @Test
  void when_full_it_starts_over_rather_than_grow() {
    MessageFragments fragments = new MessageFragments(10);
    UserMessage a = UserMessage.from("a");
    UserMessage b = UserMessage.from("b");
    get(fragments, a, "user", "a", () -> "123456");
    get(fragments, a, "user", "a", () -> "123456"); // kept: 6 characters
    get(fragments, b, "user", "b", () -> "123456");
    get(fragments, b, "user", "b", () -> "123456"); // 12 > 10: started over, holds b only

    String kept = get(fragments, b, "user", "b", () -> "again");
    String evicted = get(fragments, a, "user", "a", () -> "again");

    assertThat(kept).as("b was kept").isEqualTo("123456");
    assertThat(evicted).as("a was evicted").isEqualTo("again");
    assertThat(fragments.heldChars()).isEqualTo(6);
  }

  @Test
  void the_characters_held_stay_within_the_bound() {
    MessageFragments fragments = new MessageFragments(10_000);
    for (int i = 0; i < 100_000; i++) {
      UserMessage message = UserMessage.from("message " + i);
      get(fragments, message);
      get(fragments, message);
      assertThat(fragments.heldChars()).isBetween(1L, 10_000L);
    }
  }

  @Test
  void texts_that_differ_only_at_their_end_take_different_slots() {
    String template = "Summarise the incident report below for the on-call engineer. ".repeat(6);
    assertThat(MessageFragments.textHash(template + "#12341"))
        .isNotEqualTo(MessageFragments.textHash(template + "#12351"));
    assertThat(MessageFragments.textHash("ticket 1234"))
        .isNotEqualTo(MessageFragments.textHash("ticket 1235"));
  }

  @Test
  void texts_numbered_at_their_end_all_hash_apart() {
    // One template, a running number at the end: as a stateless service's prompts are. Two of them
    // with one hash would share a slot and each be taken for the other's repeat.
    String template = "Summarise the incident report below for the on-call engineer. ".repeat(6);
    Set<Integer> hashes = new HashSet<>();
    Set<Integer> shortHashes = new HashSet<>();
    for (int i = 0; i < 100_000; i++) {
      hashes.add(MessageFragments.textHash(template + "." + i));
      shortHashes.add(MessageFragments.textHash("ticket " + i));
    }
    assertThat(hashes).hasSize(100_000);
    assertThat(shortHashes).hasSize(100_000);
  }
}
