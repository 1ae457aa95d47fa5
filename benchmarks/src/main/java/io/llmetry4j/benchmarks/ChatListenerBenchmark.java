package io.llmetry4j.benchmarks;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import io.llmetry4j.chat.TracingChatModel;
import io.llmetry4j.chat.TracingChatModelListener;
import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.core.TokenPrices;
import io.llmetry4j.core.internal.SemconvAttributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Added cost of {@link TracingChatModelListener} per synchronous chat call: the same in-process
 * model with and without the listener, content off and on (10 messages, 4 KB), with the listener
 * and {@link TracingChatModel} (the span current around the provider's call), and the floor (a bare
 * span with six attributes). Run with {@code -prof gc} for bytes per call.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ChatListenerBenchmark {

  private OpenTelemetrySdk sdk;
  private ChatModel bare;
  private ChatModel tracedContentOff;
  // The same listener with a price table that prices the call (#24).
  private ChatModel tracedContentOffPriced;
  private ChatModel tracedContentOn;
  // The listener and TracingChatModel: the span current around the provider's call.
  private ChatModel wrappedContentOff;
  private Tracer tracer;
  private ChatRequest oneMessage;
  private ChatRequest tenMessages;

  @Setup(Level.Trial)
  public void setUp() {
    sdk = BenchmarkTelemetry.sdk();
    bare = new InProcessChatModel(List.of());
    tracedContentOff =
        new InProcessChatModel(
            List.of(TracingChatModelListener.create(LlmTelemetry.builder(sdk).build())));
    tracedContentOffPriced =
        new InProcessChatModel(
            List.of(
                TracingChatModelListener.create(
                    LlmTelemetry.builder(sdk)
                        .tokenPrices(
                            TokenPrices.builder()
                                .price(
                                    TokenPrices.price("ollama", "llama3", "USD")
                                        .perMillionTokens()
                                        .input("0.10")
                                        .output("0.40"))
                                .build())
                        .build())));
    tracedContentOn =
        new InProcessChatModel(
            List.of(
                TracingChatModelListener.create(
                    LlmTelemetry.builder(sdk).captureContent(true).build())));
    wrappedContentOff =
        TracingChatModel.wrap(
            new InProcessChatModel(
                List.of(TracingChatModelListener.create(LlmTelemetry.builder(sdk).build()))));
    tracer = sdk.getTracer("floor");
    oneMessage =
        ChatRequest.builder()
            .messages(UserMessage.from("Tell me a joke about OpenTelemetry"))
            .modelName("llama3")
            .build();
    tenMessages = ChatRequest.builder().messages(tenMessagesOf4Kb()).modelName("llama3").build();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    sdk.close();
  }

  /** A system prompt and nine turns, 4,096 characters in all. */
  static List<ChatMessage> tenMessagesOf4Kb() {
    List<ChatMessage> messages = new ArrayList<>();
    String chunk = "The quick brown fox jumps over the lazy dog while tracing spans. ".repeat(7);
    String text = chunk.substring(0, 409);
    messages.add(SystemMessage.from(text + "!"));
    for (int i = 0; i < 9; i++) {
      String turn = text + (i % 10);
      messages.add(i % 2 == 0 ? UserMessage.from(turn) : AiMessage.from(turn));
    }
    return messages;
  }

  @Benchmark
  public ChatResponse baseline_oneMessage() {
    return bare.chat(oneMessage);
  }

  @Benchmark
  public ChatResponse listener_contentOff_oneMessage() {
    return tracedContentOff.chat(oneMessage);
  }

  /** With token prices: the call's cost on its span, the cost counter (#24). */
  @Benchmark
  public ChatResponse listener_contentOff_priced_oneMessage() {
    return tracedContentOffPriced.chat(oneMessage);
  }

  @Benchmark
  public ChatResponse wrapper_contentOff_oneMessage() {
    return wrappedContentOff.chat(oneMessage);
  }

  @Benchmark
  public ChatResponse baseline_tenMessages4Kb() {
    return bare.chat(tenMessages);
  }

  @Benchmark
  public ChatResponse listener_contentOff_tenMessages4Kb() {
    return tracedContentOff.chat(tenMessages);
  }

  @Benchmark
  public ChatResponse listener_contentOn_tenMessages4Kb() {
    return tracedContentOn.chat(tenMessages);
  }

  /**
   * Calls whose ten messages the listener has never serialised (#25): the untraced call, content
   * off and content on, in each script.
   */
  @Benchmark
  public ChatResponse baseline_firstTime(FirstTimeMessages messages) {
    return bare.chat(messages.next());
  }

  @Benchmark
  public ChatResponse listener_contentOff_firstTime(FirstTimeMessages messages) {
    return tracedContentOff.chat(messages.next());
  }

  @Benchmark
  public ChatResponse listener_contentOn_firstTime(FirstTimeMessages messages) {
    return tracedContentOn.chat(messages.next());
  }

  /**
   * Requests of ten messages never sent before (a system prompt and nine turns of ~410 characters
   * each, {@link BenchmarkTexts}'), made as an application makes them just before its call: new
   * message objects around new strings (written the moment before, their hash codes not computed).
   * Each text is one of {@link #BASES} texts with the call's serial number after it, so no text is
   * ever sent twice and no cache of the listener's can serve one. The untraced call pays for making
   * the request and its texts too.
   *
   * <p>Until December 2026 the texts came from a rotation through 20,480 texts made at set-up: 8–16
   * MB the untraced call never read, so the listener alone paid for fetching them from memory, and
   * a text came back every 2,048 calls, so the message cache noted some as sent before
   * (docs/performance.md).
   */
  @State(Scope.Benchmark)
  public static class FirstTimeMessages {
    static final int BASES = 64;

    @Param({"latin", "chinese", "emoji", "mixed"})
    public String script;

    private String[] bases;
    private int nextBase;
    private long serial;

    @Setup(Level.Trial)
    public void setUp() {
      bases = new String[BASES];
      for (int i = 0; i < BASES; i++) {
        bases[i] = BenchmarkTexts.message(script, i);
      }
      System.out.println(
          "# "
              + script
              + ": "
              + recordedCharacters(next())
              + " characters of content recorded per call");
    }

    ChatRequest next() {
      // The call's serial number after each text: a string never made before, made in one copy.
      String serial = "." + this.serial++;
      List<ChatMessage> messages = new ArrayList<>(10);
      messages.add(SystemMessage.from(nextBase().concat(serial)));
      for (int i = 1; i < 10; i++) {
        String turn = nextBase().concat(serial);
        messages.add(i % 2 == 1 ? UserMessage.from(turn) : AiMessage.from(turn));
      }
      return ChatRequest.builder().messages(messages).modelName("llama3").build();
    }

    private String nextBase() {
      String base = bases[nextBase];
      nextBase = (nextBase + 1) & (BASES - 1);
      return base;
    }

    /**
     * The content attributes' characters of one traced call, read from a span exported to memory.
     */
    static int recordedCharacters(ChatRequest request) {
      InMemorySpanExporter spans = InMemorySpanExporter.create();
      try (OpenTelemetrySdk sdk =
          OpenTelemetrySdk.builder()
              .setTracerProvider(
                  SdkTracerProvider.builder()
                      .addSpanProcessor(SimpleSpanProcessor.create(spans))
                      .build())
              .build()) {
        new InProcessChatModel(
                List.of(
                    TracingChatModelListener.create(
                        LlmTelemetry.builder(sdk).captureContent(true).build())))
            .chat(request);
        int characters = 0;
        for (String key :
            List.of(
                "gen_ai.input.messages", "gen_ai.output.messages", "gen_ai.system_instructions")) {
          String value =
              spans
                  .getFinishedSpanItems()
                  .get(0)
                  .getAttributes()
                  .get(io.opentelemetry.api.common.AttributeKey.stringKey(key));
          characters += value == null ? 0 : value.length();
        }
        return characters;
      }
    }
  }

  /** The floor: a bare span started with six attributes and ended. */
  @Benchmark
  public void floor_bareSpanSixAttributes() {
    tracer
        .spanBuilder("chat llama3")
        .setSpanKind(SpanKind.CLIENT)
        .setAttribute(SemconvAttributes.GEN_AI_OPERATION_NAME, "chat")
        .setAttribute(SemconvAttributes.GEN_AI_PROVIDER_NAME, "ollama")
        .setAttribute(SemconvAttributes.GEN_AI_REQUEST_MODEL, "llama3")
        .setAttribute(SemconvAttributes.GEN_AI_RESPONSE_MODEL, "llama3")
        .setAttribute(SemconvAttributes.GEN_AI_USAGE_INPUT_TOKENS, 17L)
        .setAttribute(SemconvAttributes.GEN_AI_USAGE_OUTPUT_TOKENS, 66L)
        .startSpan()
        .end();
  }
}
