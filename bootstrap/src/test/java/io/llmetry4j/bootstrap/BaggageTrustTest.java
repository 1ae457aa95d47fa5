package io.llmetry4j.bootstrap;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.core.internal.SemconvAttributes;
import io.llmetry4j.core.testing.CapturedOutput;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.baggage.BaggageBuilder;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Baggage from other services is untrusted input: what a hostile upstream caller can put in the
 * {@code baggage} header never overwrites a span's attributes, never crowds them out, never grows
 * llmetry4j's memory, and is stamped at all only where the service says it trusts its callers.
 */
class BaggageTrustTest {

  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();

  private OpenTelemetrySdk sdk(AssociationPropertiesSpanProcessor processor) {
    return OpenTelemetrySdk.builder()
        .setTracerProvider(
            SdkTracerProvider.builder()
                .addSpanProcessor(processor)
                .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                .build())
        .build();
  }

  /** The context a server extracts from a request carrying {@code header} as its baggage. */
  private static Context inbound(String header) {
    Map<String, String> carrier = Map.of("baggage", header);
    return W3CBaggagePropagator.getInstance()
        .extract(
            Context.root(),
            carrier,
            new TextMapGetter<Map<String, String>>() {
              @Override
              public Iterable<String> keys(Map<String, String> c) {
                return c.keySet();
              }

              @Override
              public String get(Map<String, String> c, String key) {
                return c.get(key);
              }
            });
  }

  /** A span like llmetry4j's chat span, started with its own attributes, under {@code parent}. */
  private SpanData chatSpanUnder(OpenTelemetrySdk sdk, Context parent) {
    Span span =
        sdk.getTracer("test")
            .spanBuilder("chat llama3")
            .setParent(parent)
            .setAttribute(SemconvAttributes.GEN_AI_OPERATION_NAME, "chat")
            .setAttribute(AttributeKey.stringKey("user.id"), "own-user")
            .startSpan();
    span.setAttribute(SemconvAttributes.GEN_AI_USAGE_INPUT_TOKENS, 17L);
    span.end();
    return exporter.getFinishedSpanItems().get(exporter.getFinishedSpanItems().size() - 1);
  }

  @Test
  void an_upstream_caller_cannot_rewrite_a_spans_own_attributes_even_when_trusted() {
    OpenTelemetrySdk sdk = sdk(AssociationPropertiesSpanProcessor.create(false, true));

    SpanData span =
        chatSpanUnder(
            sdk,
            inbound(
                "llmetry4j.gen_ai.operation.name=pwned,llmetry4j.user.id=evil,"
                    + "llmetry4j.session.id=s-1"));

    assertThat(span)
        .hasAttribute(SemconvAttributes.GEN_AI_OPERATION_NAME, "chat")
        .hasAttribute(AttributeKey.stringKey("user.id"), "own-user")
        .hasAttribute(AttributeKey.stringKey("session.id"), "s-1");
  }

  @Test
  void untrusted_by_default_inbound_properties_are_not_stamped_but_local_ones_are()
      throws Exception {
    OpenTelemetrySdk sdk = sdk(AssociationPropertiesSpanProcessor.create(false));
    Context remote =
        inbound("llmetry4j.session.id=forged,llmetry4j.llmetry4j.association.tenant=x");

    SpanData fromRemote = chatSpanUnder(sdk, remote);
    SpanData local;
    try (io.opentelemetry.context.Scope ignored = remote.makeCurrent()) {
      local =
          LlmTelemetry.create(sdk)
              .workflow("w")
              .sessionId("s-local")
              .call(() -> chatSpanUnder(sdk, Context.current()));
    }

    assertThat(fromRemote.getAttributes().get(AttributeKey.stringKey("session.id"))).isNull();
    assertThat(
            fromRemote.getAttributes().get(AttributeKey.stringKey("llmetry4j.association.tenant")))
        .isNull();
    assertThat(local).hasAttribute(AttributeKey.stringKey("session.id"), "s-local");
  }

  @Test
  void two_hundred_properties_never_push_the_spans_own_attributes_out() {
    AssociationPropertiesSpanProcessor processor =
        AssociationPropertiesSpanProcessor.create(false, true);
    OpenTelemetrySdk sdk = sdk(processor);
    BaggageBuilder baggage = Baggage.builder();
    for (int i = 0; i < 200; i++) {
      baggage.put("llmetry4j.llmetry4j.association.k" + i, "v" + i);
    }

    try (CapturedOutput output = CapturedOutput.start()) {
      SpanData span = chatSpanUnder(sdk, Context.root().with(baggage.build()));

      long stamped =
          span.getAttributes().asMap().keySet().stream()
              .filter(key -> key.getKey().startsWith("llmetry4j.association."))
              .count();
      assertThat(stamped).isEqualTo(AssociationPropertiesSpanProcessor.MAX_STAMPED_PER_SPAN);
      assertThat(span)
          .hasAttribute(SemconvAttributes.GEN_AI_OPERATION_NAME, "chat")
          .hasAttribute(SemconvAttributes.GEN_AI_USAGE_INPUT_TOKENS, 17L);
      assertThat(processor.overflowCount()).isEqualTo(200 - 32);
      assertThat(
              output.logLines(
                  line -> line.text().contains("association properties over the limits")))
          .hasSize(1);
    }
  }

  @Test
  void under_the_bound_the_conventions_properties_win_over_the_applications_own() {
    AssociationPropertiesSpanProcessor processor =
        AssociationPropertiesSpanProcessor.create(false, true);
    OpenTelemetrySdk sdk = sdk(processor);
    BaggageBuilder baggage = Baggage.builder();
    for (int i = 0; i < 200; i++) {
      baggage.put("llmetry4j.llmetry4j.association.k" + i, "v" + i);
    }
    // In key order these come after every llmetry4j.llmetry4j.association.* key.
    baggage.put("llmetry4j.session.id", "s-1").put("llmetry4j.gen_ai.conversation.id", "c-1");

    try (CapturedOutput ignored = CapturedOutput.start()) {
      SpanData span = chatSpanUnder(sdk, Context.root().with(baggage.build()));

      assertThat(span)
          .hasAttribute(SemconvAttributes.GEN_AI_CONVERSATION_ID, "c-1")
          .hasAttribute(AttributeKey.stringKey("session.id"), "s-1");
      assertThat(
              span.getAttributes().asMap().keySet().stream()
                  .filter(key -> key.getKey().startsWith("llmetry4j.association.")))
          .hasSize(AssociationPropertiesSpanProcessor.MAX_STAMPED_PER_SPAN - 2);
    }
  }

  @Test
  void new_keys_from_callers_cannot_grow_the_key_cache_without_bound() {
    AssociationPropertiesSpanProcessor processor =
        AssociationPropertiesSpanProcessor.create(false, true);
    OpenTelemetrySdk sdk = sdk(processor);

    for (int i = 0; i < 1000; i++) {
      chatSpanUnder(sdk, inbound("llmetry4j.llmetry4j.association.key" + i + "=v"));
    }

    // The first 256 distinct keys are cached and stamped; later ones are counted, not kept.
    assertThat(processor.overflowCount())
        .isEqualTo(1000 - AssociationPropertiesSpanProcessor.MAX_CACHED_KEYS);
    assertThat(
            exporter
                .getFinishedSpanItems()
                .get(999)
                .getAttributes()
                .get(AttributeKey.stringKey("llmetry4j.association.key999")))
        .isNull();
  }

  @Test
  void keys_that_are_not_w3c_baggage_keys_fail_when_set_and_are_ignored_when_received() {
    LlmTelemetry telemetry = LlmTelemetry.create(OpenTelemetrySdk.builder().build());
    for (String key : new String[] {"a b", "a=b", "a,b", "ключ", ""}) {
      Throwable thrown = catchThrowable(() -> telemetry.workflow("w").property(key, "v"));
      assertThat(thrown)
          .as(key)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'" + key + "'")
          .hasMessageContaining("W3C baggage key");
    }
    OpenTelemetrySdk sdk = sdk(AssociationPropertiesSpanProcessor.create(false, true));
    Baggage forged =
        Baggage.builder()
            .put("llmetry4j.llmetry4j.association.a b", "x")
            .put("llmetry4j.user.id", "u")
            .build();

    sdk.getTracer("t").spanBuilder("s").setParent(Context.root().with(forged)).startSpan().end();
    SpanData span = exporter.getFinishedSpanItems().get(0);

    assertThat(span.getAttributes().get(AttributeKey.stringKey("llmetry4j.association.a b")))
        .isNull();
    assertThat(span).hasAttribute(AttributeKey.stringKey("user.id"), "u");
  }

  @Test
  void properties_set_here_reach_downstream_services_intact() throws Exception {
    LlmTelemetry telemetry = LlmTelemetry.create(OpenTelemetrySdk.builder().build());
    Map<String, String> headers = new HashMap<>();

    telemetry
        .workflow("client")
        .property("tenant", "acme, inc=1")
        .userId("user 7")
        .run(() -> W3CBaggagePropagator.getInstance().inject(Context.current(), headers, Map::put));

    Baggage received = Baggage.fromContext(inbound(headers.get("baggage")));
    assertThat(received.getEntryValue("llmetry4j.llmetry4j.association.tenant"))
        .isEqualTo("acme, inc=1");
    assertThat(received.getEntryValue("llmetry4j.user.id")).isEqualTo("user 7");
  }
}
