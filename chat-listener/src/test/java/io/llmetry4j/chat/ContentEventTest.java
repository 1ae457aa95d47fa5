package io.llmetry4j.chat;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.model.ollama.OllamaChatModel;
import io.llmetry4j.core.ContentCapture;
import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.core.internal.SemconvAttributes;
import io.llmetry4j.core.testing.OllamaCassettes;
import io.llmetry4j.core.testing.ReplayHttpServer;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.testing.junit5.OpenTelemetryExtension;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The content modes of OpenTelemetry's GenAI instrumentations, with the real OllamaChatModel over a
 * local server: {@code EVENT_ONLY} puts the content on the {@code
 * gen_ai.client.inference.operation.details} event (a log record in the span's context) and none on
 * the span, {@code SPAN_AND_EVENT} on both, {@code SPAN_ONLY} on the span only.
 */
class ContentEventTest {

  @RegisterExtension static final OpenTelemetryExtension otel = OpenTelemetryExtension.create();

  private final ReplayHttpServer ollama = OllamaCassettes.serveChat(ReplayHttpServer.start());

  @AfterEach
  void stop() {
    ollama.close();
  }

  private void chat(ContentCapture mode) {
    OllamaChatModel.builder()
        .baseUrl(ollama.baseUrl())
        .modelName("llama3")
        .timeout(Duration.ofSeconds(5))
        .listeners(
            List.of(
                TracingChatModelListener.create(
                    LlmTelemetry.builder(otel.getOpenTelemetry()).captureContent(mode).build())))
        .build()
        .chat(OllamaChatListenerTest.chatRequest());
  }

  @Test
  void event_only_puts_the_content_on_the_event_and_none_on_the_span() {
    chat(ContentCapture.EVENT_ONLY);

    SpanData span = otel.getSpans().get(0);
    assertThat(span.getAttributes().get(SemconvAttributes.GEN_AI_INPUT_MESSAGES)).isNull();
    assertThat(span.getAttributes().get(SemconvAttributes.GEN_AI_OUTPUT_MESSAGES)).isNull();
    LogRecordData event = onlyEvent();
    assertThat(event.getSpanContext()).isEqualTo(span.getSpanContext());
    assertThat(event.getAttributes().get(SemconvAttributes.GEN_AI_PROVIDER_NAME))
        .isEqualTo("ollama");
    assertThat(event.getAttributes().get(SemconvAttributes.GEN_AI_REQUEST_MODEL))
        .isEqualTo("llama3");
    assertThat(event.getAttributes().get(SemconvAttributes.GEN_AI_INPUT_MESSAGES))
        .isEqualTo(
            "[{\"role\":\"user\",\"parts\":[{\"type\":\"text\","
                + "\"content\":\"Tell me a joke about OpenTelemetry\"}]}]");
    assertThat(event.getAttributes().get(SemconvAttributes.GEN_AI_OUTPUT_MESSAGES))
        .contains("A joke about OpenTelemetry!");
    assertThat(event.getAttributes().get(SemconvAttributes.GEN_AI_USAGE_INPUT_TOKENS))
        .isEqualTo(17L);
  }

  @Test
  void span_and_event_puts_the_same_content_on_both() {
    chat(ContentCapture.SPAN_AND_EVENT);

    SpanData span = otel.getSpans().get(0);
    LogRecordData event = onlyEvent();
    for (AttributeKey<String> key :
        List.of(
            SemconvAttributes.GEN_AI_INPUT_MESSAGES, SemconvAttributes.GEN_AI_OUTPUT_MESSAGES)) {
      assertThat(span.getAttributes().get(key))
          .isNotNull()
          .isEqualTo(event.getAttributes().get(key));
    }
  }

  @Test
  void span_only_and_no_content_emit_no_event() {
    chat(ContentCapture.SPAN_ONLY);
    chat(ContentCapture.NO_CONTENT);

    assertThat(otel.getSpans()).hasSize(2);
    assertThat(otel.getSpans().get(0).getAttributes().get(SemconvAttributes.GEN_AI_INPUT_MESSAGES))
        .isNotNull();
    assertThat(otel.getSpans().get(1).getAttributes().get(SemconvAttributes.GEN_AI_INPUT_MESSAGES))
        .isNull();
    assertThat(otel.getLogRecords()).isEmpty();
  }

  @Test
  void configuration_values_name_the_mode_and_bad_ones_fail_naming_the_setting() {
    assertThat(ContentCapture.parse("S", "true")).isEqualTo(ContentCapture.SPAN_ONLY);
    assertThat(ContentCapture.parse("S", "False")).isEqualTo(ContentCapture.NO_CONTENT);
    assertThat(ContentCapture.parse("S", "event_only")).isEqualTo(ContentCapture.EVENT_ONLY);
    assertThat(ContentCapture.parse("S", "SPAN_AND_EVENT"))
        .isEqualTo(ContentCapture.SPAN_AND_EVENT);
    assertThat(ContentCapture.parse("S", "NO_CONTENT")).isEqualTo(ContentCapture.NO_CONTENT);
    Throwable thrown =
        org.assertj.core.api.Assertions.catchThrowable(
            () ->
                ContentCapture.parse(
                    "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT", "yes-s3cret"));
    assertThat(thrown)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT")
        .hasMessageNotContaining("s3cret");
  }

  private static LogRecordData onlyEvent() {
    List<LogRecordData> records = otel.getLogRecords();
    assertThat(records).hasSize(1);
    LogRecordData record = records.get(0);
    // API 1.50+ carries the event name itself; older APIs the event.name attribute.
    String name = eventName(record);
    assertThat(name).isEqualTo(ChatExtractor.EVENT);
    return record;
  }

  private static String eventName(LogRecordData record) {
    try {
      Object name = LogRecordData.class.getMethod("getEventName").invoke(record);
      if (name != null) {
        return (String) name;
      }
    } catch (ReflectiveOperationException e) {
      // an SDK before 1.50
    }
    return record.getAttributes().get(AttributeKey.stringKey("event.name"));
  }
}
