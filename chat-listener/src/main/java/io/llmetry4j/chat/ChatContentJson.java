package io.llmetry4j.chat;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
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
 * JSON stays valid when a value is truncated; a value the policy drops drops its part. Binary media
 * is never inlined: a URL becomes a {@code uri} part, inline data a placeholder.
 */
final class ChatContentJson {

  /** Stands in for inline image/audio data, which is never recorded. */
  static final String INLINE_DATA_PLACEHOLDER = "[inline data omitted]";

  private final Instrumentation telemetry;

  ChatContentJson(Instrumentation telemetry) {
    this.telemetry = telemetry;
  }

  /** Messages other than system messages, or null when there are none. */
  @Nullable
  String inputMessages(List<ChatMessage> messages) {
    JsonWriter json = new JsonWriter(estimate(messages));
    json.beginArray();
    int written = 0;
    for (ChatMessage message : messages) {
      if (message instanceof SystemMessage || message == null) {
        continue;
      }
      writeMessage(json, message);
      written++;
    }
    return written == 0 ? null : json.endArray().toString();
  }

  /** The system messages as parts, or null when there are none. */
  @Nullable
  String systemInstructions(List<ChatMessage> messages) {
    JsonWriter json = null;
    for (ChatMessage message : messages) {
      if (message instanceof SystemMessage) {
        if (json == null) {
          json = new JsonWriter(256).beginArray();
        }
        textPart(json, "text", ((SystemMessage) message).text());
      }
    }
    return json == null ? null : json.endArray().toString();
  }

  String outputMessages(@Nullable AiMessage message, @Nullable String finishReason) {
    JsonWriter json = new JsonWriter(256).beginArray();
    json.beginObject().field("role", "assistant");
    json.name("parts").beginArray();
    if (message != null) {
      aiParts(json, message, true);
    }
    json.endArray();
    // finish_reason is required by the schema; "unknown" is said rather than guessed.
    json.field("finish_reason", finishReason != null ? finishReason : "unknown");
    return json.endObject().endArray().toString();
  }

  @Nullable
  String toolDefinitions(@Nullable List<ToolSpecification> tools) {
    if (tools == null || tools.isEmpty()) {
      return null;
    }
    JsonWriter json = new JsonWriter(128 * tools.size()).beginArray();
    for (ToolSpecification tool : tools) {
      json.beginObject().field("type", "function").field("name", tool.name());
      String description = telemetry.content(tool.description());
      if (description != null) {
        json.field("description", description);
      }
      json.endObject();
    }
    return json.endArray().toString();
  }

  private void writeMessage(JsonWriter json, ChatMessage message) {
    json.beginObject();
    if (message instanceof UserMessage) {
      UserMessage user = (UserMessage) message;
      json.field("role", "user");
      if (user.name() != null) {
        json.field("name", user.name());
      }
      json.name("parts").beginArray();
      for (Content content : user.contents()) {
        contentPart(json, content);
      }
      json.endArray();
    } else if (message instanceof AiMessage) {
      json.field("role", "assistant").name("parts").beginArray();
      // Reasoning of earlier turns is not sent back to the model, so it is not input.
      aiParts(json, (AiMessage) message, false);
      json.endArray();
    } else if (message instanceof ToolExecutionResultMessage) {
      ToolExecutionResultMessage result = (ToolExecutionResultMessage) message;
      json.field("role", "tool").name("parts").beginArray();
      String response = telemetry.content(result.text());
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

  private void aiParts(JsonWriter json, AiMessage message, boolean withReasoning) {
    if (withReasoning) {
      textPart(json, "reasoning", message.thinking());
    }
    textPart(json, "text", message.text());
    if (message.hasToolExecutionRequests()) {
      for (ToolExecutionRequest request : message.toolExecutionRequests()) {
        json.beginObject().field("type", "tool_call");
        if (request.id() != null) {
          json.field("id", request.id());
        }
        json.field("name", request.name());
        String arguments = telemetry.content(request.arguments());
        if (arguments != null) {
          json.field("arguments", arguments);
        }
        json.endObject();
      }
    }
  }

  private void contentPart(JsonWriter json, Content content) {
    if (content instanceof TextContent) {
      textPart(json, "text", ((TextContent) content).text());
    } else if (content instanceof ImageContent) {
      ImageContent image = (ImageContent) content;
      mediaPart(json, "image", image.image().url(), image.image().mimeType());
    } else if (content instanceof AudioContent) {
      AudioContent audio = (AudioContent) content;
      mediaPart(json, "audio", audio.audio().url(), audio.audio().mimeType());
    } else if (content != null) {
      // Video, PDF and future types: named, never inlined.
      json.beginObject().field("type", content.type().name().toLowerCase(Locale.ROOT)).endObject();
    }
  }

  private void mediaPart(
      JsonWriter json, String modality, @Nullable URI url, @Nullable String mime) {
    boolean inline = url == null || "data".equalsIgnoreCase(url.getScheme());
    if (inline) {
      json.beginObject().field("type", "text").field("content", INLINE_DATA_PLACEHOLDER);
      json.endObject();
      return;
    }
    String uri = telemetry.content(url.toString());
    if (uri == null) {
      return;
    }
    json.beginObject().field("type", "uri").field("modality", modality);
    if (mime != null) {
      json.field("mime_type", mime);
    }
    json.field("uri", uri).endObject();
  }

  private void textPart(JsonWriter json, String type, @Nullable String text) {
    String captured = text == null || text.isEmpty() ? null : telemetry.content(text);
    if (captured != null) {
      json.beginObject().field("type", type).field("content", captured).endObject();
    }
  }

  /** Capacity for the JSON of {@code messages}: their text plus room for the structure. */
  private int estimate(List<ChatMessage> messages) {
    long chars = 16;
    for (ChatMessage message : messages) {
      chars += 64;
      if (message instanceof UserMessage && ((UserMessage) message).hasSingleText()) {
        chars += ((UserMessage) message).singleText().length();
      } else if (message instanceof AiMessage && ((AiMessage) message).text() != null) {
        chars += ((AiMessage) message).text().length();
      } else if (message instanceof ToolExecutionResultMessage) {
        String text = ((ToolExecutionResultMessage) message).text();
        chars += text == null ? 0 : text.length();
      }
    }
    return (int) Math.min(chars + (chars >> 4), telemetry.maxContentLength() * 4L + 4096);
  }
}
