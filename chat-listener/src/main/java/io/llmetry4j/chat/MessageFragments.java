package io.llmetry4j.chat;

import dev.langchain4j.data.message.ChatMessage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The JSON of messages already serialised, by message object: a chat memory sends the same messages
 * call after call (LangChain4j's window memories over the in-memory store hand back the objects
 * they were given), and escaping their text again was most of the cost of a call with content on.
 * Keyed by identity, not by equality: equality would hash each new message's text first, which
 * costs as much as serialising it (String.hashCode is a scalar loop on Java 17), on every message
 * of a first call. A message read anew from a persistent store each call is a new object and is
 * serialised again.
 *
 * <p>Bounded in characters: when full, the map is replaced by an empty one, which refills with the
 * messages in use (dropping the old map costs nothing on the caller's thread; clearing it walked
 * every entry).
 *
 * <p>One consequence an application may notice: the content redactor runs once per message object,
 * not once per call that sends it.
 */
final class MessageFragments {

  private final long maxChars;
  private volatile Fragments current = new Fragments(16);

  MessageFragments(long maxChars) {
    this.maxChars = maxChars;
  }

  String get(ChatMessage message, Function<ChatMessage, String> serialise) {
    Fragments fragments = current;
    Identity key = new Identity(message);
    String cached = fragments.byMessage.get(key);
    if (cached != null) {
      return cached;
    }
    String fragment = serialise.apply(message);
    if (fragments.chars.addAndGet(fragment.length()) > maxChars) {
      // Threads that find it full at once each start a map; the last one stays. Sized as the full
      // one was: refilling grows no table (resizing the map was a third of a first-time call).
      fragments = new Fragments(fragments.byMessage.size());
      fragments.chars.set(fragment.length());
      current = fragments;
    }
    fragments.byMessage.put(key, fragment);
    return fragment;
  }

  private static final class Fragments {
    final ConcurrentHashMap<Identity, String> byMessage;
    final AtomicLong chars = new AtomicLong();

    Fragments(int messages) {
      this.byMessage = new ConcurrentHashMap<>(messages);
    }
  }

  /** A message as a key by identity. */
  private static final class Identity {
    private final ChatMessage message;
    private final int hash;

    Identity(ChatMessage message) {
      this.message = message;
      this.hash = System.identityHashCode(message);
    }

    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Identity && ((Identity) other).message == message;
    }
  }
}
