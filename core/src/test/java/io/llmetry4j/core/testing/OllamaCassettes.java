package io.llmetry4j.core.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.Yaml;

/**
 * The recorded Ollama exchanges of {@code fixtures/ollama-recorded/} (VCR cassettes from
 * OpenLLMetry's test suite, Apache-2.0), as {@link ReplayHttpServer} responses.
 */
public final class OllamaCassettes {

  public static final String CHAT = "test_ollama_chat_legacy.yaml";
  public static final String STREAMING_CHAT = "test_ollama_streaming_chat_legacy.yaml";
  public static final String TOOL_CALLS = "test_ollama_chat_tool_calls_legacy.yaml";
  public static final String EMBEDDINGS = "test_ollama_embeddings_legacy.yaml";

  private OllamaCassettes() {}

  /** The response of the cassette's first interaction, as recorded. */
  public static ReplayHttpServer.Response response(String cassette) {
    Map<String, Object> response = firstInteraction(cassette, "response");
    @SuppressWarnings("unchecked")
    Map<String, Object> status = (Map<String, Object>) response.get("status");
    @SuppressWarnings("unchecked")
    Map<String, Object> body = (Map<String, Object>) response.get("body");
    String text = (String) body.get("string");
    int code = ((Number) status.get("code")).intValue();
    return text.contains("\n{") || text.endsWith("}\n")
        ? ReplayHttpServer.Response.ndjson(text)
        : ReplayHttpServer.Response.json(code, text);
  }

  /** The request body the cassette recorded (what the original client sent). */
  public static String requestBody(String cassette) {
    return (String) firstInteraction(cassette, "request").get("body");
  }

  /**
   * Serves {@code /api/chat} the way Ollama would for these cassettes: streaming requests get the
   * NDJSON stream, others the single answer.
   */
  public static ReplayHttpServer serveChat(ReplayHttpServer server) {
    ReplayHttpServer.Response chat = response(CHAT);
    ReplayHttpServer.Response stream = response(STREAMING_CHAT);
    return server.byDefault(
        "/api/chat", body -> body.replace(" ", "").contains("\"stream\":true") ? stream : chat);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> firstInteraction(String cassette, String part) {
    try (InputStream in =
        OllamaCassettes.class.getResourceAsStream("/fixtures/ollama-recorded/" + cassette)) {
      if (in == null) {
        throw new IllegalArgumentException("no cassette " + cassette);
      }
      Map<String, Object> doc = new Yaml().load(in);
      List<Map<String, Object>> interactions = (List<Map<String, Object>>) doc.get("interactions");
      return (Map<String, Object>) interactions.get(0).get(part);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
