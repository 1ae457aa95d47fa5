package io.llmetry4j.viewer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The viewer's HTTP surface: what it serves, what it refuses, and the headers on everything. */
class ViewerServerTest {

  private final HttpClient http = HttpClient.newHttpClient();
  private LocalViewer viewer;

  @AfterEach
  void close() {
    if (viewer != null) {
      viewer.close();
    }
  }

  @Test
  void serves_the_page_and_the_api_on_loopback_with_a_strict_policy() throws Exception {
    viewer = LocalViewer.builder().start();
    assertThat(viewer.url()).matches("http://127\\.0\\.0\\.1:\\d+/");

    HttpResponse<String> page = get(viewer.url(), null);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type")).contains("text/html; charset=utf-8");
    assertThat(page.body()).contains("app.js");
    for (String path : new String[] {"", "app.js", "app.css", "api/version", "api/traces"}) {
      HttpResponse<String> response = get(viewer.url() + path, null);
      assertThat(response.statusCode()).as(path).isEqualTo(200);
      assertThat(response.headers().firstValue("Content-Security-Policy"))
          .as(path)
          .contains(
              "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                  + "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
      assertThat(response.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
      assertThat(response.headers().firstValue("X-Frame-Options")).contains("DENY");
      assertThat(response.headers().firstValue("Referrer-Policy")).contains("no-referrer");
      assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }
    assertThat(get(viewer.url() + "api/traces/0123", null).statusCode()).isEqualTo(404);
    assertThat(get(viewer.url() + "../etc/passwd", null).statusCode()).isEqualTo(404);
  }

  @Test
  void is_read_only_and_has_no_receiver_unless_asked() throws Exception {
    viewer = LocalViewer.builder().start();
    for (String method : new String[] {"POST", "PUT", "DELETE", "PATCH"}) {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create(viewer.url() + "api/traces"))
                  .method(method, HttpRequest.BodyPublishers.ofString("{}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as(method).isEqualTo(405);
    }
    HttpResponse<String> otlp =
        http.send(
            HttpRequest.newBuilder(URI.create(viewer.url() + "v1/traces"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(otlp.statusCode()).isEqualTo(404);
  }

  @Test
  void refuses_a_host_header_that_is_not_loopback_so_dns_rebinding_cannot_reach_it()
      throws Exception {
    viewer = LocalViewer.builder().start();
    assertThat(rawGet(viewer.port(), "attacker.example:" + viewer.port()))
        .startsWith("HTTP/1.1 403");
    assertThat(rawGet(viewer.port(), "localhost:" + viewer.port())).startsWith("HTTP/1.1 200");
    assertThat(rawGet(viewer.port(), "127.0.0.1:" + viewer.port())).startsWith("HTTP/1.1 200");
  }

  @Test
  void another_interface_needs_an_access_token_and_every_request_must_carry_it() throws Exception {
    assertThatThrownBy(() -> LocalViewer.builder().host("0.0.0.0").start())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("access token");
    assertThatThrownBy(() -> LocalViewer.builder().accessToken("short"))
        .hasMessage("viewer accessToken must be at least 16 characters");

    Optional<InetAddress> external = externalAddress();
    Assumptions.assumeTrue(external.isPresent(), "no non-loopback IPv4 interface here");
    String token = "a-token-of-32-characters-or-more!";
    viewer = LocalViewer.builder().host(external.get().getHostAddress()).accessToken(token).start();
    assertThat(viewer.url()).doesNotContain(token);
    assertThat(get(viewer.url() + "api/traces", null).statusCode()).isEqualTo(401);
    assertThat(get(viewer.url() + "api/traces", "wrong-token-wrong-token").statusCode())
        .isEqualTo(401);
    assertThat(get(viewer.url() + "api/traces", token).statusCode()).isEqualTo(200);
    assertThat(get(viewer.url() + "?token=" + token, null).statusCode()).isEqualTo(200);
  }

  @Test
  void spans_handed_to_its_exporter_are_listed_and_shown() throws Exception {
    viewer = LocalViewer.builder().start();
    try (SdkTracerProvider tracerProvider =
        SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(viewer.spanExporter()))
            .build()) {
      Span parent = tracerProvider.get("test").spanBuilder("invoke_agent Assistant").startSpan();
      try (var scope = parent.makeCurrent()) {
        tracerProvider
            .get("test")
            .spanBuilder("chat llama3.2")
            .setSpanKind(SpanKind.CLIENT)
            .setAttribute("gen_ai.operation.name", "chat")
            .setAttribute("gen_ai.request.model", "llama3.2")
            .setAttribute(
                "gen_ai.input.messages",
                "[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":\"<script>alert(1)</script>\"}]}]")
            .startSpan()
            .end();
      }
      parent.end();
      String traceId = parent.getSpanContext().getTraceId();

      String list = get(viewer.url() + "api/traces", null).body();
      assertThat(list)
          .contains("\"traceId\":\"" + traceId + "\"")
          .contains("\"rootName\":\"invoke_agent Assistant\"")
          .contains("\"models\":[\"llama3.2\"]");
      String trace = get(viewer.url() + "api/traces/" + traceId, null).body();
      assertThat(trace)
          .contains("\"name\":\"chat llama3.2\"")
          .contains("\"kind\":\"CLIENT\"")
          .contains("\"parentSpanId\":\"" + parent.getSpanContext().getSpanId() + "\"")
          // Served as a JSON string: the page inserts it as text.
          .contains("<script>alert(1)</script>");
      assertThat(get(viewer.url() + "api/summary", null).body())
          .contains("\"model\":\"llama3.2\"")
          .contains("\"calls\":1");
    }
  }

  private HttpResponse<String> get(String url, String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).GET();
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A request with a Host header of our choosing, which the JDK's client would not send. */
  private static String rawGet(int port, String host) throws Exception {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET /api/version HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    }
  }

  private static Optional<InetAddress> externalAddress() throws Exception {
    for (NetworkInterface network : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (!network.isUp() || network.isLoopback()) {
        continue;
      }
      for (InetAddress address : Collections.list(network.getInetAddresses())) {
        if (address instanceof Inet4Address) {
          return Optional.of(address);
        }
      }
    }
    return Optional.empty();
  }
}
