package io.llmetry4j.core.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A local HTTP server on 127.0.0.1 that replays canned responses (recorded cassettes or
 * hand-written bodies) to the real LangChain4j HTTP clients. Per path: queued responses first, then
 * a default responder chosen from the request body. Can also answer errors or stall.
 */
public final class ReplayHttpServer implements AutoCloseable {

  /** One canned answer. Streaming bodies are written line by line, flushed after each. */
  public record Response(
      int status, String contentType, String body, boolean streamLines, boolean stall) {

    public static Response json(int status, String body) {
      return new Response(status, "application/json; charset=utf-8", body, false, false);
    }

    public static Response ndjson(String body) {
      return new Response(200, "application/x-ndjson", body, true, false);
    }

    /** Accepts the request and never answers, until the server closes. */
    public static Response stalled() {
      return new Response(200, "application/json", "", false, true);
    }
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final Map<String, Deque<Response>> queued = new HashMap<>();
  private final Map<String, Function<String, Response>> defaults = new HashMap<>();
  private final List<String> requestBodies = new ArrayList<>();
  private final CountDownLatch closing = new CountDownLatch(1);

  private ReplayHttpServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  public static ReplayHttpServer start() {
    try {
      return new ReplayHttpServer();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + port();
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** Answers the next request to {@code path} with {@code response}. */
  public synchronized ReplayHttpServer enqueue(String path, Response response) {
    queued.computeIfAbsent(path, p -> new ArrayDeque<>()).add(response);
    return this;
  }

  /**
   * Answers requests to {@code path} with {@code responder(requestBody)} once the queue is empty.
   */
  public synchronized ReplayHttpServer byDefault(
      String path, Function<String, Response> responder) {
    defaults.put(path, responder);
    return this;
  }

  public synchronized List<String> requestBodies() {
    return List.copyOf(requestBodies);
  }

  private void handle(HttpExchange exchange) throws IOException {
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    String path = exchange.getRequestURI().getPath();
    Response response;
    synchronized (this) {
      requestBodies.add(body);
      Deque<Response> queue = queued.get(path);
      if (queue != null && !queue.isEmpty()) {
        response = queue.poll();
      } else if (defaults.containsKey(path)) {
        response = defaults.get(path).apply(body);
      } else {
        response = Response.json(404, "{\"error\":\"no replay for " + path + "\"}");
      }
    }
    try {
      if (response.stall()) {
        closing.await(60, TimeUnit.SECONDS);
        return;
      }
      byte[] bytes = response.body().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", response.contentType());
      if (response.streamLines()) {
        exchange.sendResponseHeaders(response.status(), 0);
        try (OutputStream out = exchange.getResponseBody()) {
          for (String line : response.body().split("\n")) {
            if (!line.isBlank()) {
              out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
              out.flush();
            }
          }
        }
      } else {
        exchange.sendResponseHeaders(response.status(), bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(bytes);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      exchange.close();
    }
  }

  @Override
  public void close() {
    closing.countDown();
    server.stop(0);
    executor.shutdownNow();
  }
}
