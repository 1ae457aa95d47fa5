package io.llmetry4j.core;

import static java.util.Objects.requireNonNull;

import io.llmetry4j.core.internal.ContentPolicy;
import io.llmetry4j.core.internal.ContextActivation;
import io.llmetry4j.core.internal.Instrumentation;
import io.llmetry4j.core.internal.Operation;
import io.llmetry4j.core.internal.SemconvAttributes;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.SpanKind;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import java.util.function.Function;
import javax.annotation.Nullable;

/**
 * What every llmetry4j instrumentation shares: the tracer and meter (instrumentation scope {@value
 * #INSTRUMENTATION_NAME}, schema {@link SemconvAttributes#SCHEMA_URL}) and the content policy.
 *
 * <p>Built from any {@link OpenTelemetry}, so applications that already have one (a Java agent, the
 * Spring Boot starter, their own SDK) need no bootstrap ({@code Llmetry.init} of {@code
 * llmetry4j-bootstrap}):
 *
 * <pre>{@code
 * LlmTelemetry telemetry = LlmTelemetry.builder(openTelemetry)
 *     .captureContent(false)
 *     .build();
 * }</pre>
 */
public final class LlmTelemetry {

  /** Instrumentation scope name of every llmetry4j span and metric. */
  public static final String INSTRUMENTATION_NAME = "io.llmetry4j";

  /** Default of {@link Builder#maxContentLength(int)}: characters kept per captured value. */
  public static final int DEFAULT_MAX_CONTENT_LENGTH = 16 * 1024;

  /**
   * Default of {@link Builder#spanContentBudget(int)}: characters of content one span carries over
   * all its content attributes.
   */
  public static final int DEFAULT_SPAN_CONTENT_BUDGET = 64 * 1024;

  static {
    Instrumentation.registerAccess(
        telemetry -> telemetry.instrumentation,
        (builder, activation) -> builder.contextActivation = activation);
  }

  private final OpenTelemetry openTelemetry;
  // The settings, in one immutable object that the instrumentations read too.
  private final Instrumentation instrumentation;
  private final Operation<Workflow, Object> workflowOperation;

  private LlmTelemetry(
      OpenTelemetry openTelemetry,
      ContentPolicy contentPolicy,
      ContentCapture contentCapture,
      boolean openLlmetryCompat,
      boolean latestExperimental,
      ContextActivation contextActivation,
      TokenPrices tokenPrices) {
    this.openTelemetry = openTelemetry;
    this.instrumentation =
        new Instrumentation(
            openTelemetry
                .tracerBuilder(INSTRUMENTATION_NAME)
                .setInstrumentationVersion(version())
                .setSchemaUrl(SemconvAttributes.SCHEMA_URL)
                .build(),
            openTelemetry
                .meterBuilder(INSTRUMENTATION_NAME)
                .setInstrumentationVersion(version())
                .setSchemaUrl(SemconvAttributes.SCHEMA_URL)
                .build(),
            contentPolicy,
            new Instrumentation.Options(
                contentCapture, openLlmetryCompat, latestExperimental, tokenPrices),
            openTelemetry.getLogsBridge().get(INSTRUMENTATION_NAME),
            contextActivation);
    Operation.Builder<Workflow, Object> workflows =
        Operation.<Workflow, Object>builder(instrumentation, SpanKind.INTERNAL, Workflow::spanName)
            .addExtractor(new Workflow.Attributes())
            .sumsCost();
    Workflow.addOpenLlmetryExtractors(workflows, instrumentation);
    this.workflowOperation =
        workflows
            .metrics(
                (workflow, result, errorType, seconds) -> {
                  if (!workflow.isTask()) {
                    instrumentation
                        .metrics()
                        .recordWorkflowDuration(seconds, workflow.name(), errorType);
                  }
                })
            .build();
  }

  /** The span lifecycle of workflows and tasks, shared by every {@link Workflow} of this. */
  Operation<Workflow, Object> workflowOperation() {
    return workflowOperation;
  }

  /** Starts a builder for telemetry reporting to {@code openTelemetry}. */
  public static Builder builder(OpenTelemetry openTelemetry) {
    return new Builder(openTelemetry);
  }

  /** Telemetry reporting to {@code openTelemetry} with content capture off. */
  public static LlmTelemetry create(OpenTelemetry openTelemetry) {
    return builder(openTelemetry).build();
  }

  public OpenTelemetry openTelemetry() {
    return openTelemetry;
  }

  /**
   * Whether prompts, answers, documents, queries and tool arguments may be recorded.
   * Instrumentations check this before building content, so that nothing is serialised when it is
   * off.
   */
  public boolean captureContent() {
    return instrumentation.captureContent();
  }

  /** Where captured content goes: nowhere (the default), spans, events, or both. */
  public ContentCapture contentCapture() {
    return instrumentation.contentCapture();
  }

  /**
   * Whether the newest, unreleased GenAI conventions are emitted instead of semconv 1.41.1 ({@code
   * OTEL_SEMCONV_STABILITY_OPT_IN=gen_ai_latest_experimental} or {@link
   * Builder#semconvLatestExperimental}).
   */
  public boolean semconvLatestExperimental() {
    return instrumentation.latestExperimental();
  }

  /**
   * Whether spans also carry the attributes OpenLLMetry emits ({@code gen_ai.system}, {@code
   * llm.*}, {@code gen_ai.prompt.N.*}, {@code traceloop.*}), for backends and dashboards built for
   * OpenLLMetry data.
   */
  public boolean openLlmetryCompat() {
    return instrumentation.openLlmetryCompat();
  }

  /** Characters kept per captured value; longer values are cut and end with a marker. */
  public int maxContentLength() {
    return instrumentation.maxContentLength();
  }

  /** Characters of content one span carries at most, over all its content attributes. */
  public int spanContentBudget() {
    return instrumentation.spanContentBudget();
  }

  /**
   * A workflow: span {@code invoke_workflow {name}} around the body given to {@link Workflow#call}
   * or {@link Workflow#run}, with optional association properties.
   */
  public Workflow workflow(String name) {
    return new Workflow(this, name, false);
  }

  /** A step of your own inside a workflow: span {@code {name}}. */
  public Workflow task(String name) {
    return new Workflow(this, name, true);
  }

  @Override
  public String toString() {
    return "LlmTelemetry{" + instrumentation + '}';
  }

  /** The llmetry4j version, the instrumentation scope version of its spans. */
  public static String version() {
    return VersionHolder.VERSION;
  }

  private static final class VersionHolder {
    static final String VERSION = load();

    private static String load() {
      try (InputStream in = LlmTelemetry.class.getResourceAsStream("version.properties")) {
        if (in == null) {
          return "unknown";
        }
        Properties properties = new Properties();
        properties.load(in);
        return properties.getProperty("version", "unknown");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** Builder of {@link LlmTelemetry}. */
  public static final class Builder {
    private final OpenTelemetry openTelemetry;
    private ContentCapture contentCapture = ContentCapture.NO_CONTENT;
    private boolean latestExperimental;
    private boolean openLlmetryCompat;
    private int maxContentLength = DEFAULT_MAX_CONTENT_LENGTH;
    private int spanContentBudget = DEFAULT_SPAN_CONTENT_BUDGET;
    @Nullable private Integer attributeValueLengthLimit;
    @Nullable private Function<String, String> contentRedactor;
    private TokenPrices tokenPrices = TokenPrices.none();
    // Set by integrations (the Spring starter under Micrometer Tracing), through Instrumentation.
    private ContextActivation contextActivation = ContextActivation.OPENTELEMETRY;

    private Builder(OpenTelemetry openTelemetry) {
      this.openTelemetry = requireNonNull(openTelemetry, "openTelemetry");
    }

    /**
     * Records prompts, answers, retrieved documents, queries and tool arguments on spans. Off by
     * default. <b>Privacy:</b> turn it on only where the telemetry backend may hold that data.
     */
    public Builder captureContent(boolean captureContent) {
      this.contentCapture = captureContent ? ContentCapture.SPAN_ONLY : ContentCapture.NO_CONTENT;
      return this;
    }

    /**
     * Where captured content goes, in the terms of OpenTelemetry's GenAI instrumentations ({@code
     * OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT}): on span attributes, on the {@code
     * gen_ai.client.inference.operation.details} event (a log record in the chat span's context),
     * or both. {@link #captureContent(boolean) captureContent(true)} is {@code SPAN_ONLY}.
     */
    public Builder captureContent(ContentCapture contentCapture) {
      this.contentCapture = requireNonNull(contentCapture, "contentCapture");
      return this;
    }

    /**
     * Emits the newest, unreleased GenAI conventions ({@code
     * open-telemetry/semantic-conventions-genai}, the snapshot the README names) instead of semconv
     * 1.41.1. Off by default. {@code Llmetry.init} and the Spring Boot starter switch it on when
     * {@code OTEL_SEMCONV_STABILITY_OPT_IN} (property {@code otel.semconv-stability.opt-in}) lists
     * {@code gen_ai_latest_experimental}, as the conventions' transition rule says; this builder
     * reads no environment itself.
     */
    public Builder semconvLatestExperimental(boolean latestExperimental) {
      this.latestExperimental = latestExperimental;
      return this;
    }

    /**
     * Characters kept per captured value (default {@value
     * LlmTelemetry#DEFAULT_MAX_CONTENT_LENGTH}); the rest is cut and replaced by a marker naming
     * the original length.
     */
    public Builder maxContentLength(int maxContentLength) {
      if (maxContentLength < 1) {
        throw new IllegalArgumentException(
            "maxContentLength must be at least 1, was " + maxContentLength);
      }
      this.maxContentLength = maxContentLength;
      return this;
    }

    /**
     * Characters of content one span may carry over all its content attributes (default {@value
     * LlmTelemetry#DEFAULT_SPAN_CONTENT_BUDGET}), so that a long conversation never makes a span
     * too large to export. A chat span keeps the newest messages that fit and a marker message
     * saying how many older ones were left out; every value stays valid JSON. A single value is at
     * most half of it.
     */
    public Builder spanContentBudget(int spanContentBudget) {
      if (spanContentBudget < 1024) {
        throw new IllegalArgumentException(
            "spanContentBudget must be at least 1024, was " + spanContentBudget);
      }
      this.spanContentBudget = spanContentBudget;
      return this;
    }

    /**
     * The SDK's attribute value length limit, when the application's SDK sets one: the content
     * budget then stays under it, so that the SDK never cuts a JSON value. None by default; {@code
     * Llmetry.init} and the Spring Boot starter pass {@code otel.span.attribute.value.length.limit}
     * / {@code otel.attribute.value.length.limit} (or their {@code OTEL_*} variables) here.
     */
    public Builder attributeValueLengthLimit(int limit) {
      if (limit < 1) {
        throw new IllegalArgumentException(
            "attributeValueLengthLimit must be at least 1, was " + limit);
      }
      this.attributeValueLengthLimit = limit;
      return this;
    }

    /**
     * A function applied to every captured string before it is recorded, e.g. to mask e-mail
     * addresses. If it throws, that value is dropped and a warning is logged once.
     */
    public Builder contentRedactor(Function<String, String> contentRedactor) {
      this.contentRedactor = requireNonNull(contentRedactor, "contentRedactor");
      return this;
    }

    /**
     * Also emit OpenLLMetry's attribute names (default off): {@code gen_ai.system}, {@code
     * llm.request.type}, {@code llm.usage.total_tokens}, and with content capture on {@code
     * gen_ai.prompt.N.*} / {@code gen_ai.completion.N.*}.
     */
    public Builder openLlmetryCompat(boolean openLlmetryCompat) {
      this.openLlmetryCompat = openLlmetryCompat;
      return this;
    }

    /**
     * The token prices the application pays (default none): each priced chat, embeddings and
     * scoring call then carries {@code llmetry4j.usage.cost} and its currency, every agent and
     * workflow span the sum of the calls under it, and the {@code llmetry4j.usage.cost} counter
     * grows. A model with no price gets no cost.
     */
    public Builder tokenPrices(TokenPrices tokenPrices) {
      this.tokenPrices = requireNonNull(tokenPrices, "tokenPrices");
      return this;
    }

    public LlmTelemetry build() {
      return new LlmTelemetry(
          openTelemetry,
          new ContentPolicy(
              contentCapture != ContentCapture.NO_CONTENT,
              maxContentLength,
              attributeValueLengthLimit == null
                  ? spanContentBudget
                  : Math.min(spanContentBudget, attributeValueLengthLimit),
              contentRedactor),
          contentCapture,
          openLlmetryCompat,
          latestExperimental,
          contextActivation,
          tokenPrices);
    }
  }
}
