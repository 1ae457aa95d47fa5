package io.llmetry4j.core.internal;

import static java.util.Objects.requireNonNull;

import io.llmetry4j.core.ContentCapture;
import io.llmetry4j.core.LlmTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.logs.Logger;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.util.function.BiConsumer;
import java.util.function.Function;
import javax.annotation.Nullable;

/**
 * What llmetry4j's instrumentations take from an {@link LlmTelemetry}: its tracer, meter, GenAI
 * metrics and content policy. Kept out of {@code LlmTelemetry}'s public surface, which says only
 * what an application sets.
 *
 * <p>Not public API: shared by the llmetry4j modules, may change without notice.
 */
public final class Instrumentation {

  @Nullable private static volatile Function<LlmTelemetry, Instrumentation> access;

  @Nullable
  private static volatile BiConsumer<LlmTelemetry.Builder, ContextActivation> activationSetter;

  private final Tracer tracer;
  private final Meter meter;
  private final ContentPolicy contentPolicy;
  private final Options options;
  private final boolean openLlmetryCompat;
  private final GenAiClientMetrics metrics;
  private final Logger eventLogger;
  private final ContextActivation contextActivation;
  // What every span takes from the context it starts in, chosen once for the settings.
  private final BiConsumer<SpanBuilder, Context> contextStamp;
  private final int semconvContentBudget;
  private final Costs costs;

  /** What an {@code LlmTelemetry} switched on. */
  public static final class Options {
    final ContentCapture contentCapture;
    final boolean spanContent;
    final boolean eventContent;
    final boolean openLlmetryCompat;
    final boolean latestExperimental;
    final io.llmetry4j.core.TokenPrices tokenPrices;

    public Options(
        ContentCapture contentCapture,
        boolean openLlmetryCompat,
        boolean latestExperimental,
        io.llmetry4j.core.TokenPrices tokenPrices) {
      this.tokenPrices = tokenPrices;
      this.contentCapture = contentCapture;
      this.spanContent = contentCapture.onSpans();
      this.eventContent = contentCapture.onEvents();
      this.openLlmetryCompat = openLlmetryCompat;
      this.latestExperimental = latestExperimental;
    }
  }

  public Instrumentation(
      Tracer tracer,
      Meter meter,
      ContentPolicy contentPolicy,
      Options options,
      Logger eventLogger,
      ContextActivation contextActivation) {
    this.tracer = tracer;
    this.meter = meter;
    this.contentPolicy = contentPolicy;
    this.options = options;
    this.openLlmetryCompat = options.openLlmetryCompat;
    this.metrics = new GenAiClientMetrics(meter, options.latestExperimental);
    this.costs = Costs.of(options.tokenPrices, meter);
    this.eventLogger = eventLogger;
    this.contextActivation = contextActivation;
    this.contextStamp =
        options.openLlmetryCompat
            ? (span, parent) -> {
              AssociationKeys.stamp(span, parent);
              TraceloopAttributes.stampWorkflow(span, parent);
            }
            : AssociationKeys::stamp;
    // In compatibility mode OpenLLMetry's copies of the content take half of each span's budget.
    int budget = contentPolicy.spanBudget();
    this.semconvContentBudget = options.openLlmetryCompat ? budget / 2 : budget;
  }

  /**
   * Sets what a span takes from the context it starts in: the workflow's association properties,
   * and in OpenLLMetry compatibility mode the workflow name and task path.
   */
  public void stampFromContext(SpanBuilder span, Context parent) {
    contextStamp.accept(span, parent);
  }

  /**
   * The context the body of workflow or task {@code name} runs in: inside it, so that the spans of
   * the body carry its name and task path (OpenLLMetry's {@code traceloop.workflow.name}, {@code
   * traceloop.entity.path}, their only reader), in compatibility mode; {@code current} itself
   * otherwise. The workflow's own span carries the path of its ancestors, as OpenLLMetry's does.
   */
  public Context workflowBody(Context current, String name, boolean task) {
    if (!openLlmetryCompat) {
      return current;
    }
    return task
        ? WorkflowContext.enterTask(current, name)
        : WorkflowContext.enterWorkflow(current, name);
  }

  /** The instrumentation side of {@code telemetry}. */
  public static Instrumentation of(LlmTelemetry telemetry) {
    // An instance exists, so LlmTelemetry's class initialiser has registered the access.
    return access.apply(telemetry);
  }

  /** Called once, by {@link LlmTelemetry}'s class initialiser; later calls are ignored. */
  public static synchronized void registerAccess(
      Function<LlmTelemetry, Instrumentation> access,
      BiConsumer<LlmTelemetry.Builder, ContextActivation> activationSetter) {
    if (Instrumentation.access == null) {
      Instrumentation.access = access;
      Instrumentation.activationSetter = activationSetter;
    }
  }

  /**
   * Has the telemetry {@code builder} builds make its spans current through {@code activation}: for
   * an integration whose host reads the current span through a context of its own as well.
   */
  public static void setContextActivation(
      LlmTelemetry.Builder builder, ContextActivation activation) {
    // A builder exists, so LlmTelemetry's class initialiser has registered the setter.
    activationSetter.accept(builder, requireNonNull(activation, "activation"));
  }

  /**
   * Makes {@code context} (holding a llmetry4j span) current the way this host reads it: see {@link
   * ContextActivation}.
   */
  public Scope makeCurrent(Context context) {
    return contextActivation.makeCurrent(context);
  }

  public Tracer tracer() {
    return tracer;
  }

  public Meter meter() {
    return meter;
  }

  /** The {@code gen_ai.client.*} histograms, built once per telemetry. */
  /** What calls cost, from the telemetry's token prices. */
  public Costs costs() {
    return costs;
  }

  public GenAiClientMetrics metrics() {
    return metrics;
  }

  /** Where captured content goes: nowhere, spans, events, or both. */
  public ContentCapture contentCapture() {
    return options.contentCapture;
  }

  /** Whether content is recorded on spans: instrumentations check it before building any. */
  public boolean captureContent() {
    return options.spanContent;
  }

  /** Whether chat content goes on the {@code gen_ai.client.inference.operation.details} event. */
  public boolean captureContentEvents() {
    return options.eventContent;
  }

  /** Whether the newest, unreleased GenAI conventions replace semconv 1.41.1. */
  public boolean latestExperimental() {
    return options.latestExperimental;
  }

  /** The logger of llmetry4j's events (log records with an event name). */
  public Logger eventLogger() {
    return eventLogger;
  }

  public int maxContentLength() {
    return contentPolicy.maxLength();
  }

  /** Characters of content one span carries at most, over all its content attributes. */
  public int spanContentBudget() {
    return contentPolicy.spanBudget();
  }

  /**
   * The part of {@link #spanContentBudget()} for the conventions' content attributes: all of it, or
   * half in OpenLLMetry compatibility mode, whose extractors take the other half.
   */
  public int semconvContentBudget() {
    return semconvContentBudget;
  }

  /** The value as it may be recorded (redacted, truncated), or null: see {@link ContentPolicy}. */
  @Nullable
  public String content(@Nullable String value) {
    return contentPolicy.apply(value);
  }

  /**
   * A value the conventions expect as JSON text, cut at {@code limit} characters: see {@link
   * ContentPolicy#applyJson}.
   */
  @Nullable
  public String contentJson(@Nullable String value, int limit) {
    return contentPolicy.applyJson(value, limit);
  }

  /** As {@link #content(String)}, cut at {@code limit} characters where that is below the max. */
  @Nullable
  public String content(@Nullable String value, int limit) {
    return contentPolicy.apply(value, limit);
  }

  /**
   * Sets {@code key} on {@code span} to {@code value} as the content policy lets it be recorded:
   * nothing when capture is off, the value is null or the redactor drops it.
   */
  public void recordContent(Span span, AttributeKey<String> key, @Nullable String value) {
    if (value == null || !options.spanContent) {
      return;
    }
    String recorded = contentPolicy.apply(value);
    if (recorded != null) {
      span.setAttribute(key, recorded);
    }
  }

  public boolean openLlmetryCompat() {
    return openLlmetryCompat;
  }

  @Override
  public String toString() {
    return options.contentCapture
        + ", "
        + contentPolicy
        + ", openLlmetryCompat="
        + openLlmetryCompat
        + ", semconvLatestExperimental="
        + options.latestExperimental;
  }
}
