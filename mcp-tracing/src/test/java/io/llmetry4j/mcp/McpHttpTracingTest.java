package io.llmetry4j.mcp;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.equalTo;
import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.satisfies;
import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.mcp.client.McpClient;
import dev.langchain4j.service.tool.ToolExecutionResult;
import io.llmetry4j.core.internal.SemconvAttributes;
import io.llmetry4j.core.testing.SemconvSpans;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The MCP client traced against the MCP SDK's streamable HTTP server on 127.0.0.1. */
class McpHttpTracingTest {

  @Test
  void
      an_ai_service_tool_call_is_execute_tool_then_tools_call_client_then_the_server_span_in_one_trace()
          throws Exception {
    try (McpFixture fixture = new McpFixture()) {
      String url = fixture.startHttpServer();
      int port = java.net.URI.create(url).getPort();
      try (McpClient client = McpFixture.client(fixture.httpTransport())) {
        String answer = fixture.assistant(client).chat("What is the weather in San Francisco?");
        assertThat(answer).isEqualTo("It is 70 degrees and sunny in San Francisco.");
      }

      SpanData executeTool = fixture.span("execute_tool getWeather");
      SpanData mcpCall = fixture.span("tools/call getWeather");
      List<SpanData> serverSpans =
          fixture.finishedSpans().stream()
              .filter(span -> span.getKind() == SpanKind.SERVER)
              .toList();
      assertThat(serverSpans).hasSize(1);
      SpanData server = serverSpans.get(0);

      OpenTelemetryAssertions.assertThat(mcpCall)
          .hasKind(SpanKind.CLIENT)
          .hasParentSpanId(executeTool.getSpanId())
          .hasTraceId(executeTool.getTraceId())
          .hasAttributesSatisfying(
              equalTo(SemconvAttributes.MCP_METHOD_NAME, "tools/call"),
              satisfies(SemconvAttributes.JSONRPC_REQUEST_ID, id -> id.matches("\\d+")),
              equalTo(
                  SemconvAttributes.GEN_AI_OPERATION_NAME,
                  SemconvAttributes.OperationName.EXECUTE_TOOL),
              equalTo(SemconvAttributes.GEN_AI_TOOL_NAME, "getWeather"),
              equalTo(SemconvAttributes.NETWORK_TRANSPORT, "tcp"),
              equalTo(SemconvAttributes.NETWORK_PROTOCOL_NAME, "http"),
              equalTo(SemconvAttributes.SERVER_ADDRESS, "127.0.0.1"),
              equalTo(SemconvAttributes.SERVER_PORT, (long) port),
              satisfies(
                  SemconvAttributes.MCP_PROTOCOL_VERSION,
                  version -> version.matches("\\d{4}-\\d\\d-\\d\\d")));
      // The session id where the transport tells it (public from LangChain4j 1.13), else none.
      String sessionId = mcpCall.getAttributes().get(SemconvAttributes.MCP_SESSION_ID);
      if (transportTellsSessionId()) {
        assertThat(sessionId).isNotBlank();
        assertThat(mcpCall.getAttributes().size()).isEqualTo(10);
      } else {
        assertThat(sessionId).isNull();
        assertThat(mcpCall.getAttributes().size()).isEqualTo(9);
      }
      SemconvSpans.assertConforms(mcpCall, "span.mcp.client");
      OpenTelemetryAssertions.assertThat(server)
          .hasName("tools/call getWeather")
          .hasTraceId(mcpCall.getTraceId())
          .hasParentSpanId(mcpCall.getSpanId());
      // The HTTP request of the call carried the MCP client span's context too.
      assertThat(fixture.traceparentHeaders)
          .anySatisfy(
              header ->
                  assertThat(header)
                      .startsWith("00-" + mcpCall.getTraceId() + "-" + mcpCall.getSpanId() + "-"));
      // The tool list came from the server once, inside the same AI Service call.
      SpanData toolsList = fixture.span("tools/list");
      OpenTelemetryAssertions.assertThat(toolsList)
          .hasKind(SpanKind.CLIENT)
          .hasTraceId(executeTool.getTraceId());
      SemconvSpans.assertConforms(toolsList, "span.mcp.client");
      // Nothing stays current after the call.
      assertThat(io.opentelemetry.api.trace.Span.current().getSpanContext().isValid()).isFalse();
      assertThat(Context.current()).isSameAs(Context.root());
    }
  }

  @Test
  void a_tool_result_flagged_as_error_is_a_tool_error() throws Exception {
    try (McpFixture fixture = new McpFixture()) {
      fixture.startHttpServer();
      try (McpClient client = McpFixture.client(fixture.httpTransport())) {
        Object outcome;
        try {
          outcome =
              client.executeTool(
                  ToolExecutionRequest.builder()
                      .id("1")
                      .name("brokenForecast")
                      .arguments("{}")
                      .build());
        } catch (RuntimeException e) {
          outcome = e; // LangChain4j's own handling of an isError result, whatever it is
        }
        assertThat(outcome).isNotNull();
      }
      SpanData span = fixture.span("tools/call brokenForecast");
      SemconvSpans.assertConforms(span, "span.mcp.client");
      OpenTelemetryAssertions.assertThat(span)
          .hasStatus(
              io.opentelemetry.sdk.trace.data.StatusData.create(
                  StatusCode.ERROR, McpSpanAttributes.TOOL_ERROR_DESCRIPTION));
      assertThat(span.getAttributes().get(SemconvAttributes.ERROR_TYPE)).isEqualTo("tool_error");
      assertThat(span.getAttributes().get(SemconvAttributes.RPC_RESPONSE_STATUS_CODE)).isNull();
    }
  }

  @Test
  void an_unknown_tool_is_the_json_rpc_error_code_and_the_exception_reaches_the_caller()
      throws Exception {
    try (McpFixture fixture = new McpFixture()) {
      fixture.startHttpServer();
      Throwable untraced;
      Throwable traced;
      try (McpClient client =
          McpFixture.client(
              dev.langchain4j.mcp.client.transport.http.StreamableHttpMcpTransport.builder()
                  .url(fixture.mcpUrl())
                  .build())) {
        untraced = catchThrowable(client);
      }
      try (McpClient client = McpFixture.client(fixture.httpTransport())) {
        traced = catchThrowable(client);
      }
      assertThat(traced).isNotNull().hasSameClassAs(untraced).hasMessage(untraced.getMessage());

      SpanData span = fixture.span("tools/call noSuchTool");
      assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
      assertThat(span.getAttributes().get(SemconvAttributes.ERROR_TYPE)).isEqualTo("-32602");
      assertThat(span.getAttributes().get(SemconvAttributes.RPC_RESPONSE_STATUS_CODE))
          .isEqualTo("-32602");
    }
  }

  private static Throwable catchThrowable(McpClient client) {
    try {
      client.executeTool(
          ToolExecutionRequest.builder().id("1").name("noSuchTool").arguments("{}").build());
      return null;
    } catch (Throwable e) {
      return e;
    }
  }

  @Test
  void tools_list_is_a_client_span_under_the_current_span() throws Exception {
    try (McpFixture fixture = new McpFixture()) {
      fixture.startHttpServer();
      List<ToolSpecification> tools;
      io.opentelemetry.api.trace.Span parent =
          fixture.sdk.getTracer("test").spanBuilder("parent").startSpan();
      try (McpClient client = McpFixture.client(fixture.httpTransport());
          io.opentelemetry.context.Scope ignored = parent.makeCurrent()) {
        tools = client.listTools();
      } finally {
        parent.end();
      }
      assertThat(tools).extracting(ToolSpecification::name).contains("getWeather");
      SpanData span = fixture.span("tools/list");
      OpenTelemetryAssertions.assertThat(span)
          .hasKind(SpanKind.CLIENT)
          .hasParentSpanId(parent.getSpanContext().getSpanId())
          .hasAttribute(SemconvAttributes.MCP_METHOD_NAME, "tools/list");
      assertThat(span.getAttributes().get(SemconvAttributes.GEN_AI_OPERATION_NAME)).isNull();
      // initialize, at client construction, is a span of its own trace.
      OpenTelemetryAssertions.assertThat(fixture.span("initialize"))
          .hasKind(SpanKind.CLIENT)
          .hasAttribute(SemconvAttributes.MCP_METHOD_NAME, "initialize");
    }
  }

  @Test
  void tool_arguments_and_result_are_recorded_only_with_content_capture_on() throws Exception {
    for (boolean capture : new boolean[] {false, true}) {
      try (McpFixture fixture = new McpFixture(settings -> settings.captureContent(capture))) {
        fixture.startHttpServer();
        try (McpClient client = McpFixture.client(fixture.httpTransport())) {
          ToolExecutionResult result =
              client.executeTool(
                  ToolExecutionRequest.builder()
                      .id("1")
                      .name("getWeather")
                      .arguments("{\"city\":\"Paris\"}")
                      .build());
          assertThat(result.resultText())
              .isEqualTo("The weather in Paris is 70 degrees and sunny.");
        }
        SpanData span = fixture.span("tools/call getWeather");
        AttributeKey<String> arguments = SemconvAttributes.GEN_AI_TOOL_CALL_ARGUMENTS;
        AttributeKey<String> result = SemconvAttributes.GEN_AI_TOOL_CALL_RESULT;
        if (capture) {
          assertThat(span.getAttributes().get(arguments)).isEqualTo("{\"city\":\"Paris\"}");
          assertThat(span.getAttributes().get(result))
              .contains("The weather in Paris is 70 degrees and sunny.");
        } else {
          assertThat(span.getAttributes().get(arguments)).isNull();
          assertThat(span.getAttributes().get(result)).isNull();
        }
      }
    }
  }

  private static boolean transportTellsSessionId() {
    try {
      dev.langchain4j.mcp.client.transport.http.StreamableHttpMcpTransport.class.getMethod(
          "getMcpSessionId");
      return true;
    } catch (NoSuchMethodException e) {
      return false;
    }
  }
}
