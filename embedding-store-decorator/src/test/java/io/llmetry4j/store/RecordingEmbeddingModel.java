package io.llmetry4j.store;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.listener.EmbeddingModelListener;
import dev.langchain4j.model.output.Response;
import dev.langchain4j.model.output.TokenUsage;
import java.util.ArrayList;
import java.util.List;

/** Test double, named as one: records every call, answers fixed embeddings, can throw. */
class RecordingEmbeddingModel implements EmbeddingModel {

  final List<String> calls = new ArrayList<>();
  final Response<Embedding> single =
      Response.from(Embedding.from(new float[] {1, 2, 3}), new TokenUsage(4));
  final Response<List<Embedding>> many =
      Response.from(
          List.of(Embedding.from(new float[] {1, 2, 3}), Embedding.from(new float[] {4, 5, 6})),
          new TokenUsage(9));
  RuntimeException failure;

  private void record(String call) {
    calls.add(call);
    if (failure != null) {
      throw failure;
    }
  }

  @Override
  public Response<Embedding> embed(String text) {
    record("embed(String) " + text);
    return single;
  }

  @Override
  public Response<Embedding> embed(TextSegment segment) {
    record("embed(TextSegment) " + segment.text());
    return single;
  }

  @Override
  public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
    record("embedAll " + segments.size());
    return many;
  }

  @Override
  public int dimension() {
    record("dimension");
    return 3;
  }

  @Override
  public String modelName() {
    calls.add("modelName");
    return "recording-model";
  }

  @Override
  public EmbeddingModel addListener(EmbeddingModelListener listener) {
    record("addListener");
    return this;
  }
}
