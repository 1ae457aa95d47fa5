package io.llmetry4j.store;

import static java.util.Objects.requireNonNull;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.EmbeddingSearchResult;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.filter.Filter;
import dev.langchain4j.store.embedding.listener.EmbeddingStoreListener;
import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.core.internal.Instrumentation;
import io.llmetry4j.core.internal.SemconvAttributes;
import io.llmetry4j.core.internal.TracedCall;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
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

  static final String ADD = "add";
  static final String ADD_ALL = "add_all";
  static final String REMOVE = "remove";
  static final String REMOVE_ALL = "remove_all";
  static final String SEARCH = "search";

  private final EmbeddingStore<E> delegate;
  private final LlmTelemetry telemetry;
  private final String systemName;
  private final SpanKind kind;
  @Nullable private final String collectionName;
  @Nullable private final String namespace;
  @Nullable private final String serverAddress;
  @Nullable private final Integer serverPort;
  private final TracedCall traced = new TracedCall();
  private final java.util.Map<String, String> spanNames;

  private TracingEmbeddingStore(Builder<E> builder) {
    this.delegate = builder.delegate;
    this.telemetry = builder.telemetry;
    this.systemName =
        builder.dbSystemName != null
            ? builder.dbSystemName
            : StoreSystems.systemName(builder.delegate.getClass());
    this.kind = StoreSystems.isInProcess(systemName) ? SpanKind.INTERNAL : SpanKind.CLIENT;
    this.collectionName = builder.collectionName;
    this.namespace = builder.namespace;
    this.serverAddress = builder.serverAddress;
    this.serverPort = builder.serverPort;
    this.spanNames =
        java.util.Map.of(
            ADD, spanName(ADD),
            ADD_ALL, spanName(ADD_ALL),
            REMOVE, spanName(REMOVE),
            REMOVE_ALL, spanName(REMOVE_ALL),
            SEARCH, spanName(SEARCH));
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
    return traced.call(start(ADD, -1), () -> delegate.add(embedding), null);
  }

  @Override
  public void add(String id, Embedding embedding) {
    traced.run(start(ADD, -1), () -> delegate.add(id, embedding));
  }

  @Override
  public String add(Embedding embedding, E embedded) {
    return traced.call(start(ADD, -1), () -> delegate.add(embedding, embedded), null);
  }

  @Override
  public List<String> addAll(List<Embedding> embeddings) {
    return traced.call(start(ADD_ALL, size(embeddings)), () -> delegate.addAll(embeddings), null);
  }

  @Override
  public List<String> addAll(List<Embedding> embeddings, List<E> embedded) {
    return traced.call(
        start(ADD_ALL, size(embeddings)), () -> delegate.addAll(embeddings, embedded), null);
  }

  @Override
  public void addAll(List<String> ids, List<Embedding> embeddings, List<E> embedded) {
    traced.run(start(ADD_ALL, size(embeddings)), () -> delegate.addAll(ids, embeddings, embedded));
  }

  /** Not an operation on the store: forwarded without a span. */
  @Override
  public List<String> generateIds(int n) {
    return delegate.generateIds(n);
  }

  @Override
  public void remove(String id) {
    traced.run(start(REMOVE, -1), () -> delegate.remove(id));
  }

  @Override
  public void removeAll(Collection<String> ids) {
    traced.run(start(REMOVE_ALL, ids == null ? -1 : ids.size()), () -> delegate.removeAll(ids));
  }

  @Override
  public void removeAll(Filter filter) {
    Span span = start(REMOVE_ALL, -1);
    try {
      StoreAttributes.onFilter(span, filter, telemetry);
    } catch (RuntimeException | LinkageError e) {
      traced.instrumentationFailed(e); // a Filter whose toString throws must not reach the caller
    }
    traced.run(span, () -> delegate.removeAll(filter));
  }

  @Override
  public void removeAll() {
    traced.run(start(REMOVE_ALL, -1), delegate::removeAll);
  }

  @Override
  public EmbeddingSearchResult<E> search(EmbeddingSearchRequest request) {
    Span span = start(SEARCH, -1);
    try {
      if (request != null) {
        StoreAttributes.onSearchRequest(span, request, telemetry);
      }
    } catch (RuntimeException | LinkageError e) {
      traced.instrumentationFailed(e);
    }
    return traced.call(
        span,
        () -> delegate.search(request),
        (s, result) -> StoreAttributes.onSearchResult(s, result, telemetry));
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

  /**
   * Starts an operation's span; never throws (an instrumentation failure gives an invalid span).
   */
  private Span start(String operation, int batchSize) {
    try {
      SpanBuilder span =
          Instrumentation.of(telemetry)
              .tracer()
              .spanBuilder(spanNames.get(operation))
              .setSpanKind(kind)
              .setAttribute(SemconvAttributes.DB_SYSTEM_NAME, systemName)
              .setAttribute(SemconvAttributes.DB_OPERATION_NAME, operation);
      if (collectionName != null) {
        span.setAttribute(SemconvAttributes.DB_COLLECTION_NAME, collectionName);
      }
      if (namespace != null) {
        span.setAttribute(SemconvAttributes.DB_NAMESPACE, namespace);
      }
      if (serverAddress != null) {
        span.setAttribute(SemconvAttributes.SERVER_ADDRESS, serverAddress);
        if (serverPort != null) {
          span.setAttribute(SemconvAttributes.SERVER_PORT, serverPort.longValue());
        }
      }
      // semconv: batch size only for operations on two or more items.
      if (batchSize >= 2) {
        span.setAttribute(SemconvAttributes.DB_OPERATION_BATCH_SIZE, (long) batchSize);
      }
      return span.startSpan();
    } catch (RuntimeException | LinkageError e) {
      traced.instrumentationFailed(e);
      return Span.getInvalid();
    }
  }

  /** semconv DB span name: operation and target (collection, else namespace, else server). */
  private String spanName(String operation) {
    if (collectionName != null) {
      return operation + " " + collectionName;
    }
    if (namespace != null) {
      return operation + " " + namespace;
    }
    if (serverAddress != null) {
      return operation + " " + serverAddress + (serverPort != null ? ":" + serverPort : "");
    }
    return operation;
  }

  private static int size(@Nullable List<?> list) {
    return list == null ? -1 : list.size();
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
