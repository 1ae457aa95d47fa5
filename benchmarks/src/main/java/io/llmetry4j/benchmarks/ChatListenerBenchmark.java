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
