package io.llmetry4j.benchmarks;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.output.Response;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.EmbeddingSearchResult;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.inmemory.InMemoryEmbeddingStore;
import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.store.TracingEmbeddingModel;
import io.llmetry4j.store.TracingEmbeddingStore;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
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
 * Added cost of {@link TracingEmbeddingStore} per {@code search} over a bare in-memory store of
 * 1,000 vectors of dimension 384, and of {@link TracingEmbeddingModel} per {@code embed} over a
 * stub model. Content capture off.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class StoreBenchmark {

  private OpenTelemetrySdk sdk;
  private EmbeddingStore<TextSegment> bareStore;
  private EmbeddingStore<TextSegment> tracedStore;
  private EmbeddingStore<TextSegment> stubStore;
  private EmbeddingStore<TextSegment> tracedStubStore;
  private EmbeddingModel bareModel;
  private EmbeddingModel tracedModel;
  private EmbeddingSearchRequest request;

  @Setup(Level.Trial)
  public void setUp() {
    sdk = BenchmarkTelemetry.sdk();
    LlmTelemetry telemetry = LlmTelemetry.create(sdk);
    Random random = new Random(42);
    InMemoryEmbeddingStore<TextSegment> store = new InMemoryEmbeddingStore<>();
    List<Embedding> embeddings = new ArrayList<>();
    List<TextSegment> segments = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      embeddings.add(randomVector(random));
      segments.add(TextSegment.from("segment " + i));
    }
    store.addAll(embeddings, segments);
    bareStore = store;
    tracedStore = TracingEmbeddingStore.builder(telemetry, store).collectionName("docs").build();
    request =
        EmbeddingSearchRequest.builder().queryEmbedding(randomVector(random)).maxResults(5).build();
    stubStore = new StubStore(store.search(request));
    tracedStubStore =
        TracingEmbeddingStore.builder(telemetry, stubStore).collectionName("docs").build();
    bareModel = new StubEmbeddingModel(randomVector(random));
    tracedModel = TracingEmbeddingModel.wrap(telemetry, bareModel);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    sdk.close();
  }

  private static Embedding randomVector(Random random) {
    float[] vector = new float[384];
    for (int i = 0; i < vector.length; i++) {
      vector[i] = random.nextFloat() - 0.5f;
    }
    return Embedding.from(vector);
  }

  @Benchmark
  public EmbeddingSearchResult<TextSegment> search_bare() {
    return bareStore.search(request);
  }

  @Benchmark
  public EmbeddingSearchResult<TextSegment> search_traced() {
    return tracedStore.search(request);
  }

  /** The wrapper alone: the same search answered at once by a stub with a fixed result. */
  @Benchmark
  public EmbeddingSearchResult<TextSegment> searchStub_bare() {
    return stubStore.search(request);
  }

  @Benchmark
  public EmbeddingSearchResult<TextSegment> searchStub_traced() {
    return tracedStubStore.search(request);
  }

  @Benchmark
  public Response<Embedding> embed_bare() {
    return bareModel.embed("What does a span record?");
  }

  @Benchmark
  public Response<Embedding> embed_traced() {
    return tracedModel.embed("What does a span record?");
  }

  /** A stub, named as one: answers the search result of the real store, recorded at setup. */
  static final class StubStore implements EmbeddingStore<TextSegment> {
    private final EmbeddingSearchResult<TextSegment> result;

    StubStore(EmbeddingSearchResult<TextSegment> result) {
      this.result = result;
    }

    @Override
    public EmbeddingSearchResult<TextSegment> search(EmbeddingSearchRequest request) {
      return result;
    }

    @Override
    public String add(Embedding embedding) {
      throw new UnsupportedOperationException("search only");
    }

    @Override
    public void add(String id, Embedding embedding) {
      throw new UnsupportedOperationException("search only");
    }

    @Override
    public String add(Embedding embedding, TextSegment embedded) {
      throw new UnsupportedOperationException("search only");
    }

    @Override
    public List<String> addAll(List<Embedding> embeddings) {
      throw new UnsupportedOperationException("search only");
    }
  }

  /** A stub, named as one: answers a fixed vector at once, so only the wrapper is measured. */
  static final class StubEmbeddingModel implements EmbeddingModel {
    private final Response<Embedding> response;

    StubEmbeddingModel(Embedding embedding) {
      this.response = Response.from(embedding);
    }

    @Override
    public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
      return Response.from(List.of(response.content()));
    }

    @Override
    public Response<Embedding> embed(String text) {
      return response;
    }

    @Override
    public String modelName() {
      return "stub-embedder";
    }
  }
}
