package io.llmetry4j.mcp;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.equalTo;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.satisfies;
import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.mcp.client.McpClient;
import io.llmetry4j.core.internal.SemconvAttributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The MCP client traced against the MCP SDK's server in a child JVM over stdio. */
class McpStdioTracingTest {

  @Test
  void an_ai_service_tool_call_over_stdio_continues_in_the_server_process_in_the_same_trace(
      @TempDir Path dir) throws Exception {
    Path serverSpans = dir.resolve("server-spans.txt");
    try (McpFixture fixture = new McpFixture()) {
      try (McpClient client = McpFixture.client(fixture.stdioTransport(serverSpans))) {
        String answer = fixture.assistant(client).chat("What is the weather in San Francisco?");
        assertThat(answer).isEqualTo("It is 70 degrees and sunny in San Francisco.");
      }

      SpanData executeTool = fixture.span("execute_tool getWeather");
      SpanData mcpCall = fixture.span("tools/call getWeather");
      OpenTelemetryAssertions.assertThat(mcpCall)
          .hasKind(SpanKind.CLIENT)
          .hasParentSpanId(executeTool.getSpanId())
          .hasTraceId(executeTool.getTraceId())
          .hasAttributesSatisfyingExactly(
              equalTo(SemconvAttributes.MCP_METHOD_NAME, "tools/call"),
              satisfies(SemconvAttributes.JSONRPC_REQUEST_ID, id -> id.matches("\\d+")),
              equalTo(
                  SemconvAttributes.GEN_AI_OPERATION_NAME,
                  SemconvAttributes.OperationName.EXECUTE_TOOL),
              equalTo(SemconvAttributes.GEN_AI_TOOL_NAME, "getWeather"),
              equalTo(SemconvAttributes.NETWORK_TRANSPORT, "pipe"),
              satisfies(
                  SemconvAttributes.MCP_PROTOCOL_VERSION,
                  version -> version.matches("\\d{4}-\\d\\d-\\d\\d")));
      // The server process's span: <traceId> <spanId> <parentSpanId> <kind> <name>
      List<String> lines = Files.readAllLines(serverSpans);
      assertThat(lines).hasSize(1);
      String[] server = lines.get(0).split(" ", 5);
      assertThat(server[0]).isEqualTo(mcpCall.getTraceId());
      assertThat(server[2]).isEqualTo(mcpCall.getSpanId());
      assertThat(server[3]).isEqualTo("SERVER");
      assertThat(server[4]).isEqualTo("tools/call getWeather");
    }
  }
}
