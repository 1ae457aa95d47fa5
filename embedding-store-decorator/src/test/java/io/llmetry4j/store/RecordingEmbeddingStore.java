package io.llmetry4j.store;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.store.embedding.EmbeddingMatch;
import dev.langchain4j.store.embedding.EmbeddingSearchRequest;
import dev.langchain4j.store.embedding.EmbeddingSearchResult;
import dev.langchain4j.store.embedding.EmbeddingStore;
import dev.langchain4j.store.embedding.filter.Filter;
import dev.langchain4j.store.embedding.listener.EmbeddingStoreListener;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Test double, named as one: a store that overrides every interface method (defaults included),
 * records each call with its arguments, returns fixed results, and can be told to throw.
 */
class RecordingEmbeddingStore implements EmbeddingStore<TextSegment> {

  record Call(String method, List<Object> args) {}

  final List<Call> calls = new ArrayList<>();
  final EmbeddingSearchResult<TextSegment> searchResult =
      new EmbeddingSearchResult<>(
          List.of(new EmbeddingMatch<>(0.91, "id-1", null, TextSegment.from("first"))));
  final List<String> generatedIds = List.of("gen-1", "gen-2");
  RuntimeException failure;

  private void record(String method, Object... args) {
    calls.add(new Call(method, java.util.Arrays.asList(args)));
    if (failure != null) {
      throw failure;
    }
  }

  @Override
  public String add(Embedding embedding) {
    record("add(Embedding)", embedding);
    return "added-1";
  }

  @Override
  public void add(String id, Embedding embedding) {
    record("add(String,Embedding)", id, embedding);
  }

  @Override
  public String add(Embedding embedding, TextSegment embedded) {
    record("add(Embedding,E)", embedding, embedded);
    return "added-2";
  }

  @Override
  public List<String> addAll(List<Embedding> embeddings) {
    record("addAll(List)", embeddings);
    return List.of("all-1");
  }

  @Override
  public List<String> addAll(List<Embedding> embeddings, List<TextSegment> embedded) {
    record("addAll(List,List)", embeddings, embedded);
    return List.of("all-2");
  }

  @Override
  public void addAll(List<String> ids, List<Embedding> embeddings, List<TextSegment> embedded) {
    record("addAll(ids,List,List)", ids, embeddings, embedded);
  }

  @Override
  public List<String> generateIds(int n) {
    record("generateIds", n);
    return generatedIds;
  }

  @Override
  public void remove(String id) {
    record("remove", id);
  }

  @Override
  public void removeAll(Collection<String> ids) {
    record("removeAll(ids)", ids);
  }

  @Override
  public void removeAll(Filter filter) {
    record("removeAll(Filter)", filter);
  }

  @Override
  public void removeAll() {
    record("removeAll()");
  }

  @Override
  public EmbeddingSearchResult<TextSegment> search(EmbeddingSearchRequest request) {
    record("search", request);
    return searchResult;
  }

  @Override
  public EmbeddingStore<TextSegment> addListener(EmbeddingStoreListener listener) {
    record("addListener", listener);
    return this;
  }

  @Override
  public EmbeddingStore<TextSegment> addListeners(List<EmbeddingStoreListener> listeners) {
    record("addListeners", listeners);
    return this;
  }
}
