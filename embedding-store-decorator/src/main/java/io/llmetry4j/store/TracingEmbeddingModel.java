package io.llmetry4j.store;

import static java.util.Objects.requireNonNull;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.core.internal.Forwarding;
import io.llmetry4j.core.internal.Instrumentation;
import io.llmetry4j.core.internal.NoArgMethod;
import io.llmetry4j.core.internal.Operation;
import java.lang.reflect.Method;
import java.util.List;
import javax.annotation.Nullable;

/**
 * Wraps an {@link EmbeddingModel} so that every embed call records an {@code embeddings {model}}
 * span and the {@code gen_ai.client.operation.duration} / {@code gen_ai.client.token.usage}
 * metrics, then runs on the wrapped model unchanged:
 *
 * <pre>{@code
 * EmbeddingModel embeddings = TracingEmbeddingModel.wrap(telemetry, new AllMiniLmL6V2EmbeddingModel());
 * }</pre>
 *
 * <p>The wrapper implements {@code EmbeddingModel} as the running LangChain4j defines it: {@code
 * embed(String)}, {@code embed(TextSegment)}, {@code embedAll}, and where present {@code
 * embed(EmbeddingRequest)} and {@code embedAsync} are traced; every other method — {@code
 * dimension()}, {@code provider()}, {@code supportedParameters()}, and whatever later versions add
 * — is the wrapped model's own. {@code addListener(s)} returns a traced model.
 */
public final class TracingEmbeddingModel {

  private static final String EMBEDDING_REQUEST =
      "dev.langchain4j.model.embedding.request.EmbeddingRequest";
  private static final NoArgMethod INPUTS = new NoArgMethod("inputs");

  private TracingEmbeddingModel() {}

  public static EmbeddingModel wrap(LlmTelemetry telemetry, EmbeddingModel delegate) {
    return wrap(telemetry, delegate, null, null);
  }

  /** With an explicit {@code gen_ai.request.model}, for models that do not report their name. */
  public static EmbeddingModel wrap(
      LlmTelemetry telemetry, EmbeddingModel delegate, String modelName) {
    return wrap(telemetry, delegate, requireNonNull(modelName, "modelName"), null);
  }

  private static EmbeddingModel wrap(
      LlmTelemetry telemetry,
      EmbeddingModel delegate,
      @Nullable String modelNameOverride,
      @Nullable Operation<EmbeddingsOperation.Call, Object> existing) {
    requireNonNull(telemetry, "telemetry");
    requireNonNull(delegate, "delegate");
    String modelName =
        modelNameOverride != null ? modelNameOverride : EmbeddingModels.modelName(delegate);
    Operation<EmbeddingsOperation.Call, Object> operation =
        existing != null
            ? existing
            : EmbeddingsOperation.create(
                Instrumentation.of(telemetry),
                EmbeddingModels.providerName(delegate.getClass()),
                modelName);
    return Forwarding.wrap(
        EmbeddingModel.class, delegate, method -> route(method, telemetry, modelName, operation));
  }

  @Nullable
  private static Forwarding.Handler<EmbeddingModel> route(
      Method method,
      LlmTelemetry telemetry,
      @Nullable String modelName,
      Operation<EmbeddingsOperation.Call, Object> operation) {
    if (Forwarding.is(method, "embed", String.class.getName())
        || Forwarding.is(method, "embed", TextSegment.class.getName())) {
      return (model, self, invocation, args) ->
          operation.call(
              new EmbeddingsOperation.Call(1, args[0]), () -> invocation.invoke(model, args));
    }
    if (Forwarding.is(method, "embedAll", List.class.getName())) {
      return (model, self, invocation, args) ->
          operation.call(
              new EmbeddingsOperation.Call(sizeOf(args[0]), args[0]),
              () -> invocation.invoke(model, args));
    }
    if (Forwarding.is(method, "embed", EMBEDDING_REQUEST)) {
      return (model, self, invocation, args) ->
          operation.call(inputsOf(args[0]), () -> invocation.invoke(model, args));
    }
    if (Forwarding.is(method, "embedAsync", EMBEDDING_REQUEST)) {
      return (model, self, invocation, args) ->
          operation.callAsync(inputsOf(args[0]), () -> invocation.invoke(model, args));
    }
    if (method.getName().startsWith("addListener")) {
      // The wrapped model registers the listener; the model it returns stays traced.
      return (model, self, invocation, args) -> {
        Object listening = invocation.invoke(model, args);
        if (listening == model || !(listening instanceof EmbeddingModel)) {
          return listening == model ? self : listening;
        }
        return wrap(telemetry, (EmbeddingModel) listening, modelName, operation);
      };
    }
    return null;
  }

  private static EmbeddingsOperation.Call inputsOf(@Nullable Object request) {
    Object inputs = INPUTS.read(request);
    return new EmbeddingsOperation.Call(sizeOf(inputs), inputs);
  }

  private static int sizeOf(@Nullable Object list) {
    return list instanceof List ? ((List<?>) list).size() : 0;
  }
}
