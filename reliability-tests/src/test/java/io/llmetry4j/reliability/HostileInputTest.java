package io.llmetry4j.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.listener.ChatModelErrorContext;
import dev.langchain4j.model.chat.listener.ChatModelRequestContext;
import dev.langchain4j.model.chat.listener.ChatModelResponseContext;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.rag.content.Content;
import dev.langchain4j.rag.content.retriever.ContentRetriever;
import dev.langchain4j.rag.query.Query;
import dev.langchain4j.service.tool.ToolExecutor;
import io.llmetry4j.chat.TracingChatModelListener;
import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.core.internal.SemconvAttributes;
import io.llmetry4j.rag.TracingContentRetriever;
import io.llmetry4j.rag.TracingTools;
import io.opentelemetry.sdk.testing.junit5.OpenTelemetryExtension;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Inputs an instrumentation must survive: no exception escapes, every span stays valid. */
class HostileInputTest {

  @RegisterExtension static final OpenTelemetryExtension otel = OpenTelemetryExtension.create();

  private static final ObjectMapper json = new ObjectMapper();

  private LlmTelemetry capturing(int maxLength) {
    return LlmTelemetry.builder(otel.getOpenTelemetry())
        .captureContent(true)
        .maxContentLength(maxLength)
        .build();
  }

  private static ChatResponse answer(String text) {
    return ChatResponse.builder().aiMessage(AiMessage.from(text)).build();
  }

  @Test
  void null_and_empty_requests_responses_and_attributes_are_survived() {
    TracingChatModelListener listener = TracingChatModelListener.create(capturing(100));
    ChatRequest valid = ChatRequest.builder().messages(UserMessage.from("hi")).build();
    // A request whose message list is empty, and one whose list is null: LangChain4j's builder
    // refuses both, a broken provider module might not.
    ChatRequest empty =
        new ChatRequest(ChatRequest.builder().messages(UserMessage.from("hi"))) {
          @Override
          public List<dev.langchain4j.data.message.ChatMessage> messages() {
            return List.of();
          }
        };
    ChatRequest nullMessages =
        new ChatRequest(ChatRequest.builder().messages(UserMessage.from("hi"))) {
          @Override
          public List<dev.langchain4j.data.message.ChatMessage> messages() {
            return null;
          }
        };

    assertThatCode(
            () -> {
              for (ChatRequest request : List.of(empty, nullMessages)) {
                Map<Object, Object> attributes = new HashMap<>();
                listener.onRequest(
                    new ChatModelRequestContext(request, ModelProvider.OLLAMA, attributes));
                listener.onResponse(
                    new ChatModelResponseContext(
                        answer("ok"), request, ModelProvider.OLLAMA, attributes));
              }
              Map<Object, Object> attributes = new HashMap<>();
              listener.onRequest(
                  new ChatModelRequestContext(valid, null, attributes) {
                    @Override
                    public ChatRequest chatRequest() {
                      return null;
                    }
                  });
              listener.onRequest(
                  new ChatModelRequestContext(valid, ModelProvider.OLLAMA, attributes) {
                    @Override
                    public Map<Object, Object> attributes() {
                      return null;
                    }
                  });
              listener.onResponse(
                  new ChatModelResponseContext(answer("ok"), valid, null, attributes) {
                    @Override
                    public ChatResponse chatResponse() {
                      return null;
                    }
                  });
            })
        .doesNotThrowAnyException();
    assertThat(otel.getSpans()).hasSize(2).allSatisfy(s -> assertThat(s.hasEnded()).isTrue());
  }

  @Test
  void a_one_megabyte_prompt_is_cut_to_the_limit_with_the_marker() throws Exception {
    TracingChatModelListener listener = TracingChatModelListener.create(capturing(4096));
    String huge = "x".repeat(1 << 20);
    Map<Object, Object> attributes = new HashMap<>();
    ChatRequest request =
        ChatRequest.builder().messages(UserMessage.from(huge)).modelName("llama3").build();

    listener.onRequest(new ChatModelRequestContext(request, ModelProvider.OLLAMA, attributes));
    listener.onResponse(
        new ChatModelResponseContext(answer("ok"), request, ModelProvider.OLLAMA, attributes));

    String input =
        otel.getSpans().get(0).getAttributes().get(SemconvAttributes.GEN_AI_INPUT_MESSAGES);
    assertThat(input.length()).isLessThan(4096 + 200);
    assertThat(input).contains("...[truncated, 1048576 chars]");
    json.readTree(input);
  }

  @Test
  void binary_image_content_never_reaches_an_attribute_as_base64() {
    TracingChatModelListener listener = TracingChatModelListener.create(capturing(1 << 20));
    byte[] image = new byte[64 * 1024];
    new Random(1).nextBytes(image);
    String base64 = Base64.getEncoder().encodeToString(image);
    Map<Object, Object> attributes = new HashMap<>();
    ChatRequest request =
        ChatRequest.builder()
            .messages(
                UserMessage.from(
                    TextContent.from("what is this?"), ImageContent.from(base64, "image/png")))
            .build();

    listener.onRequest(new ChatModelRequestContext(request, ModelProvider.OPEN_AI, attributes));
    listener.onResponse(
        new ChatModelResponseContext(answer("a cat"), request, ModelProvider.OPEN_AI, attributes));

    String all = otel.getSpans().get(0).getAttributes().toString();
    assertThat(all).doesNotContain(base64.substring(0, 64));
  }

  @Test
  void unicode_and_control_characters_in_model_and_tool_names_keep_spans_valid() throws Exception {
    String model = "llama\u0000\u202e3-\uD83D\uDE00\t\"x\"";
    String tool = "get\tWeather\u0007\u2028";
    TracingChatModelListener listener = TracingChatModelListener.create(capturing(1000));
    Map<Object, Object> attributes = new HashMap<>();
    ChatRequest request =
        ChatRequest.builder()
            .messages(UserMessage.from("hi \u0000 \uD800 there"))
            .modelName(model)
            .toolSpecifications(
                ToolSpecification.builder().name(tool).description("d\u0001").build())
            .build();
    listener.onRequest(new ChatModelRequestContext(request, ModelProvider.OLLAMA, attributes));
    listener.onResponse(
        new ChatModelResponseContext(
            answer("\uDC00 ok"), request, ModelProvider.OLLAMA, attributes));
    ToolSpecification specification = ToolSpecification.builder().name(tool).build();
    ToolExecutor executor =
        TracingTools.wrap(
                capturing(1000),
                java.util.Map.of(specification, (ToolExecutor) (r, memory) -> "done\u0000"))
            .get(specification);
    executor.execute(
        ToolExecutionRequest.builder()
            .id("\u0001")
            .name(tool)
            .arguments("{\"a\":\"\u0000\"}")
            .build(),
        null);

    SpanData chat = otel.getSpans().get(0);
    assertThat(chat.getName()).isEqualTo("chat " + model);
    for (String key :
        List.of("gen_ai.input.messages", "gen_ai.output.messages", "gen_ai.tool.definitions")) {
      json.readTree(
          chat.getAttributes().get(io.opentelemetry.api.common.AttributeKey.stringKey(key)));
    }
    assertThat(otel.getSpans().get(1).getName()).isEqualTo("execute_tool " + tool);
  }

  @Test
  void a_throwing_redactor_drops_values_without_breaking_anything() {
    LlmTelemetry telemetry =
        LlmTelemetry.builder(otel.getOpenTelemetry())
            .captureContent(true)
            .contentRedactor(
                s -> {
                  throw new IllegalStateException("redactor bug");
                })
            .build();
    ContentRetriever retriever =
        TracingContentRetriever.wrap(telemetry, q -> List.of(Content.from("doc")), "docs");

    assertThat(retriever.retrieve(Query.from(Secrets.QUESTION))).hasSize(1);
    assertThat(
            otel.getSpans()
                .get(0)
                .getAttributes()
                .get(SemconvAttributes.GEN_AI_RETRIEVAL_QUERY_TEXT))
        .isNull();
  }

  @Test
  void the_listener_called_twice_with_one_context_makes_one_span() {
    TracingChatModelListener listener =
        TracingChatModelListener.create(LlmTelemetry.create(otel.getOpenTelemetry()));
    Map<Object, Object> attributes = new HashMap<>();
    ChatRequest request =
        ChatRequest.builder().messages(UserMessage.from("hi")).modelName("llama3").build();
    ChatModelRequestContext requestContext =
        new ChatModelRequestContext(request, ModelProvider.OLLAMA, attributes);
    ChatModelResponseContext responseContext =
        new ChatModelResponseContext(answer("ok"), request, ModelProvider.OLLAMA, attributes);

    listener.onRequest(requestContext);
    listener.onRequest(requestContext);
    listener.onResponse(responseContext);
    listener.onResponse(responseContext);
    listener.onError(
        new ChatModelErrorContext(
            new RuntimeException("late"), request, ModelProvider.OLLAMA, attributes));

    assertThat(otel.getSpans()).hasSize(1);
    assertThat(otel.getSpans().get(0).hasEnded()).isTrue();
    assertThat(otel.getSpans().get(0).getStatus().getStatusCode())
        .isEqualTo(io.opentelemetry.api.trace.StatusCode.UNSET);
  }

  @Test
  void a_decorator_wrapping_a_decorator_nests_and_stays_transparent() {
    LlmTelemetry telemetry = LlmTelemetry.create(otel.getOpenTelemetry());
    List<Content> contents = List.of(Content.from("doc"));
    ContentRetriever twice =
        TracingContentRetriever.wrap(
            telemetry, TracingContentRetriever.wrap(telemetry, q -> contents, "inner"), "outer");

    assertThat(twice.retrieve(Query.from("q"))).isSameAs(contents);
    List<SpanData> spans = otel.getSpans();
    assertThat(spans)
        .extracting(SpanData::getName)
        .containsExactly("retrieval inner", "retrieval outer");
    assertThat(spans.get(0).getParentSpanId()).isEqualTo(spans.get(1).getSpanId());
  }
}
