package io.llmetry4j.benchmarks;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import io.llmetry4j.chat.TracingChatModelListener;
import io.llmetry4j.core.LlmTelemetry;
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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of a chat call with content capture on once the per-span content budget is full: a memory of
 * 200 and of 2,000 messages of ~2 KB each (the budget keeps the newest ~30), with and without
 * OpenLLMetry compatibility, beside the untraced call. The cost must stay flat in the history
 * length: only the newest messages that fit are serialised.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ContentBudgetBenchmark {

  @Param({"200", "2000"})
  public int messages;

  private OpenTelemetrySdk sdk;
  private ChatModel bare;
  private ChatModel traced;
  private ChatModel tracedCompat;
  private ChatRequest request;

  @Setup(Level.Trial)
  public void setUp() {
    sdk = BenchmarkTelemetry.sdk();
    bare = new InProcessChatModel(List.of());
    traced =
        new InProcessChatModel(
            List.of(
                TracingChatModelListener.create(
                    LlmTelemetry.builder(sdk).captureContent(true).build())));
    tracedCompat =
        new InProcessChatModel(
            List.of(
                TracingChatModelListener.create(
                    LlmTelemetry.builder(sdk)
                        .captureContent(true)
                        .openLlmetryCompat(true)
                        .build())));
    request = ChatRequest.builder().messages(memory(messages)).modelName("llama3").build();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    sdk.close();
  }

  /** A system message, {@code count} alternating turns of ~2 KB, and the newest question. */
  static List<ChatMessage> memory(int count) {
    List<ChatMessage> memory = new ArrayList<>();
    memory.add(SystemMessage.from("You answer questions about the bakery."));
    for (int i = 0; i < count; i++) {
      String text = ("turn " + i + ": the sourdough needs a long, cool proof. ").repeat(40);
      memory.add(i % 2 == 0 ? UserMessage.from(text) : AiMessage.from(text));
    }
    memory.add(UserMessage.from("When does the bakery open?"));
    return memory;
  }

  @Benchmark
  public ChatResponse baseline() {
    return bare.chat(request);
  }

  @Benchmark
  public ChatResponse contentOn() {
    return traced.chat(request);
  }

  @Benchmark
  public ChatResponse contentOnCompat() {
    return tracedCompat.chat(request);
  }
}
