package io.llmetry4j.store;

import static java.util.Objects.requireNonNull;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.listener.EmbeddingModelListener;
import dev.langchain4j.model.output.Response;
import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.core.internal.Instrumentation;
import io.llmetry4j.core.internal.Operation;
import java.util.List;
import javax.annotation.Nullable;

/**
 * An {@link EmbeddingModel} that records an {@code embeddings {model}} span and the {@code
 * gen_ai.client.operation.duration} / {@code gen_ai.client.token.usage} metrics for every embed
 * call, then forwards it unchanged. {@code dimension()} and {@code modelName()} pass through
 * without spans (a model may compute its dimension by embedding a probe text: that call is not the
 * application's).
 *
 * <pre>{@code
 * EmbeddingModel embeddings = TracingEmbeddingModel.wrap(telemetry, new AllMiniLmL6V2EmbeddingModel());
 * }</pre>
 */
public final class TracingEmbeddingModel implements EmbeddingModel {

  private final EmbeddingModel delegate;
  private final LlmTelemetry telemetry;
  @Nullable private final String modelName;
  // Request: how many texts the call embeds.
  private final Operation<Integer, Response<?>> operation;

  private TracingEmbeddingModel(
      LlmTelemetry telemetry, EmbeddingModel delegate, @Nullable String modelNameOverride) {
    this.delegate = requireNonNull(delegate, "delegate");
    this.telemetry = requireNonNull(telemetry, "telemetry");
    this.modelName =
        modelNameOverride != null ? modelNameOverride : EmbeddingModels.modelName(delegate);
    this.operation =
        EmbeddingsOperation.create(
            Instrumentation.of(telemetry),
            EmbeddingModels.providerName(delegate.getClass()),
            modelName);
  }

  public static TracingEmbeddingModel wrap(LlmTelemetry telemetry, EmbeddingModel delegate) {
    return new TracingEmbeddingModel(telemetry, delegate, null);
  }

  /** With an explicit {@code gen_ai.request.model}, for models that do not report their name. */
  public static TracingEmbeddingModel wrap(
      LlmTelemetry telemetry, EmbeddingModel delegate, String modelName) {
    return new TracingEmbeddingModel(telemetry, delegate, requireNonNull(modelName, "modelName"));
  }

  @Override
  public Response<Embedding> embed(String text) {
    return operation.call(1, () -> delegate.embed(text));
  }

  @Override
  public Response<Embedding> embed(TextSegment textSegment) {
    return operation.call(1, () -> delegate.embed(textSegment));
  }

  @Override
  public Response<List<Embedding>> embedAll(List<TextSegment> textSegments) {
    return operation.call(
        textSegments == null ? 0 : textSegments.size(), () -> delegate.embedAll(textSegments));
  }

  @Override
  public int dimension() {
    return delegate.dimension();
  }

  @Override
  public String modelName() {
    return delegate.modelName();
  }

  @Override
  public EmbeddingModel addListener(EmbeddingModelListener listener) {
    EmbeddingModel listening = delegate.addListener(listener);
    return listening == delegate
        ? this
        : new TracingEmbeddingModel(telemetry, listening, modelName);
  }

  @Override
  public EmbeddingModel addListeners(List<EmbeddingModelListener> listeners) {
    EmbeddingModel listening = delegate.addListeners(listeners);
    return listening == delegate
        ? this
        : new TracingEmbeddingModel(telemetry, listening, modelName);
  }
}
