package io.llmetry4j.chat;

import dev.langchain4j.data.message.ChatMessage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The JSON of messages already serialised, by message: a chat memory sends the same messages call
 * after call, and escaping their text again was most of the cost of a call with content on (a 64
 * KiB budget is ~64 µs of escape scan). LangChain4j's messages are values (equal messages, equal
 * JSON), and their hash codes come from their texts', which strings cache. Bounded in characters:
 * when full, it is cleared and refills with the messages in use.
 *
 * <p>One consequence an application may notice: the content redactor runs once per distinct
 * message, not once per call that sends it.
 */
final class MessageFragments {

  private final ConcurrentHashMap<ChatMessage, String> fragments = new ConcurrentHashMap<>();
  private final AtomicLong chars = new AtomicLong();
  private final long maxChars;

  MessageFragments(long maxChars) {
    this.maxChars = maxChars;
  }

  String get(ChatMessage message, Function<ChatMessage, String> serialise) {
    String cached = fragments.get(message);
    if (cached != null) {
      return cached;
    }
    String fragment = serialise.apply(message);
    if (chars.addAndGet(fragment.length()) > maxChars) {
      fragments.clear();
      chars.set(fragment.length());
    }
    fragments.put(message, fragment);
    return fragment;
  }
}
