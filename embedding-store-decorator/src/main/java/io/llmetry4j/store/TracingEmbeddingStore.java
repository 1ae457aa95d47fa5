package io.llmetry4j.store;

import static io.llmetry4j.store.StoreOperation.ADD;
import static io.llmetry4j.store.StoreOperation.ADD_ALL;
import static io.llmetry4j.store.StoreOperation.REMOVE;
import static io.llmetry4j.store.StoreOperation.REMOVE_ALL;
import static java.util.Objects.requireNonNull;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.EmbeddingSearchResult;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.filter.Filter;
import dev.langchain4j.store.embedding.listener.EmbeddingStoreListener;
import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.core.internal.Instrumentation;
import io.llmetry4j.core.internal.Operation;
import io.llmetry4j.store.StoreOperation.Request;
import java.util.Collection;
import java.util.List;
import javax.annotation.Nullable;

/**
 * An {@link EmbeddingStore} that records a database client span for every operation, then forwards
 * it unchanged to the store it wraps (default methods included, so a store's own overrides still
 * run). Span names follow the semconv DB rule {@code {db.operation.name} {db.collection.name}},
 * e.g. {@code search docs}; operations are {@code add}, {@code add_all}, {@code remove}, {@code
 * remove_all} and {@code search}.
 *
 * <pre>{@code
 * EmbeddingStore<TextSegment> store = TracingEmbeddingStore.builder(telemetry, pgVectorStore)
 *     .collectionName("docs").namespace("rag").server("db.internal", 5432)
 *     .build();
 * }</pre>
 *
 * <p>{@code db.system.name} is inferred from the store's class (Milvus, PgVector, Qdrant, Chroma,
 * Elasticsearch, OpenSearch, Redis, Neo4j, MongoDB, Pinecone, Weaviate, Cassandra/Astra; the
 * in-memory store is {@code langchain4j.in_memory}, with INTERNAL spans). Delegate exceptions are
 * recorded (status ERROR, {@code error.type}) and rethrown unchanged.
 */
public final class TracingEmbeddingStore<E> implements EmbeddingStore<E> {

  private final EmbeddingStore<E> delegate;
  private final LlmTelemetry telemetry;
  private final String systemName;
  @Nullable private final String collectionName;
  @Nullable private final String namespace;
  @Nullable private final String serverAddress;
  @Nullable private final Integer serverPort;
  private final Operation<Request, Object> operation;

  private TracingEmbeddingStore(Builder<E> builder) {
    this.delegate = builder.delegate;
    this.telemetry = builder.telemetry;
    this.systemName =
        builder.dbSystemName != null
            ? builder.dbSystemName
            : StoreSystems.systemName(builder.delegate.getClass());
    this.collectionName = builder.collectionName;
    this.namespace = builder.namespace;
    this.serverAddress = builder.serverAddress;
    this.serverPort = builder.serverPort;
    this.operation =
        StoreOperation.create(
            Instrumentation.of(telemetry),
            systemName,
            collectionName,
            namespace,
            serverAddress,
            serverPort);
  }

  /** Wraps {@code delegate} with what its class tells; use the builder to name the collection. */
  public static <E> TracingEmbeddingStore<E> wrap(
      LlmTelemetry telemetry, EmbeddingStore<E> delegate) {
    return builder(telemetry, delegate).build();
  }

  public static <E> Builder<E> builder(LlmTelemetry telemetry, EmbeddingStore<E> delegate) {
    return new Builder<>(telemetry, delegate);
  }

  @Override
  public String add(Embedding embedding) {
    return operation.call(Request.of(ADD), () -> delegate.add(embedding));
  }

  @Override
  public void add(String id, Embedding embedding) {
    operation.run(Request.of(ADD), () -> delegate.add(id, embedding));
  }

  @Override
  public String add(Embedding embedding, E embedded) {
    return operation.call(Request.of(ADD), () -> delegate.add(embedding, embedded));
  }

  @Override
  public List<String> addAll(List<Embedding> embeddings) {
    return operation.call(Request.batch(ADD_ALL, embeddings), () -> delegate.addAll(embeddings));
  }

  @Override
  public List<String> addAll(List<Embedding> embeddings, List<E> embedded) {
    return operation.call(
        Request.batch(ADD_ALL, embeddings), () -> delegate.addAll(embeddings, embedded));
  }

  @Override
  public void addAll(List<String> ids, List<Embedding> embeddings, List<E> embedded) {
    operation.run(
        Request.batch(ADD_ALL, embeddings), () -> delegate.addAll(ids, embeddings, embedded));
  }

  /** Not an operation on the store: forwarded without a span. */
  @Override
  public List<String> generateIds(int n) {
    return delegate.generateIds(n);
  }

  @Override
  public void remove(String id) {
    operation.run(Request.of(REMOVE), () -> delegate.remove(id));
  }

  @Override
  public void removeAll(Collection<String> ids) {
    operation.run(Request.batch(REMOVE_ALL, ids), () -> delegate.removeAll(ids));
  }

  @Override
  public void removeAll(Filter filter) {
    operation.run(Request.removeAll(filter), () -> delegate.removeAll(filter));
  }

  @Override
  public void removeAll() {
    operation.run(Request.of(REMOVE_ALL), delegate::removeAll);
  }

  @Override
  public EmbeddingSearchResult<E> search(EmbeddingSearchRequest request) {
    return operation.call(Request.search(request), () -> delegate.search(request));
  }

  /** The delegate registers the listener; the store it returns stays traced. */
  @Override
  public EmbeddingStore<E> addListener(EmbeddingStoreListener listener) {
    return rewrap(delegate.addListener(listener));
  }

  @Override
  public EmbeddingStore<E> addListeners(List<EmbeddingStoreListener> listeners) {
    return rewrap(delegate.addListeners(listeners));
  }

  private EmbeddingStore<E> rewrap(EmbeddingStore<E> store) {
    if (store == delegate || store == null) {
      return store == null ? null : this;
    }
    return new Builder<>(telemetry, store).copyFrom(this).build();
  }

  /** Builder of {@link TracingEmbeddingStore}. */
  public static final class Builder<E> {
    private final LlmTelemetry telemetry;
    private final EmbeddingStore<E> delegate;
    @Nullable private String collectionName;
    @Nullable private String namespace;
    @Nullable private String serverAddress;
    @Nullable private Integer serverPort;
    @Nullable private String dbSystemName;

    private Builder(LlmTelemetry telemetry, EmbeddingStore<E> delegate) {
      this.telemetry = requireNonNull(telemetry, "telemetry");
      this.delegate = requireNonNull(delegate, "delegate");
    }

    /** {@code db.collection.name}: the Milvus collection, the pgvector table, the index... */
    public Builder<E> collectionName(String collectionName) {
      this.collectionName = requireNonNull(collectionName, "collectionName");
      return this;
    }

    /** {@code db.namespace}: the database. */
    public Builder<E> namespace(String namespace) {
      this.namespace = requireNonNull(namespace, "namespace");
      return this;
    }

    /** {@code server.address} and {@code server.port} of the store. */
    public Builder<E> server(String address, int port) {
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("server port must be 1..65535, was " + port);
      }
      this.serverAddress = requireNonNull(address, "address");
      this.serverPort = port;
      return this;
    }

    /** Overrides the {@code db.system.name} inferred from the store's class. */
    public Builder<E> dbSystemName(String dbSystemName) {
      this.dbSystemName = requireNonNull(dbSystemName, "dbSystemName");
      return this;
    }

    Builder<E> copyFrom(TracingEmbeddingStore<?> other) {
      this.collectionName = other.collectionName;
      this.namespace = other.namespace;
      this.serverAddress = other.serverAddress;
      this.serverPort = other.serverPort;
      this.dbSystemName = other.systemName;
      return this;
    }

    public TracingEmbeddingStore<E> build() {
      return new TracingEmbeddingStore<>(this);
    }
  }
}
