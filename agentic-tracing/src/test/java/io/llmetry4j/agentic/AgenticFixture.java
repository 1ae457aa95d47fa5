package io.llmetry4j.agentic;

import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agentic.Agent;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.listener.ChatModelRequestContext;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.service.UserMessage;
import dev.langchain4j.service.V;
import io.llmetry4j.chat.TracingChatModelListener;
import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.core.testing.ReplayHttpServer;
import io.llmetry4j.core.testing.ReplayHttpServer.Response;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * The agents of the tests: real OpenAI-format clients (LangChain4j's {@code OpenAiChatModel})
 * against a local server on 127.0.0.1 that answers like a model, from recorded answers chosen by
 * what the prompt asks; every chat call traced by llmetry4j's chat listener.
 */
final class AgenticFixture implements AutoCloseable {

  public interface Writer {
    @UserMessage("Write a one-sentence story about {{topic}} that mentions today's weather.")
    @Agent(outputKey = "story", description = "Writes a short story")
    String write(@V("topic") String topic);
  }

  public interface FoodExpert {
    @UserMessage("Suggest one meal that suits this story: {{story}}")
    @Agent(outputKey = "meal", description = "Suggests a meal")
    String meal(@V("story") String story);
  }

  public interface MovieExpert {
    @UserMessage("Suggest one film that suits this story: {{story}}")
    @Agent(outputKey = "film", description = "Suggests a film")
    String film(@V("story") String story);
  }

  public interface Editor {
    @UserMessage("Edit this story to make it more vivid: {{story}}")
    @Agent(outputKey = "story", description = "Edits a story")
    String edit(@V("story") String story);
  }

  public interface Scorer {
    @UserMessage("Score this story from 0.0 to 1.0, answer with the number only: {{story}}")
    @Agent(outputKey = "score", description = "Scores a story")
    double score(@V("story") String story);
  }

  /** The writer's tool. */
  public static final class WeatherTools {
    @Tool("Current weather of a city")
    public String getWeather(String city) {
      return "The weather in " + city + " is 70 degrees and sunny.";
    }
  }

  final InMemorySpanExporter spans = InMemorySpanExporter.create();
  final OpenTelemetrySdk sdk;
  final LlmTelemetry telemetry;
  final ReplayHttpServer server = ReplayHttpServer.start();
  final AtomicInteger scores = new AtomicInteger();

  /** The thread of each chat request, by the first words of its prompt. */
  final Map<String, String> chatThreads = new ConcurrentHashMap<>();

  /** Prompts answered with HTTP 500, by a word they contain. */
  final List<String> failing = Collections.synchronizedList(new ArrayList<>());

  AgenticFixture() {
    this(settings -> settings);
  }

  AgenticFixture(UnaryOperator<LlmTelemetry.Builder> settings) {
    sdk =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .addSpanProcessor(SimpleSpanProcessor.create(spans))
                    .build())
            .build();
    telemetry = settings.apply(LlmTelemetry.builder(sdk)).build();
    server.byDefault("/chat/completions", this::respond);
  }

  /** Like a model: the answer each prompt asks for; the writer asks for its tool first. */
  private Response respond(String body) {
    for (String word : failing) {
      if (body.contains(word)) {
        return Response.json(500, "{\"error\":{\"message\":\"the model is overloaded\"}}");
      }
    }
    if (body.contains("Write a one-sentence story")) {
      return body.contains("\"role\":\"tool\"") || body.contains("\"role\" : \"tool\"")
          ? Response.json(200, answer("A dragon basked in the sunny 70 degrees of Paris."))
          : Response.json(200, resource("openai-tool-call-response.json"));
    }
    if (body.contains("Suggest one meal")) {
      return Response.json(200, answer("Ratatouille."));
    }
    if (body.contains("Suggest one film")) {
      return Response.json(200, answer("How to Train Your Dragon."));
    }
    if (body.contains("Edit this story")) {
      return Response.json(200, answer("A golden dragon basked in the sunny Paris afternoon."));
    }
    if (body.contains("Score this story")) {
      // The first draft is not good enough, the edited one is.
      return Response.json(200, answer(scores.incrementAndGet() == 1 ? "0.5" : "0.9"));
    }
    return Response.json(400, "{\"error\":{\"message\":\"unexpected prompt\"}}");
  }

  /** An OpenAI Chat Completions answer with {@code content}, as the recorded final answer. */
  static String answer(String content) {
    return resource("openai-final-response.json")
        .replace("It is 70 degrees and sunny in San Francisco.", content);
  }

  ChatModel chatModel() {
    ChatModelListener threads =
        new ChatModelListener() {
          @Override
          public void onRequest(ChatModelRequestContext context) {
            String text = context.chatRequest().messages().toString();
            for (String key : List.of("meal", "film", "Write", "Edit", "Score")) {
              if (text.contains(key)) {
                chatThreads.put(key, Thread.currentThread().getName());
              }
            }
          }
        };
    return OpenAiChatModel.builder()
        .baseUrl(server.baseUrl())
        .apiKey("test-key")
        .modelName("gpt-4o-mini")
        .maxRetries(0)
        .timeout(Duration.ofSeconds(10))
        .listeners(List.of(TracingChatModelListener.create(telemetry), threads))
        .build();
  }

  List<SpanData> finished() {
    return spans.getFinishedSpanItems();
  }

  SpanData only(String name) {
    List<SpanData> named = named(name);
    if (named.size() != 1) {
      throw new AssertionError(
          "expected one span " + name + ", got " + named.size() + "\n" + tree());
    }
    return named.get(0);
  }

  List<SpanData> named(String name) {
    return finished().stream()
        .filter(span -> span.getName().equals(name))
        .sorted(Comparator.comparingLong(SpanData::getStartEpochNanos))
        .collect(Collectors.toList());
  }

  /**
   * The spans as an indented tree of names; siblings in start order, except under a parallel
   * workflow, whose branches start in any order and are listed by name.
   */
  String tree() {
    List<SpanData> all = finished();
    List<String> lines = new ArrayList<>();
    all.stream()
        .filter(s -> all.stream().noneMatch(p -> p.getSpanId().equals(s.getParentSpanId())))
        .sorted(Comparator.comparingLong(SpanData::getStartEpochNanos))
        .forEach(root -> append(root, all, "", lines));
    return String.join("\n", lines);
  }

  private static void append(SpanData span, List<SpanData> all, String indent, List<String> lines) {
    lines.add(indent + span.getName());
    boolean parallel =
        "parallel"
            .equals(
                span.getAttributes()
                    .get(
                        io.opentelemetry.api.common.AttributeKey.stringKey(
                            "llmetry4j.agentic.topology")));
    Comparator<SpanData> order =
        parallel
            ? Comparator.comparing(SpanData::getName)
            : Comparator.comparingLong(SpanData::getStartEpochNanos);
    all.stream()
        .filter(s -> s.getParentSpanId().equals(span.getSpanId()))
        .sorted(order)
        .forEach(child -> append(child, all, indent + "  ", lines));
  }

  static String resource(String name) {
    try (InputStream in = AgenticFixture.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    server.close();
    sdk.close();
  }
}
