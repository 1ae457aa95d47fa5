package io.llmetry4j.store;

import static io.opentelemetry.sdk.testing.assertj.OpenTelemetryAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.langchain4j.rag.content.Content;
import dev.langchain4j.rag.content.retriever.EmbeddingStoreContentRetriever;
import dev.langchain4j.rag.query.Query;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.inmemory.InMemoryEmbeddingStore;
import io.llmetry4j.core.LlmTelemetry;
import io.opentelemetry.sdk.testing.junit5.OpenTelemetryExtension;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The embedding API of LangChain4j 1.18+ ({@code embed(EmbeddingRequest)}, input types, {@code
 * provider()}, {@code supportedParameters()}) through the traced model, with the real all-MiniLM
 * model. Compiled against the floor of the range (1.11), so the newer types are reached by
 * reflection; on a LangChain4j without them the tests are skipped (CI runs them with
 * -Plc4j-latest).
 */
class NewerEmbeddingApiTest {

  @RegisterExtension static final OpenTelemetryExtension otel = OpenTelemetryExtension.create();

  private static final String REQUEST = "dev.langchain4j.model.embedding.request.EmbeddingRequest";
  private static final String INPUT_TYPE =
      "dev.langchain4j.model.embedding.request.EmbeddingInputType";

  private static EmbeddingModel miniLm;

  @BeforeAll
  static void model() {
    miniLm = new AllMiniLmL6V2EmbeddingModel();
  }

  private static Class<?> type(String name) {
    try {
      return Class.forName(name);
    } catch (ClassNotFoundException e) {
      return null;
    }
  }

  /** {@code EmbeddingRequest.builder().input(text).inputType(QUERY).build()}. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Object queryRequest(String text) throws Exception {
    Class<?> inputType = type(INPUT_TYPE);
    Object builder = type(REQUEST).getMethod("builder").invoke(null);
    builder.getClass().getMethod("input", String.class).invoke(builder, text);
    builder
        .getClass()
        .getMethod("inputType", inputType)
        .invoke(builder, Enum.valueOf((Class) inputType, "QUERY"));
    return builder.getClass().getMethod("build").invoke(builder);
  }

  /**
   * A recording stand-in around the real all-MiniLM model, named as such: it says it supports the
   * {@code inputType} parameter (all-MiniLM itself refuses it, and no served model here takes it)
   * and records the input type of each request that reaches it; the embedding is all-MiniLM's.
   */
  static final class InputTypeRecordingModel implements java.lang.reflect.InvocationHandler {
    final List<Object> inputTypes = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final EmbeddingModel embeddings;

    InputTypeRecordingModel() {
      this(miniLm);
    }

    /** Around {@code embeddings}, for tests of other classes that load all-MiniLM themselves. */
    InputTypeRecordingModel(EmbeddingModel embeddings) {
      this.embeddings = embeddings;
    }

    final EmbeddingModel model =
        (EmbeddingModel)
            java.lang.reflect.Proxy.newProxyInstance(
                EmbeddingModel.class.getClassLoader(), new Class<?>[] {EmbeddingModel.class}, this);

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      switch (method.getName()) {
        case "supportedParameters":
          Object inputType =
              type("dev.langchain4j.model.embedding.request.EmbeddingRequestParameters")
                  .getField("INPUT_TYPE")
                  .get(null);
          return java.util.Set.of(inputType);
        case "doEmbed":
          inputTypes.add(args[0].getClass().getMethod("inputType").invoke(args[0]));
          return java.lang.reflect.InvocationHandler.invokeDefault(proxy, method, args);
        case "equals":
          return proxy == args[0];
        case "hashCode":
          return System.identityHashCode(proxy);
        case "toString":
          return "input-type recording model";
        case "modelName":
          return "all-minilm-l6-v2";
        default:
          boolean allMiniLms =
              method.getName().equals("embedAll")
                  || method.getName().equals("dimension")
                  || (method.getName().equals("embed")
                      && (method.getParameterTypes()[0] == String.class
                          || method.getParameterTypes()[0] == TextSegment.class));
          if (method.isDefault() && !allMiniLms) {
            return java.lang.reflect.InvocationHandler.invokeDefault(proxy, method, args);
          }
          try {
            return method.invoke(embeddings, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
      }
    }
  }

  /** What a call gives: its result's vectors, or its exception's class and message. */
  private static Object outcome(EmbeddingModel model, Object request) throws Exception {
    Method embed = EmbeddingModel.class.getMethod("embed", type(REQUEST));
    try {
      Object response = embed.invoke(model, request);
      List<?> embeddings = (List<?>) response.getClass().getMethod("embeddings").invoke(response);
      return embeddings.stream()
          .map(e -> ((dev.langchain4j.data.embedding.Embedding) e).vectorAsList())
          .collect(Collectors.toList());
    } catch (InvocationTargetException e) {
      return java.util.Map.of(e.getCause().getClass(), String.valueOf(e.getCause().getMessage()));
    }
  }

  @Test
  void embed_with_a_query_input_type_gives_what_the_bare_model_gives_and_one_span()
      throws Exception {
    assumeTrue(type(REQUEST) != null, "LangChain4j before 1.18: no EmbeddingRequest");
    InputTypeRecordingModel recording = new InputTypeRecordingModel();
    EmbeddingModel traced =
        TracingEmbeddingModel.wrap(LlmTelemetry.create(otel.getOpenTelemetry()), recording.model);
    Object request = queryRequest("What is a span?");

    Object bare = outcome(recording.model, request);
    Object throughWrapper = outcome(traced, request);

    assertThat(bare).as("the bare model embeds a query").isInstanceOf(List.class);
    assertThat(throughWrapper).isEqualTo(bare);
    assertThat(recording.inputTypes)
        .as("the wrapped model received the input type, both times")
        .extracting(Object::toString)
        .containsExactly("QUERY", "QUERY");
    assertThat(otel.getSpans())
        .singleElement()
        .satisfies(
            span ->
                assertThat(span)
                    .hasName("embeddings all-minilm-l6-v2")
                    .hasAttribute(EmbeddingsOperation.BATCH_SIZE, 1L));
  }

  @Test
  void provider_and_supported_parameters_are_the_wrapped_models() throws Exception {
    assumeTrue(type(REQUEST) != null, "LangChain4j before 1.18: no provider()");
    EmbeddingModel traced =
        TracingEmbeddingModel.wrap(LlmTelemetry.create(otel.getOpenTelemetry()), miniLm);

    for (String name : List.of("provider", "supportedParameters", "defaultRequestParameters")) {
      Method method = EmbeddingModel.class.getMethod(name);
      assertThat(method.invoke(traced)).as(name).isEqualTo(method.invoke(miniLm));
    }
    assertThat(otel.getSpans()).isEmpty();
  }

  @Test
  @SuppressWarnings({"unchecked", "rawtypes"})
  void a_retriever_with_a_query_input_type_over_traced_model_and_store_answers_with_spans()
      throws Exception {
    assumeTrue(type(INPUT_TYPE) != null, "LangChain4j before 1.18: no embedding input type");
    LlmTelemetry telemetry = LlmTelemetry.create(otel.getOpenTelemetry());
    InMemoryEmbeddingStore<TextSegment> store = new InMemoryEmbeddingStore<>();
    TextSegment segment = TextSegment.from("A span is one timed operation of a trace.");
    store.add(miniLm.embed(segment).content(), segment);
    EmbeddingStore<TextSegment> tracedStore =
        TracingEmbeddingStore.builder(telemetry, store).collectionName("docs").build();
    InputTypeRecordingModel recording = new InputTypeRecordingModel();
    EmbeddingStoreContentRetriever.EmbeddingStoreContentRetrieverBuilder builder =
        EmbeddingStoreContentRetriever.builder()
            .embeddingStore(tracedStore)
            .embeddingModel(TracingEmbeddingModel.wrap(telemetry, recording.model))
            .maxResults(1);
    Class<?> inputType = type(INPUT_TYPE);
    builder
        .getClass()
        .getMethod("embeddingInputType", inputType)
        .invoke(builder, Enum.valueOf((Class) inputType, "QUERY"));

    List<Content> contents = builder.build().retrieve(Query.from("What is a span?"));

    assertThat(contents)
        .singleElement()
        .satisfies(c -> assertThat(c.textSegment()).isEqualTo(segment));
    assertThat(otel.getSpans())
        .extracting(SpanData::getName)
        .containsExactly("embeddings all-minilm-l6-v2", "search docs");
  }
}
