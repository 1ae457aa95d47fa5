package io.llmetry4j.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;

/**
 * Not an LLM: a local HTTP server speaking Ollama's {@code /api/chat} (streaming and not) so that
 * the demo runs anywhere, through the real {@code OllamaChatModel} client. When tools are offered
 * and none was called yet, it calls the first one with the question as its argument; then it
 * answers extractively with the retrieved sentence that shares most words with the question. Token
 * counts are word counts.
 */
final class OllamaStandIn implements AutoCloseable {

  private static final String CONTEXT_MARKER = "Answer using the following information:";
  private static final Set<String> STOP_WORDS =
      Set.of(
          "a", "an", "the", "is", "are", "what", "how", "does", "do", "of", "in", "to", "and", "or",
          "for", "on", "with", "it", "its", "by", "why", "which", "who");

  private final ObjectMapper json = new ObjectMapper();
  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(2, daemonThreads());

  OllamaStandIn() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.createContext("/api/chat", this::chat);
    server.setExecutor(executor);
    server.start();
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private void chat(HttpExchange exchange) throws IOException {
    try (exchange) {
      JsonNode request = json.readTree(exchange.getRequestBody());
      String model = request.path("model").asText("stand-in");
      boolean stream = request.path("stream").asBoolean(false);
      JsonNode messages = request.path("messages");
      String prompt = lastUserMessage(messages);
      String question =
          prompt.contains(CONTEXT_MARKER)
              ? prompt.substring(0, prompt.indexOf(CONTEXT_MARKER)).strip()
              : prompt.strip();
      ObjectNode message = json.createObjectNode().put("role", "assistant");
      JsonNode tools = request.path("tools");
      if (tools.isArray() && tools.size() > 0 && !hasToolResult(messages)) {
        message.put("content", "");
        message.set("tool_calls", toolCall(tools.get(0).path("function"), question));
      } else {
        message.put("content", answer(question, prompt, messages));
      }
      exchange.getResponseHeaders().add("Content-Type", "application/x-ndjson");
      exchange.sendResponseHeaders(200, 0);
      try (OutputStream out = exchange.getResponseBody()) {
        int promptWords = words(prompt).length;
        String content = message.path("content").asText();
        if (stream && !content.isEmpty()) {
          for (String chunk : content.split("(?<= )")) {
            ObjectNode partial = base(model).put("done", false);
            partial.set(
                "message", json.createObjectNode().put("role", "assistant").put("content", chunk));
            write(out, partial);
          }
          message.put("content", "");
        }
        ObjectNode last = base(model).put("done", true).put("done_reason", "stop");
        last.set("message", message);
        last.put("prompt_eval_count", promptWords).put("eval_count", words(content).length + 1);
        write(out, last);
      }
    }
  }

  private ArrayNode toolCall(JsonNode function, String question) {
    ObjectNode arguments = json.createObjectNode();
    function
        .path("parameters")
        .path("properties")
        .fieldNames()
        .forEachRemaining(p -> arguments.put(p, question));
    ObjectNode call = json.createObjectNode();
    call.set(
        "function",
        json.createObjectNode()
            .put("name", function.path("name").asText())
            .set("arguments", arguments));
    return json.createArrayNode().add(call);
  }

  /** The retrieved sentence sharing most words with the question, plus what the tool said. */
  private String answer(String question, String prompt, JsonNode messages) {
    String context =
        prompt.contains(CONTEXT_MARKER)
            ? prompt.substring(prompt.indexOf(CONTEXT_MARKER) + CONTEXT_MARKER.length())
            : "";
    Set<String> asked =
        Arrays.stream(words(question))
            .filter(w -> !STOP_WORDS.contains(w))
            .collect(Collectors.toSet());
    String best = null;
    long bestScore = 0;
    for (String sentence : context.replace('\n', ' ').split("(?<=[.!?])\\s+")) {
      long score = Arrays.stream(words(sentence)).distinct().filter(asked::contains).count();
      if (score > bestScore) {
        best = sentence.strip();
        bestScore = score;
      }
    }
    StringBuilder answer = new StringBuilder(best != null ? best : "The documents do not say.");
    for (JsonNode message : messages) {
      if ("tool".equals(message.path("role").asText())) {
        answer.append(" Glossary: ").append(message.path("content").asText());
      }
    }
    return answer.toString();
  }

  private static String lastUserMessage(JsonNode messages) {
    String last = "";
    for (JsonNode message : messages) {
      if ("user".equals(message.path("role").asText())) {
        last = message.path("content").asText();
      }
    }
    return last;
  }

  private static boolean hasToolResult(JsonNode messages) {
    for (JsonNode message : messages) {
      if ("tool".equals(message.path("role").asText())) {
        return true;
      }
    }
    return false;
  }

  private static String[] words(String text) {
    String cleaned = text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9 ]", " ").strip();
    return cleaned.isEmpty() ? new String[0] : cleaned.split("\\s+");
  }

  private ObjectNode base(String model) {
    return json.createObjectNode().put("model", model).put("created_at", Instant.now().toString());
  }

  private void write(OutputStream out, JsonNode line) throws IOException {
    out.write((json.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private static java.util.concurrent.ThreadFactory daemonThreads() {
    return runnable -> {
      Thread thread = new Thread(runnable, "ollama-stand-in");
      thread.setDaemon(true);
      return thread;
    };
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
