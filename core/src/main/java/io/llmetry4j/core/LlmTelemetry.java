package io.llmetry4j.core;

import static java.util.Objects.requireNonNull;

import io.llmetry4j.core.internal.ContentPolicy;
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

  static {
    Instrumentation.registerAccess(telemetry -> telemetry.instrumentation);
  }

  private final OpenTelemetry openTelemetry;
  private final ContentPolicy contentPolicy;
  private final boolean openLlmetryCompat;
  private final Instrumentation instrumentation;
  private final Operation<Workflow, Object> workflowOperation;

  private LlmTelemetry(
      OpenTelemetry openTelemetry, ContentPolicy contentPolicy, boolean openLlmetryCompat) {
    this.openTelemetry = openTelemetry;
    this.contentPolicy = contentPolicy;
    this.openLlmetryCompat = openLlmetryCompat;
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
            openLlmetryCompat);
    this.workflowOperation =
        Operation.<Workflow, Object>builder(instrumentation, SpanKind.INTERNAL, Workflow::spanName)
            .addExtractor(new Workflow.Attributes(openLlmetryCompat))
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
    return contentPolicy.capture();
  }

  /**
   * Whether spans also carry the attributes OpenLLMetry emits ({@code gen_ai.system}, {@code
   * llm.*}, {@code gen_ai.prompt.N.*}, {@code traceloop.*}), for backends and dashboards built for
   * OpenLLMetry data.
   */
  public boolean openLlmetryCompat() {
    return openLlmetryCompat;
  }

  /** Characters kept per captured value; longer values are cut and end with a marker. */
  public int maxContentLength() {
    return contentPolicy.maxLength();
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
    return "LlmTelemetry{" + contentPolicy + ", openLlmetryCompat=" + openLlmetryCompat + '}';
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
    private boolean captureContent;
    private boolean openLlmetryCompat;
    private int maxContentLength = DEFAULT_MAX_CONTENT_LENGTH;
    @Nullable private Function<String, String> contentRedactor;

    private Builder(OpenTelemetry openTelemetry) {
      this.openTelemetry = requireNonNull(openTelemetry, "openTelemetry");
    }

    /**
     * Records prompts, answers, retrieved documents, queries and tool arguments on spans. Off by
     * default. <b>Privacy:</b> turn it on only where the telemetry backend may hold that data.
     */
    public Builder captureContent(boolean captureContent) {
      this.captureContent = captureContent;
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

    public LlmTelemetry build() {
      return new LlmTelemetry(
          openTelemetry,
          new ContentPolicy(captureContent, maxContentLength, contentRedactor),
          openLlmetryCompat);
    }
  }
}
