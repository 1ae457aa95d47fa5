package io.llmetry4j.benchmarks;

import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import io.llmetry4j.chat.TracingChatModelListener;
import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.core.internal.SemconvAttributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.OpenTelemetrySdk;
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
 * Decides whether llmetry4j's span lifecycle ({@code Operation}) could be OpenTelemetry's {@code
 * Instrumenter} (opentelemetry-instrumentation-api 2.15.0) within the overhead targets: added cost
 * per synchronous chat call, span and metrics included, at most 2 µs and at most 2.5× the floor (a
 * bare span with six attributes). The added cost of a variant is its time minus {@code baseline}'s
 * for the same request; the same in-process model ({@link InProcessChatModel}) and SDK ({@link
 * BenchmarkTelemetry}) serve every variant, content capture off:
 *
 * <ul>
 *   <li>{@code listener}: llmetry4j's {@link TracingChatModelListener} as shipped;
 *   <li>{@code instrumenter}: an Instrumenter with OpenTelemetry's incubator GenAI extractors and
 *       metrics (2.15.0-alpha), completed to the same span ({@link
 *       InstrumenterChatListener#otelGenAi});
 *   <li>{@code instrumenterOwnGenAi}: the same Instrumenter with extractors and metrics written to
 *       semconv 1.41.1 ({@link InstrumenterChatListener#ownGenAi}).
 * </ul>
 *
 * <p>{@link #setUp} first runs {@link InstrumenterListenerCheck}: the benchmark refuses to run
 * unless every variant records the same span and metrics as the listener. Settings are those of
 * {@link ChatListenerBenchmark}. Not part of the default build; to reproduce:
 *
 * <pre>{@code
 * mvn -B -pl benchmarks -am package -DskipTests -Pinstrumenter-comparison && java -jar benchmarks/target/benchmarks.jar InstrumenterComparisonBenchmark -prof gc
 * }</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class InstrumenterComparisonBenchmark {

  private OpenTelemetrySdk sdk;
  private ChatModel bare;
  private ChatModel listenerContentOff;
  private ChatModel instrumenterContentOff;
  private ChatModel instrumenterOwnContentOff;
  private Tracer tracer;
  private ChatRequest oneMessage;
  private ChatRequest tenMessages;

  @Setup(Level.Trial)
  public void setUp() {
    // Refuses to run unless the Instrumenter-based listeners record what the hand-written one does.
    InstrumenterListenerCheck.verify();
    sdk = BenchmarkTelemetry.sdk();
    bare = new InProcessChatModel(List.of());
    listenerContentOff =
        new InProcessChatModel(
            List.of(TracingChatModelListener.create(LlmTelemetry.builder(sdk).build())));
    instrumenterContentOff =
        new InProcessChatModel(List.of(InstrumenterChatListener.otelGenAi(sdk)));
    instrumenterOwnContentOff =
        new InProcessChatModel(List.of(InstrumenterChatListener.ownGenAi(sdk)));
    tracer = sdk.getTracer("floor");
    oneMessage =
        ChatRequest.builder()
            .messages(UserMessage.from("Tell me a joke about OpenTelemetry"))
            .modelName("llama3")
            .build();
    tenMessages =
        ChatRequest.builder()
            .messages(ChatListenerBenchmark.tenMessagesOf4Kb())
            .modelName("llama3")
            .build();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    sdk.close();
  }

  @Benchmark
  public ChatResponse baseline_oneMessage() {
    return bare.chat(oneMessage);
  }

  @Benchmark
  public ChatResponse baseline_tenMessages4Kb() {
    return bare.chat(tenMessages);
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

  /** llmetry4j's listener ({@code Operation}), as shipped. */
  @Benchmark
  public ChatResponse listener_contentOff_oneMessage() {
    return listenerContentOff.chat(oneMessage);
  }

  @Benchmark
  public ChatResponse listener_contentOff_tenMessages4Kb() {
    return listenerContentOff.chat(tenMessages);
  }

  /** The same span and metrics through an Instrumenter with OTel's incubator GenAI helpers. */
  @Benchmark
  public ChatResponse instrumenter_contentOff_oneMessage() {
    return instrumenterContentOff.chat(oneMessage);
  }

  @Benchmark
  public ChatResponse instrumenter_contentOff_tenMessages4Kb() {
    return instrumenterContentOff.chat(tenMessages);
  }

  /** The same Instrumenter with semconv 1.41.1 extractors and metrics written for it. */
  @Benchmark
  public ChatResponse instrumenterOwnGenAi_contentOff_oneMessage() {
    return instrumenterOwnContentOff.chat(oneMessage);
  }

  @Benchmark
  public ChatResponse instrumenterOwnGenAi_contentOff_tenMessages4Kb() {
    return instrumenterOwnContentOff.chat(tenMessages);
  }
}
