package io.llmetry4j.store;

import static io.llmetry4j.store.StoreOperation.ADD;
import static io.llmetry4j.store.StoreOperation.ADD_ALL;
import static io.llmetry4j.store.StoreOperation.REMOVE;
import static io.llmetry4j.store.StoreOperation.REMOVE_ALL;
import static java.util.Objects.requireNonNull;

import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.filter.Filter;
import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.core.internal.Forwarding;
import io.llmetry4j.core.internal.Instrumentation;
import io.llmetry4j.core.internal.Operation;
import io.llmetry4j.store.StoreOperation.Request;
import java.lang.reflect.Method;
import java.util.Collection;
import javax.annotation.Nullable;

/**
 * Wraps an {@link EmbeddingStore} so that every operation records a database client span, then runs
 * on the wrapped store unchanged. The wrapper implements {@code EmbeddingStore} as the running
 * LangChain4j defines it: the add, remove and search methods (and {@code searchAsync} where
 * present) are traced; every other method, present or added by later versions, is the wrapped
 * store's own. Span names follow the semconv DB rule {@code {db.operation.name}
 * {db.collection.name}}, e.g. {@code search docs}; operations are {@code add}, {@code add_all},
 * {@code remove}, {@code remove_all} and {@code search}.
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
public final class TracingEmbeddingStore {

  private static final String SEARCH_REQUEST =
      "dev.langchain4j.store.embedding.EmbeddingSearchRequest";
  private static final String EMBEDDING = "dev.langchain4j.data.embedding.Embedding";
  private static final String STRING = "java.lang.String";
  private static final String LIST = "java.util.List";
  private static final String OBJECT = "java.lang.Object";

  private TracingEmbeddingStore() {}

  /** Wraps {@code delegate} with what its class tells; use the builder to name the collection. */
  public static <E> EmbeddingStore<E> wrap(LlmTelemetry telemetry, EmbeddingStore<E> delegate) {
    return builder(telemetry, delegate).build();
  }

  public static <E> Builder<E> builder(LlmTelemetry telemetry, EmbeddingStore<E> delegate) {
    return new Builder<>(telemetry, delegate);
  }

  @SuppressWarnings("unchecked")
  private static <E> EmbeddingStore<E> wrap(
      Builder<E> builder, Operation<Request, Object> operation) {
    return Forwarding.wrap(
        EmbeddingStore.class, builder.delegate, method -> route(method, builder, operation));
  }

  @Nullable
  @SuppressWarnings({"rawtypes", "unchecked"})
  private static Forwarding.Handler<EmbeddingStore> route(
      Method method, Builder<?> builder, Operation<Request, Object> operation) {
    if (Forwarding.is(method, "add", EMBEDDING)
        || Forwarding.is(method, "add", STRING, EMBEDDING)
        || Forwarding.is(method, "add", EMBEDDING, OBJECT)) {
      return traced(operation, args -> Request.of(ADD));
    }
    if (Forwarding.is(method, "addAll", LIST) || Forwarding.is(method, "addAll", LIST, LIST)) {
      return traced(operation, args -> Request.batch(ADD_ALL, (Collection<?>) args[0]));
    }
    if (Forwarding.is(method, "addAll", LIST, LIST, LIST)) {
      return traced(operation, args -> Request.batch(ADD_ALL, (Collection<?>) args[1]));
    }
    if (Forwarding.is(method, "remove", STRING)) {
      return traced(operation, args -> Request.of(REMOVE));
    }
    if (Forwarding.is(method, "removeAll", Collection.class.getName())) {
      return traced(operation, args -> Request.batch(REMOVE_ALL, (Collection<?>) args[0]));
    }
    if (Forwarding.is(method, "removeAll", Filter.class.getName())) {
      return traced(operation, args -> Request.removeAll((Filter) args[0]));
    }
    if (Forwarding.is(method, "removeAll")) {
      return traced(operation, args -> Request.of(REMOVE_ALL));
    }
    if (Forwarding.is(method, "search", SEARCH_REQUEST)) {
      return traced(operation, args -> Request.search((EmbeddingSearchRequest) args[0]));
    }
    if (Forwarding.is(method, "searchAsync", SEARCH_REQUEST)) {
      return (store, self, invocation, args) ->
          operation.callAsync(
              Request.search((EmbeddingSearchRequest) args[0]),
              () -> invocation.invoke(store, args));
    }
    if (method.getName().startsWith("addListener")) {
      // The wrapped store registers the listener; the store it returns stays traced.
      return (store, self, invocation, args) -> {
        Object listening = invocation.invoke(store, args);
        if (listening == store) {
          return self;
        }
        return listening instanceof EmbeddingStore
            ? new Builder<>(builder.telemetry, (EmbeddingStore) listening).copyFrom(builder).build()
            : listening;
      };
    }
    return null; // generateIds and anything newer: the wrapped store's own
  }

  @SuppressWarnings("rawtypes")
  private static Forwarding.Handler<EmbeddingStore> traced(
      Operation<Request, Object> operation,
      java.util.function.Function<Object[], Request> request) {
    return (store, self, invocation, args) ->
        operation.call(request.apply(args), () -> invocation.invoke(store, args));
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

    Builder<E> copyFrom(Builder<?> other) {
      this.collectionName = other.collectionName;
      this.namespace = other.namespace;
      this.serverAddress = other.serverAddress;
      this.serverPort = other.serverPort;
      this.dbSystemName = other.dbSystemName;
      return this;
    }

    /** The traced store. */
    public EmbeddingStore<E> build() {
      String systemName =
          dbSystemName != null ? dbSystemName : StoreSystems.systemName(delegate.getClass());
      Operation<Request, Object> operation =
          StoreOperation.create(
              Instrumentation.of(telemetry),
              systemName,
              collectionName,
              namespace,
              serverAddress,
              serverPort);
      // A copy: later changes to this builder do not reach the stores built from it.
      return wrap(new Builder<>(telemetry, delegate).copyFrom(this), operation);
    }
  }
}
