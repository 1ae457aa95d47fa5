package io.llmetry4j.chat;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.audio.Audio;
import dev.langchain4j.data.image.Image;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.AudioContent;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import io.llmetry4j.core.internal.Instrumentation;
import io.llmetry4j.core.internal.JsonWriter;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import javax.annotation.Nullable;

/**
 * Serialises chat messages into the JSON of {@code gen_ai.input.messages}, {@code
 * gen_ai.output.messages}, {@code gen_ai.system_instructions} and {@code gen_ai.tool.definitions}
 * (schemas of semconv 1.41.1). Every captured string passes the content policy on its own, so the
 * JSON stays valid when a value is truncated; a value the policy drops drops its part. Each
 * attribute is written within the characters the span's content budget allows it (newest messages
 * first), so a long conversation never makes a span too large to export.
 */
final class ChatContentJson {

  /** Type of the generic part that stands for inline media too large to record. */
  static final String OMITTED_BLOB_TYPE = "llmetry4j.omitted_blob";

  private final Instrumentation telemetry;
  private final MessageFragments fragments;

  ChatContentJson(Instrumentation telemetry) {
    this.telemetry = telemetry;
    // Room for the windows of many conversations at once: 64 span budgets of characters.
    this.fragments = new MessageFragments(64L * telemetry.spanContentBudget());
  }

  /**
   * {@code gen_ai.input.messages} within {@code allowance} characters: the newest messages that
   * fit, in their order, after a marker message saying how many older ones were left out. System
   * messages are part of it when the provider takes them as part of the chat history ({@code
   * systemInHistory}), else they are {@link #systemInstructions}.
   */
  InputMessages inputMessages(List<ChatMessage> messages, boolean systemInHistory, int allowance) {
    int valueLimit = telemetry.maxContentLength();
    // What each kept message adds: its JSON, or (where keptPrefixes has its JSON's start) the text
    // of a one-text message sent for the first time, wrapped in its JSON only when joined.
    String[] kept = new String[Math.min(messages.size(), 64)];
    String[] keptPrefixes = new String[kept.length];
    int keptCount = 0;
    int keptChars = 2; // the brackets
    int pieces = 0;
    int considered = 0;
    int firstKept = messages.size();
    for (int i = messages.size() - 1; i >= 0; i--) {
      ChatMessage message = messages.get(i);
      if (message == null || (!systemInHistory && message instanceof SystemMessage)) {
        continue;
      }
      considered++;
      String text = singleText(message);
      String role = text == null ? null : role(message);
      int hash = MessageFragments.hash(message, role, text);
      String piece = fragments.find(message, role, text, hash);
      String piecePrefix = null;
      if (piece == null) {
        boolean keep = fragments.sentBefore(hash);
        String captured = text == null ? null : telemetry.content(text, valueLimit);
        if (captured != null && JsonWriter.isPlain(captured)) {
          // The common message, one text with nothing to escape: copied once, into the attribute
          // (in the text's own encoding), or once more into the JSON kept for its next call.
          if (keep) {
            piece = textMessage(role, captured);
          } else {
            piece = captured;
            piecePrefix = textMessagePrefix(role);
          }
        } else {
          piece = written(message, role, captured, valueLimit);
        }
        if (keep) {
          fragments.keep(message, role, text, hash, piece);
        }
      }
      int length =
          piecePrefix == null
              ? piece.length()
              : piecePrefix.length() + piece.length() + TEXT_MESSAGE_SUFFIX.length();
      // Room for the marker message too, should older messages be left out.
      int needed = length + 1 + (i > 0 ? MARKER_ROOM : 0);
      if (keptChars + needed > allowance && keptCount == 0) {
        // Not even the newest message fits whole: its values are cut to fit.
        piece = message(message, Math.max(1, (allowance - MARKER_ROOM) / 4));
        piecePrefix = null;
        length = piece.length();
        needed = length + 1 + (i > 0 ? MARKER_ROOM : 0);
      }
      if (keptChars + needed > allowance) {
        break;
      }
      if (keptCount == kept.length) {
        kept = java.util.Arrays.copyOf(kept, kept.length * 2);
        keptPrefixes = java.util.Arrays.copyOf(keptPrefixes, kept.length);
      }
      keptPrefixes[keptCount] = piecePrefix;
      kept[keptCount++] = piece;
      pieces += piecePrefix == null ? 1 : 3;
      keptChars += length + 1;
      firstKept = i;
    }
    // Where system messages are input, every message before the window was left out; a scan of
    // the older ones (which grow with the history) is needed only where they are not.
    int omitted = firstKept;
    if (!systemInHistory) {
      for (int i = 0; i < firstKept; i++) {
        if (messages.get(i) instanceof SystemMessage) {
          omitted--;
        }
      }
    }
    if (considered == 0) {
      return new InputMessages(null, 0, firstKept);
    }
    // Joined once, at the exact length and in the texts' encoding: the pieces are copied into the
    // attribute and nowhere else.
    int items = keptCount + (omitted > 0 ? 1 : 0);
    String[] parts = new String[2 + pieces + (omitted > 0 ? 1 : 0) + Math.max(0, items - 1)];
    int part = 0;
    parts[part++] = "[";
    if (omitted > 0) {
      parts[part++] = omittedMarker(omitted);
    }
    for (int k = keptCount - 1; k >= 0; k--) {
      if (part > 1) {
        parts[part++] = ",";
      }
      if (keptPrefixes[k] != null) {
        parts[part++] = keptPrefixes[k];
        parts[part++] = kept[k];
        parts[part++] = TEXT_MESSAGE_SUFFIX;
      } else {
        parts[part++] = kept[k];
      }
    }
    parts[part] = "]";
    return new InputMessages(String.join("", parts), omitted, firstKept);
  }

  // The JSON of a message of one text without characters to escape, around the text.
  private static final String SYSTEM_TEXT_PREFIX = textMessagePrefixOf("system");
  private static final String USER_TEXT_PREFIX = textMessagePrefixOf("user");
  private static final String ASSISTANT_TEXT_PREFIX = textMessagePrefixOf("assistant");
  private static final String TEXT_MESSAGE_SUFFIX = "\"}]}";

  private static String textMessagePrefixOf(String role) {
    return "{\"role\":\"" + role + "\",\"parts\":[{\"type\":\"text\",\"content\":\"";
  }

  /** The JSON before the text of a {@link #singleText} message of {@code role}. */
  private static String textMessagePrefix(String role) {
    switch (role) {
      case "system":
        return SYSTEM_TEXT_PREFIX;
      case "user":
        return USER_TEXT_PREFIX;
      default:
        return ASSISTANT_TEXT_PREFIX;
    }
  }

  /** The JSON of a {@link #singleText} message whose captured text needs no escape. */
  private static String textMessage(String role, String plainText) {
    return textMessagePrefix(role) + plainText + TEXT_MESSAGE_SUFFIX;
  }

  /** Room kept for the marker message ({@link #omittedMarker}). */
  static final int MARKER_ROOM = 128;

  /** The role of the marker message that stands for the messages left out (not a chat role). */
  static final String OMITTED_ROLE = "llmetry4j.omitted";

  /** A message that says how many older messages were left out to keep the span in its budget. */
  static String omittedMarker(int omitted) {
    return new JsonWriter(MARKER_ROOM)
        .beginObject()
        .field("role", OMITTED_ROLE)
        .name("parts")
        .beginArray()
        .beginObject()
        .field("type", "text")
        .field("content", omitted + " earlier messages omitted (llmetry4j content budget)")
        .endObject()
        .endArray()
        .endObject()
        .toString();
  }

  /** {@code gen_ai.input.messages} and how it was cut. */
  static final class InputMessages {
    @Nullable final String json;

    /** Messages left out (the oldest ones). */
    final int omitted;

    /** Index in the request of the oldest message kept. */
    final int firstKept;

    InputMessages(@Nullable String json, int omitted, int firstKept) {
      this.json = json;
      this.omitted = omitted;
      this.firstKept = firstKept;
    }
  }

  /** The system messages as parts within {@code allowance} characters, or null when none. */
  @Nullable
  String systemInstructions(List<ChatMessage> messages, int allowance) {
    JsonWriter json = null;
    for (ChatMessage message : messages) {
      if (message instanceof SystemMessage) {
        if (json == null) {
          json = new JsonWriter(256).beginArray();
        }
        int room = allowance - json.length() - 32;
        if (room <= 0) {
          break;
        }
        textPart(json, "text", ((SystemMessage) message).text(), room);
      }
    }
    return json == null ? null : json.endArray().toString();
  }

  /** {@code gen_ai.output.messages} within {@code allowance} characters (its values cut to fit). */
  String outputMessages(@Nullable AiMessage message, @Nullable String finishReason, int allowance) {
    int valueLimit = telemetry.maxContentLength();
    String json = writeOutput(message, finishReason, valueLimit);
    if (json.length() > allowance) {
      json = writeOutput(message, finishReason, Math.max(1, (allowance - MARKER_ROOM) / 4));
    }
    return json;
  }

  private String writeOutput(
      @Nullable AiMessage message, @Nullable String finishReason, int valueLimit) {
    // finish_reason is required by the schema; "unknown" is said rather than guessed.
    String reason = finishReason != null ? finishReason : "unknown";
    // An answer of one text (no reasoning, no tool calls), as a one-text input message is made.
    boolean textOnly =
        message != null
            && !message.hasToolExecutionRequests()
            && (message.thinking() == null || message.thinking().isEmpty())
            && message.text() != null
            && !message.text().isEmpty();
    String captured = textOnly ? telemetry.content(message.text(), valueLimit) : null;
    if (captured != null && JsonWriter.isPlain(captured) && JsonWriter.isPlain(reason)) {
      return OUTPUT_TEXT_PREFIX + captured + "\"}],\"finish_reason\":\"" + reason + "\"}]";
    }
    JsonWriter json = new JsonWriter(256).beginArray();
    json.beginObject().field("role", "assistant");
    json.name("parts").beginArray();
    if (textOnly) {
      capturedTextPart(json, "text", captured);
    } else if (message != null) {
      aiParts(json, message, true, valueLimit);
    }
    json.endArray();
    json.field("finish_reason", reason);
    return json.endObject().endArray().toString();
  }

  private static final String OUTPUT_TEXT_PREFIX = "[" + ASSISTANT_TEXT_PREFIX;

  /** The tools offered, in order, as many as fit in {@code allowance} characters. */
  @Nullable
  String toolDefinitions(@Nullable List<ToolSpecification> tools, int allowance) {
    if (tools == null || tools.isEmpty()) {
      return null;
    }
    JsonWriter json = new JsonWriter(128 * tools.size()).beginArray();
    for (ToolSpecification tool : tools) {
      int room = allowance - json.length() - 64 - tool.name().length();
      if (room <= 0) {
        break;
      }
      json.beginObject().field("type", "function").field("name", tool.name());
      String description = telemetry.content(tool.description(), room);
      if (description != null) {
        json.field("description", description);
      }
      json.endObject();
    }
    return json.endArray().toString();
  }

  /**
   * A writer per thread, reused for each message it serialises: a message new to the cache then
   * allocates its JSON string and little else. Taken out while in use (a redactor may itself call a
   * traced model on the same thread) and dropped once grown past {@link #KEPT_WRITER_CHARS}.
   */
  private static final ThreadLocal<JsonWriter> SPARE_WRITER = new ThreadLocal<>();

  private static final int KEPT_WRITER_CHARS = 16 * 1024;

  /** One message as JSON, each captured value cut at {@code valueLimit} characters. */
  private String message(ChatMessage message, int valueLimit) {
    String text = singleText(message);
    if (text == null) {
      return written(message, null, null, valueLimit);
    }
    String role = role(message);
    String captured = telemetry.content(text, valueLimit);
    if (captured != null && JsonWriter.isPlain(captured)) {
      return textMessage(role, captured);
    }
    return written(message, role, captured, valueLimit);
  }

  /**
   * The text of a message whose only part is a non-empty text (a system message, a user message
   * without a name, an assistant message without tool calls), else null.
   */
  @Nullable
  private static String singleText(ChatMessage message) {
    String text = null;
    if (message instanceof SystemMessage) {
      text = ((SystemMessage) message).text();
    } else if (message instanceof UserMessage) {
      UserMessage user = (UserMessage) message;
      if (user.name() == null && user.hasSingleText()) {
        text = user.singleText();
      }
    } else if (message instanceof AiMessage && !((AiMessage) message).hasToolExecutionRequests()) {
      text = ((AiMessage) message).text();
    }
    return text == null || text.isEmpty() ? null : text;
  }

  /**
   * One message written by a {@link JsonWriter}. A {@link #singleText} message comes with its
   * {@code role} and its text as captured (null when the policy dropped it): the policy runs once.
   */
  private String written(
      ChatMessage message, @Nullable String role, @Nullable String capturedText, int valueLimit) {
    JsonWriter json = SPARE_WRITER.get();
    if (json == null) {
      json = new JsonWriter(Math.max(1024, estimate(message, valueLimit)));
    } else {
      SPARE_WRITER.set(null);
    }
    try {
      if (role != null) {
        json.beginObject().field("role", role).name("parts").beginArray();
        capturedTextPart(json, "text", capturedText);
        json.endArray().endObject();
      } else {
        writeMessage(json, message, valueLimit);
      }
      return json.toString();
    } finally {
      if (json.reset() <= KEPT_WRITER_CHARS) {
        SPARE_WRITER.set(json);
      }
    }
  }

  /** The role of a {@link #singleText} message. */
  private static String role(ChatMessage message) {
    if (message instanceof SystemMessage) {
      return "system";
    }
    return message instanceof UserMessage ? "user" : "assistant";
  }

  private void writeMessage(JsonWriter json, ChatMessage message, int valueLimit) {
    json.beginObject();
    if (message instanceof SystemMessage) {
      json.field("role", "system").name("parts").beginArray();
      textPart(json, "text", ((SystemMessage) message).text(), valueLimit);
      json.endArray();
    } else if (message instanceof UserMessage) {
      UserMessage user = (UserMessage) message;
      json.field("role", "user");
      if (user.name() != null) {
        json.field("name", user.name());
      }
      json.name("parts").beginArray();
      for (Content content : user.contents()) {
        contentPart(json, content, valueLimit);
      }
      json.endArray();
    } else if (message instanceof AiMessage) {
      json.field("role", "assistant").name("parts").beginArray();
      // Reasoning of earlier turns is not sent back to the model, so it is not input.
      aiParts(json, (AiMessage) message, false, valueLimit);
      json.endArray();
    } else if (message instanceof ToolExecutionResultMessage) {
      ToolExecutionResultMessage result = (ToolExecutionResultMessage) message;
      json.field("role", "tool").name("parts").beginArray();
      String response = telemetry.content(result.text(), valueLimit);
      if (response != null) {
        json.beginObject().field("type", "tool_call_response");
        if (result.id() != null) {
          json.field("id", result.id());
        }
        json.field("response", response).endObject();
      }
      json.endArray();
    } else {
      json.field("role", message.type().name().toLowerCase(Locale.ROOT));
      json.name("parts").beginArray().endArray();
    }
    json.endObject();
  }

  private void aiParts(JsonWriter json, AiMessage message, boolean withReasoning, int valueLimit) {
    if (withReasoning) {
      textPart(json, "reasoning", message.thinking(), valueLimit);
    }
    textPart(json, "text", message.text(), valueLimit);
    if (message.hasToolExecutionRequests()) {
      for (ToolExecutionRequest request : message.toolExecutionRequests()) {
        json.beginObject().field("type", "tool_call");
        if (request.id() != null) {
          json.field("id", request.id());
        }
        json.field("name", request.name());
        // The arguments as the JSON object they are (a JSON string where they do not parse).
        String arguments = telemetry.contentJson(request.arguments(), valueLimit);
        if (arguments != null) {
          json.name("arguments").rawValue(arguments);
        }
        json.endObject();
      }
    }
  }

  private void contentPart(JsonWriter json, Content content, int valueLimit) {
    if (content instanceof TextContent) {
      textPart(json, "text", ((TextContent) content).text(), valueLimit);
    } else if (content instanceof ImageContent) {
      Image image = ((ImageContent) content).image();
      mediaPart(json, "image", image.url(), image.base64Data(), image.mimeType(), valueLimit);
    } else if (content instanceof AudioContent) {
      Audio audio = ((AudioContent) content).audio();
      mediaPart(json, "audio", audio.url(), audio.base64Data(), audio.mimeType(), valueLimit);
    } else if (content != null) {
      // Video, PDF and future types: a generic part that names the type, never the data.
      json.beginObject().field("type", content.type().name().toLowerCase(Locale.ROOT)).endObject();
    }
  }

  /**
   * A URL becomes a {@code uri} part; inline data a {@code blob} part (base64, as the schema says)
   * when it fits in {@code valueLimit}, else a generic {@value #OMITTED_BLOB_TYPE} part with the
   * modality, MIME type and size, since cut base64 would be no image at all.
   */
  private void mediaPart(
      JsonWriter json,
      String modality,
      @Nullable URI url,
      @Nullable String base64,
      @Nullable String mime,
      int valueLimit) {
    if (url != null && !"data".equalsIgnoreCase(url.getScheme())) {
      String uri = telemetry.content(url.toString(), valueLimit);
      if (uri == null) {
        return;
      }
      json.beginObject().field("type", "uri").field("modality", modality);
      if (mime != null) {
        json.field("mime_type", mime);
      }
      json.field("uri", uri).endObject();
      return;
    }
    String data = base64;
    if (data == null && url != null) {
      // A data: URL holds the base64 after its comma.
      String text = url.toString();
      int comma = text.indexOf(',');
      data = comma < 0 ? null : text.substring(comma + 1);
    }
    boolean fits = data != null && data.length() <= valueLimit;
    json.beginObject().field("type", fits ? "blob" : OMITTED_BLOB_TYPE);
    json.field("modality", modality);
    if (mime != null) {
      json.field("mime_type", mime);
    }
    if (fits) {
      json.field("content", data);
    } else if (data != null) {
      json.name("size").value((long) data.length());
    }
    json.endObject();
  }

  private void textPart(JsonWriter json, String type, @Nullable String text, int valueLimit) {
    String captured = text == null || text.isEmpty() ? null : telemetry.content(text, valueLimit);
    capturedTextPart(json, type, captured);
  }

  /** A part of {@code type} holding text the content policy already passed; none when null. */
  private static void capturedTextPart(JsonWriter json, String type, @Nullable String captured) {
    if (captured != null) {
      json.beginObject().field("type", type).field("content", captured).endObject();
    }
  }

  /** Capacity for the JSON of {@code message}: its text plus room for the structure. */
  private static int estimate(ChatMessage message, int valueLimit) {
    long chars = 64;
    if (message instanceof UserMessage && ((UserMessage) message).hasSingleText()) {
      chars += ((UserMessage) message).singleText().length();
    } else if (message instanceof AiMessage && ((AiMessage) message).text() != null) {
      chars += ((AiMessage) message).text().length();
    } else if (message instanceof ToolExecutionResultMessage) {
      String text = ((ToolExecutionResultMessage) message).text();
      chars += text == null ? 0 : text.length();
    } else if (message instanceof SystemMessage) {
      chars += ((SystemMessage) message).text().length();
    }
    return (int) Math.min(chars + (chars >> 4), valueLimit + 4096L);
  }
}
