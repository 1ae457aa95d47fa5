package io.llmetry4j.chat;

import dev.langchain4j.data.message.ChatMessage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import javax.annotation.Nullable;

/**
 * The JSON of messages already serialised: a chat memory sends the same messages call after call,
 * and escaping their text again was most of the cost of a call with content on.
 *
 * <p>A message of one text is found by its role and text, other messages (tool calls and results,
 * images, named users) by identity. The text is not hashed whole: on Java 17 {@code
 * String.hashCode} is a scalar loop as costly as serialising the text, paid on every new message.
 * Its slot is chosen from its length and the characters at its two ends ({@link #textHash}), and a
 * found text is compared whole (a vectorised compare, free when it is the same string). So a system
 * prompt an AI Service renders anew each call, or a memory read anew from a persistent store, is
 * served too.
 *
 * <p>Direct-mapped: a message has one slot, and a newer message whose slot it is replaces it. A
 * lookup is one array read and a kept message one compare-and-set, with no map entry, resize or
 * count to keep (a hash map's upkeep was a fifth of a call whose messages were all new,
 * docs/performance.md).
 *
 * <p>Kept from the second time it is sent: the first time only its slot notes it. A message sent
 * once (a stateless RAG or classification call, the user's newest turn) is never held, so it is not
 * copied by the garbage collector nor moved to the old generation; a memory's messages are
 * serialised twice, then found.
 *
 * <p>Bounded in characters: when full, the slots are replaced by empty ones, which refill with the
 * messages in use (dropping the old array costs nothing on the caller's thread).
 *
 * <p>One consequence an application may notice: the content redactor runs once or twice per message
 * text, not once per call that sends it.
 */
final class MessageFragments {

  /** Slots per character of the bound: room for messages of 256 characters on average. */
  private static final int CHARS_PER_SLOT = 256;

  private final long maxChars;
  private final int slotCount;
  // Made on the first message noted: a listener with content off never holds the arrays.
  @Nullable private volatile Slots current;

  MessageFragments(long maxChars) {
    this.maxChars = maxChars;
    long wanted = Math.max(64, Math.min(1 << 16, maxChars / CHARS_PER_SLOT));
    this.slotCount = Integer.highestOneBit((int) wanted);
  }

  /**
   * The slot hash of a message: one whose only part is a text comes with its {@code role} (a
   * constant) and {@code text}, others with nulls.
   */
  static int hash(ChatMessage message, @Nullable String role, @Nullable String text) {
    return role != null ? textHash(text) : mix(System.identityHashCode(message));
  }

  /** The kept JSON of a message, or null. */
  @Nullable
  String find(ChatMessage message, @Nullable String role, @Nullable String text, int hash) {
    Slots slots = current;
    if (slots == null) {
      return null;
    }
    int slot = hash & (slotCount - 1);
    // The hashes apart from the fragments: a slot that holds another message is told by one read
    // of a small array, not by reading that message's fragment from wherever it lives.
    if (slots.keptHashes[slot] != hash) {
      return null;
    }
    Fragment held = slots.fragments.get(slot);
    // Roles are the listener's constants: compared by identity.
    if (held != null && held.hash == hash && held.role == role) {
      Object key = role != null ? text : message;
      if (held.key == key || (role != null && held.key.equals(key))) {
        return held.json;
      }
    }
    return null;
  }

  /**
   * Notes a message {@link #find} did not find; true when it was sent before, and its JSON is to be
   * {@link #keep kept}. A racy int: a lost note costs one more serialisation.
   */
  boolean sentBefore(int hash) {
    Slots slots = current;
    if (slots == null) {
      // Threads that find none at once each make them; the last one stays.
      slots = new Slots(slotCount);
      current = slots;
    }
    int[] seen = slots.seen;
    int slot = hash & (slotCount - 1);
    if (seen[slot] == hash) {
      return true;
    }
    seen[slot] = hash;
    return false;
  }

  /** Keeps the JSON of a message sent before, in place of the message whose slot it was. */
  void keep(
      ChatMessage message, @Nullable String role, @Nullable String text, int hash, String json) {
    Slots slots = current;
    if (slots == null) {
      return; // not noted by sentBefore
    }
    int slot = hash & (slotCount - 1);
    Fragment held = slots.fragments.get(slot);
    Fragment fragment = new Fragment(hash, role, role != null ? text : message, json);
    long added = json.length() - (held == null ? 0 : held.json.length());
    if (slots.chars.addAndGet(added) > maxChars) {
      // Threads that find it full at once each start anew; the last one stays.
      slots = new Slots(slotCount);
      slots.chars.set(json.length());
      slots.seen[slot] = hash;
      slots.fragments.set(slot, fragment);
      slots.keptHashes[slot] = hash;
      current = slots;
    } else if (slots.fragments.compareAndSet(slot, held, fragment)) {
      slots.keptHashes[slot] = hash;
    } else {
      // Another thread filled the slot meanwhile: its message stays, and the count stays exact.
      slots.chars.addAndGet(-added);
    }
  }

  /** Characters held, for tests. */
  long heldChars() {
    Slots slots = current;
    return slots == null ? 0 : slots.chars.get();
  }

  /**
   * A hash of {@code text} from its length, its first and its last sixteen characters: a new text
   * is read where it starts and ends (two cache lines, not every line of it), and texts made from
   * one template, which share their start, differ at their end. Texts that differ only in their
   * middle share a slot, and take turns in it.
   */
  static int textHash(String text) {
    int length = text.length();
    if (length < 2 * EDGE) {
      int hash = length;
      for (int i = 0; i < length; i++) {
        hash = 31 * hash + text.charAt(i);
      }
      return mix(hash);
    }
    // The same polynomial as the loop above, in four interleaved parts combined at the end: one
    // hash of 32 characters is a chain of 32 multiplies, each waiting for the one before. Each
    // part steps by 31^4, so the sum weights every character as the loop does.
    int h0 = length;
    int h1 = 0;
    int h2 = 0;
    int h3 = 0;
    for (int i = 0; i < EDGE; i += 4) {
      h0 = STEP * h0 + text.charAt(i);
      h1 = STEP * h1 + text.charAt(i + 1);
      h2 = STEP * h2 + text.charAt(i + 2);
      h3 = STEP * h3 + text.charAt(i + 3);
    }
    for (int i = length - EDGE; i < length; i += 4) {
      h0 = STEP * h0 + text.charAt(i);
      h1 = STEP * h1 + text.charAt(i + 1);
      h2 = STEP * h2 + text.charAt(i + 2);
      h3 = STEP * h3 + text.charAt(i + 3);
    }
    return mix(((h0 * 31 + h1) * 31 + h2) * 31 + h3);
  }

  private static final int EDGE = 16;

  /** 31^4: four characters of the polynomial hash at a time. */
  private static final int STEP = 31 * 31 * 31 * 31;

  /** Spreads every bit of {@code hash} into the low ones, which choose the slot. */
  private static int mix(int hash) {
    int mixed = hash * 0x9E3779B9;
    return mixed ^ (mixed >>> 16);
  }

  private static final class Slots {
    final AtomicReferenceArray<Fragment> fragments;
    // The hash of the last message found missing from each slot: sent before, it is kept.
    final int[] seen;
    // The hash of each slot's kept message (racy ints, checked again on the fragment itself).
    final int[] keptHashes;
    final AtomicLong chars = new AtomicLong();

    Slots(int count) {
      this.fragments = new AtomicReferenceArray<>(count);
      this.seen = new int[count];
      this.keptHashes = new int[count];
    }
  }

  /**
   * A message's JSON, by role and text or (role null) by the message. Immutable: a reader sees its
   * fields as written.
   */
  private static final class Fragment {
    final int hash;
    @Nullable final String role;
    final Object key;
    final String json;

    Fragment(int hash, @Nullable String role, Object key, String json) {
      this.hash = hash;
      this.role = role;
      this.key = key;
      this.json = json;
    }
  }
}
