package io.llmetry4j.core.internal;

import static io.llmetry4j.core.internal.SemconvAttributes.ERROR_TYPE;
import static io.llmetry4j.core.internal.SemconvAttributes.GEN_AI_OPERATION_NAME;
import static io.llmetry4j.core.internal.SemconvAttributes.GEN_AI_PROVIDER_NAME;
import static io.llmetry4j.core.internal.SemconvAttributes.GEN_AI_REQUEST_MODEL;
import static io.llmetry4j.core.internal.SemconvAttributes.GEN_AI_RESPONSE_MODEL;
import static io.llmetry4j.core.internal.SemconvAttributes.GEN_AI_TOKEN_TYPE;
import static io.llmetry4j.core.internal.SemconvAttributes.SERVER_ADDRESS;
import static io.llmetry4j.core.internal.SemconvAttributes.SERVER_PORT;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import javax.annotation.Nullable;

/**
 * The metric attribute sets of one operation (operation, provider, request model, server), built
 * once and reused: recording with the same {@link Attributes} instance spares the SDK rebuilding
 * and rehashing them on every call. Response-model and error variants are cached too, bounded.
 *
 * <p>Not public API: shared by the llmetry4j modules, may change without notice.
 */
public final class GenAiMetricAttributes {

  private static final int MAX_ERROR_TYPES = 32;

  private final Attributes base;
  private final ConcurrentHashMap<String, Attributes> errors = new ConcurrentHashMap<>();
  @Nullable private volatile Success lastSuccess;

  public GenAiMetricAttributes(
      String operation,
      String provider,
      @Nullable String requestModel,
      @Nullable String serverAddress,
      @Nullable Integer serverPort) {
    AttributesBuilder builder =
        Attributes.builder()
            .put(GEN_AI_OPERATION_NAME, operation)
            .put(GEN_AI_PROVIDER_NAME, provider);
    if (requestModel != null) {
      builder.put(GEN_AI_REQUEST_MODEL, requestModel);
    }
    if (serverAddress != null) {
      builder.put(SERVER_ADDRESS, serverAddress);
      if (serverPort != null) {
        builder.put(SERVER_PORT, serverPort.longValue());
      }
    }
    this.base = builder.build();
  }

  /** Operation, provider, request model and server: for the streaming-chunk histograms. */
  public Attributes base() {
    return base;
  }

  /** The attribute sets of a successful call answered by {@code responseModel}. */
  public Success success(@Nullable String responseModel) {
    Success last = lastSuccess;
    if (last != null && Objects.equals(last.responseModel, responseModel)) {
      return last;
    }
    // One model usually answers for one request model: remembering the last one is enough.
    Success created = new Success(base, responseModel);
    lastSuccess = created;
    return created;
  }

  /** The attribute set of a failed call. */
  public Attributes error(String errorType) {
    Attributes cached = errors.get(errorType);
    if (cached != null) {
      return cached;
    }
    Attributes created = base.toBuilder().put(ERROR_TYPE, errorType).build();
    if (errors.size() < MAX_ERROR_TYPES) {
      errors.putIfAbsent(errorType, created);
    }
    return created;
  }

  /** Duration attributes and the two token-usage variants of one response model. */
  public static final class Success {
    @Nullable final String responseModel;
    public final Attributes duration;
    public final Attributes inputTokens;
    public final Attributes outputTokens;

    Success(Attributes base, @Nullable String responseModel) {
      this.responseModel = responseModel;
      this.duration =
          responseModel == null
              ? base
              : base.toBuilder().put(GEN_AI_RESPONSE_MODEL, responseModel).build();
      this.inputTokens =
          duration.toBuilder().put(GEN_AI_TOKEN_TYPE, SemconvAttributes.TokenType.INPUT).build();
      this.outputTokens =
          duration.toBuilder().put(GEN_AI_TOKEN_TYPE, SemconvAttributes.TokenType.OUTPUT).build();
    }
  }
}
