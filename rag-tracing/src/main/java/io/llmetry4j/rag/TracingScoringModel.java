package io.llmetry4j.rag;

import static java.util.Objects.requireNonNull;

import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.output.Response;
import dev.langchain4j.model.output.TokenUsage;
import dev.langchain4j.model.scoring.ScoringModel;
import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.core.internal.Forwarding;
import io.llmetry4j.core.internal.GenAiMetricAttributes;
import io.llmetry4j.core.internal.GenAiOperationMetrics;
import io.llmetry4j.core.internal.Instrumentation;
import io.llmetry4j.core.internal.ModelUsage;
import io.llmetry4j.core.internal.Operation;
import io.llmetry4j.core.internal.SemconvAttributes;
import io.llmetry4j.core.internal.ServerAddress;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import java.util.List;
import java.util.Locale;
import javax.annotation.Nullable;

/**
 * Wraps a {@link ScoringModel} (a re-ranker: Cohere, Jina, Voyage, a local cross-encoder) so that
 * each {@code scoreAll} (and {@code score}) is a {@code rerank {model}} span: CLIENT for a remote
 * service, with the provider, the model, the server, how many documents were scored and their
 * scores, the tokens the provider reports; {@code score} calls too. Every other method is the
 * model's own.
 *
 * <pre>{@code
 * ScoringModel reranker = TracingScoringModel.builder(telemetry, cohere)
 *     .providerName("cohere")
 *     .requestModel("rerank-english-v3.0")
 *     .server("api.cohere.com", 443)
 *     .build();
 * }</pre>
 *
 * <p>LangChain4j's scoring models tell neither their model nor their server: give them to the
 * builder. Semconv 1.41.1 has no re-ranking operation: the span is named and keyed as the GenAI
 * conventions name their client operations ({@code gen_ai.operation.name=rerank}, the name an open
 * proposal of the GenAI conventions uses), with llmetry4j's own keys for what they do not define.
 * The query is content (recorded with content capture on only); scores are not.
 */
public final class TracingScoringModel {

  /** The {@code gen_ai.operation.name} of a re-ranking call. */
  static final String RERANK = "rerank";

  /** llmetry4j's own: how many documents the call scored. */
  static final AttributeKey<Long> DOCUMENT_COUNT =
      AttributeKey.longKey("llmetry4j.rerank.document_count");

  /** llmetry4j's own: the scores, in the order of the documents. */
  static final AttributeKey<List<Double>> SCORES =
      AttributeKey.doubleArrayKey("llmetry4j.rerank.scores");

  /** llmetry4j's own: the search units Cohere billed (its client reports them as token usage). */
  static final AttributeKey<Long> SEARCH_UNITS =
      AttributeKey.longKey("llmetry4j.rerank.search_units");

  private TracingScoringModel() {}

  /** {@code model}, traced; its provider guessed from its package ({@code cohere}, ...). */
  public static ScoringModel wrap(LlmTelemetry telemetry, ScoringModel model) {
    return builder(telemetry, model).build();
  }

  public static Builder builder(LlmTelemetry telemetry, ScoringModel model) {
    return new Builder(telemetry, model);
  }

  /** One scoring call: the documents scored and the query. */
  static final class ScoreCall {
    final List<TextSegment> segments;
    @Nullable final String query;

    ScoreCall(List<TextSegment> segments, @Nullable String query) {
      this.segments = segments;
      this.query = query;
    }

    /** How the arguments of one scoring method read as a call. */
    interface Reader {
      ScoreCall read(Object[] args);
    }

    /** The reader of {@code method}'s arguments, or null for a method that scores nothing. */
    @Nullable
    @SuppressWarnings("unchecked")
    static Reader readerOf(java.lang.reflect.Method method) {
      if (Forwarding.is(method, "scoreAll", List.class.getName(), String.class.getName())) {
        return args -> new ScoreCall((List<TextSegment>) args[0], (String) args[1]);
      }
      if (Forwarding.is(method, "score", TextSegment.class.getName(), String.class.getName())) {
        return args ->
            new ScoreCall(
                args[0] == null ? List.of() : List.of((TextSegment) args[0]), (String) args[1]);
      }
      if (Forwarding.is(method, "score", String.class.getName(), String.class.getName())) {
        return args ->
            new ScoreCall(
                args[0] == null ? List.of() : List.of(TextSegment.from((String) args[0])),
                (String) args[1]);
      }
      return null;
    }
  }

  private static final class Attributes implements Operation.Extractor<ScoreCall, Response<?>> {
    private final Instrumentation instrumentation;
    private final Builder settings;

    Attributes(Instrumentation instrumentation, Builder settings) {
      this.instrumentation = instrumentation;
      this.settings = settings;
    }

    @Override
    public void onStart(SpanBuilder span, ScoreCall call) {
      span.setAttribute(SemconvAttributes.GEN_AI_OPERATION_NAME, RERANK)
          .setAttribute(SemconvAttributes.GEN_AI_PROVIDER_NAME, settings.providerName);
      if (settings.requestModel != null) {
        span.setAttribute(SemconvAttributes.GEN_AI_REQUEST_MODEL, settings.requestModel);
      }
      if (settings.serverAddress != null) {
        span.setAttribute(SemconvAttributes.SERVER_ADDRESS, settings.serverAddress);
        span.setAttribute(SemconvAttributes.SERVER_PORT, (long) settings.serverPort);
      }
      if (call.segments != null) {
        span.setAttribute(DOCUMENT_COUNT, (long) call.segments.size());
      }
    }

    @Override
    public void onRecordingStart(Span span, ScoreCall call) {
      if (instrumentation.captureContent()) {
        instrumentation.recordContent(
            span, SemconvAttributes.GEN_AI_RETRIEVAL_QUERY_TEXT, call.query);
      }
    }

    @Override
    public void onEnd(
        Span span, ScoreCall call, @Nullable Response<?> response, @Nullable Throwable error) {
      if (response == null) {
        return;
      }
      Object content = response.content();
      if (content instanceof Double) {
        span.setAttribute(SCORES, List.of((Double) content));
      } else if (content instanceof List && !((List<?>) content).contains(null)) {
        @SuppressWarnings("unchecked")
        List<Double> scores = (List<Double>) content;
        span.setAttribute(SCORES, scores);
      }
      TokenUsage usage = response.tokenUsage();
      if (usage != null && usage.inputTokenCount() != null) {
        // Cohere's client reports its billed search units where tokens would be: not tokens.
        span.setAttribute(
            "cohere".equals(settings.providerName)
                ? SEARCH_UNITS
                : SemconvAttributes.GEN_AI_USAGE_INPUT_TOKENS,
            (long) usage.inputTokenCount());
      }
    }
  }

  /** Builder of a traced scoring model. */
  public static final class Builder {
    private final LlmTelemetry telemetry;
    private final ScoringModel model;
    private String providerName;
    @Nullable private String requestModel;
    @Nullable private String serverAddress;
    private int serverPort;

    private Builder(LlmTelemetry telemetry, ScoringModel model) {
      this.telemetry = requireNonNull(telemetry, "telemetry");
      this.model = requireNonNull(model, "model");
      this.providerName = providerOf(model);
    }

    /** {@code gen_ai.provider.name}, e.g. {@code "cohere"}. */
    public Builder providerName(String providerName) {
      this.providerName = requireNonNull(providerName, "providerName");
      return this;
    }

    /** {@code gen_ai.request.model}: the model the scoring model was built with. */
    public Builder requestModel(String requestModel) {
      this.requestModel = requireNonNull(requestModel, "requestModel");
      return this;
    }

    /** {@code server.address} and {@code server.port} of the service. */
    public Builder server(String address, int port) {
      this.serverAddress = requireNonNull(address, "address");
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("port must be 1 to 65535");
      }
      this.serverPort = port;
      return this;
    }

    /** The server of {@code baseUrl}, the URL the scoring model was built with. */
    public Builder baseUrl(String baseUrl) {
      ServerAddress server = ServerAddress.of(baseUrl, "baseUrl");
      return server(server.host(), server.port());
    }

    @SuppressWarnings("unchecked")
    public ScoringModel build() {
      Instrumentation instrumentation = Instrumentation.of(telemetry);
      String spanName = requestModel == null ? RERANK : RERANK + " " + requestModel;
      GenAiMetricAttributes metricAttributes =
          new GenAiMetricAttributes(
              RERANK,
              providerName,
              requestModel,
              serverAddress,
              serverAddress == null ? null : serverPort);
      Operation<ScoreCall, Response<?>> operation =
          Operation.<ScoreCall, Response<?>>builder(
                  instrumentation,
                  serverAddress != null || !isInProcess(model)
                      ? SpanKind.CLIENT
                      : SpanKind.INTERNAL,
                  call -> spanName)
              .addExtractor(new Attributes(instrumentation, this))
              // gen_ai.client.operation.duration, as for every GenAI client operation; no token
              // histogram, since scoring models report billing units, not tokens, where anything.
              .metrics(
                  GenAiOperationMetrics.<ScoreCall, Response<?>>builder(
                          instrumentation.metrics(), call -> metricAttributes)
                      .build())
              // Priced per reported unit: tokens, or Cohere's search units (its price per search
              // unit is then the input price).
              .usage(
                  (call, response) -> {
                    TokenUsage usage = response.tokenUsage();
                    return usage == null || usage.inputTokenCount() == null
                        ? null
                        : ModelUsage.input(providerName, requestModel, usage.inputTokenCount());
                  })
              .build();
      // scoreAll, and the score methods too: a delegate's score may not go through scoreAll.
      return Forwarding.wrap(
          ScoringModel.class,
          model,
          method -> {
            ScoreCall.Reader reader = ScoreCall.readerOf(method);
            return reader == null
                ? null
                : (delegate, self, invocation, args) ->
                    operation.call(
                        reader.read(args), () -> (Response<?>) invocation.invoke(delegate, args));
          });
    }

    /** The provider of a LangChain4j scoring model, from its package: {@code cohere}, ... */
    private static String providerOf(ScoringModel model) {
      if (isInProcess(model)) {
        return "langchain4j.onnx"; // as the in-process embedding models are reported
      }
      String name = model.getClass().getName();
      String prefix = "dev.langchain4j.model.";
      if (name.startsWith(prefix)) {
        String rest = name.substring(prefix.length());
        int dot = rest.indexOf('.');
        if (dot > 0) {
          return rest.substring(0, dot).toLowerCase(Locale.ROOT);
        }
      }
      return "langchain4j";
    }
  }

  /** The ONNX cross-encoders run in this process: no service is called. */
  private static boolean isInProcess(ScoringModel model) {
    return model.getClass().getName().contains(".onnx.");
  }
}
