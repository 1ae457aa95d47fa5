package io.llmetry4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.api.GlobalOpenTelemetry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** QuickStart against the Ollama stand-in, exporting to an OTLP/HTTP receiver on 127.0.0.1. */
class QuickStartTest {

  private static final List<String> SETTINGS =
      List.of(
          "APM_ENDPOINT",
          "APM_TOKEN",
          "HOST_NAME",
          "OLLAMA_BASE_URL",
          "OLLAMA_MODEL",
          "otel.exporter.otlp.protocol");

  @AfterEach
  void reset() {
    SETTINGS.forEach(System::clearProperty);
    GlobalOpenTelemetry.resetForTest();
  }

  @Test
  void quick_start_exports_the_entry_span_and_the_chat_span_with_the_tencent_resource()
      throws Exception {
    List<byte[]> requests = new CopyOnWriteArrayList<>();
    HttpServer receiver =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    receiver.createContext(
        "/",
        exchange -> {
          byte[] body = exchange.getRequestBody().readAllBytes();
          if (exchange.getRequestURI().getPath().equals("/v1/traces")) {
            requests.add(body);
          }
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    receiver.start();
    PrintStream originalOut = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OllamaStandIn standIn = new OllamaStandIn()) {
      System.setProperty("APM_ENDPOINT", "http://127.0.0.1:" + receiver.getAddress().getPort());
      System.setProperty("APM_TOKEN", "quickstart-token-not-logged");
      System.setProperty("HOST_NAME", "test-host");
      System.setProperty("OLLAMA_BASE_URL", standIn.baseUrl());
      System.setProperty("OLLAMA_MODEL", "llmetry4j-stand-in");
      System.setProperty("otel.exporter.otlp.protocol", "http/protobuf");
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      QuickStart.main(new String[0]);
    } finally {
      System.setOut(originalOut);
      receiver.stop(0);
    }

    assertThat(out.toString(StandardCharsets.UTF_8)).isNotBlank();
    List<OtlpProtobufReader> exports =
        requests.stream().map(OtlpProtobufReader::read).collect(Collectors.toList());
    List<OtlpProtobufReader.SpanInfo> spans =
        exports.stream().flatMap(e -> e.spans.stream()).collect(Collectors.toList());
    assertThat(spans)
        .extracting(OtlpProtobufReader.SpanInfo::name)
        .containsExactlyInAnyOrder("entry func", "chat llmetry4j-stand-in");
    assertThat(
            spans.stream()
                .filter(s -> s.name().equals("entry func"))
                .findFirst()
                .orElseThrow()
                .attributes())
        .containsEntry("func", "main");
    assertThat(
            spans.stream()
                .filter(s -> s.name().startsWith("chat"))
                .findFirst()
                .orElseThrow()
                .attributes())
        .containsEntry("gen_ai.operation.name", "chat")
        .containsEntry("gen_ai.provider.name", "ollama");
    Map<String, String> resource = exports.get(0).resource;
    assertThat(resource)
        .containsEntry("service.name", "llm-quickstart")
        .containsEntry("token", "quickstart-token-not-logged")
        .containsEntry("host.name", "test-host");
  }
}
