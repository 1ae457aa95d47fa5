package io.llmetry4j.bootstrap;

import static java.util.Objects.requireNonNull;

import io.llmetry4j.core.LlmTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import javax.annotation.Nullable;

/**
 * Settings of {@link Llmetry#init}. Every setting left unset falls back to the standard {@code
 * OTEL_*} environment variables (read by the OpenTelemetry SDK autoconfiguration), then to the
 * defaults documented on each setter; a value set here always wins over the environment.
 *
 * <pre>{@code
 * LlmetryConfig config = LlmetryConfig.tencentApm("http://<apm-endpoint>:4317", token, "rag-service")
 *     .hostName("rag-host-1")
 *     .build();
 * }</pre>
 */
public final class LlmetryConfig {

  public static final String PROTOCOL_GRPC = "grpc";
  public static final String PROTOCOL_HTTP_PROTOBUF = "http/protobuf";

  /** Protocol used when neither {@link Builder#protocol} nor the environment names one. */
  public static final String DEFAULT_PROTOCOL = PROTOCOL_GRPC;

  /** Default of {@link Builder#shutdownTimeout}. */
  public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);

  static final String TOKEN_ATTRIBUTE = "token";
  static final String HOST_NAME_ATTRIBUTE = "host.name";
  static final String SERVICE_NAME_ATTRIBUTE = "service.name";

  @Nullable final String appName;
  final Map<String, String> resourceAttributes;
  @Nullable final String endpoint;
  @Nullable final String protocol;
  final Map<String, String> headers;
  final Map<String, String> properties;
  final List<SpanExporter> spanExporters;
  final List<SpanProcessor> spanProcessors;
  final boolean disableBatch;
  @Nullable final List<TextMapPropagator> propagators;
  @Nullable final Sampler sampler;
  @Nullable final Boolean metrics;
  final List<Consumer<LlmTelemetry.Builder>> telemetrySettings;
  final boolean registerGlobal;
  @Nullable final Boolean trustInboundAssociations;
  final boolean shutdownHook;
  final Duration shutdownTimeout;
  @Nullable final Boolean viewer;
  @Nullable final Integer viewerPort;

  private LlmetryConfig(Builder builder) {
    this.appName = builder.appName;
    this.resourceAttributes =
        Collections.unmodifiableMap(new LinkedHashMap<>(builder.resourceAttributes));
    this.endpoint = builder.endpoint;
    this.protocol = builder.protocol;
    this.headers = Collections.unmodifiableMap(new LinkedHashMap<>(builder.headers));
    this.properties = Collections.unmodifiableMap(new LinkedHashMap<>(builder.properties));
    this.spanExporters = List.copyOf(builder.spanExporters);
    this.spanProcessors = List.copyOf(builder.spanProcessors);
    this.disableBatch = builder.disableBatch;
    this.propagators = builder.propagators == null ? null : List.copyOf(builder.propagators);
    this.sampler = builder.sampler;
    this.metrics = builder.metrics;
    this.telemetrySettings = List.copyOf(builder.telemetrySettings);
    this.registerGlobal = builder.registerGlobal;
    this.trustInboundAssociations = builder.trustInboundAssociations;
    this.shutdownHook = builder.shutdownHook;
    this.shutdownTimeout = builder.shutdownTimeout;
    this.viewer = builder.viewer;
    this.viewerPort = builder.viewerPort;
  }

  /** A builder with nothing set: everything comes from the environment or the defaults. */
  public static Builder builder() {
    return new Builder(false);
  }

  /**
   * A builder preset for Tencent Cloud APM: the OTLP endpoint and token from the APM console's
   * access guide and the application name, which {@link Builder#build()} checks against Tencent's
   * rule (at most 63 characters; lowercase letters, digits and '-'; starts with a letter; ends with
   * a letter or digit). The token travels as the resource attribute {@code token}; it is never
   * logged.
   *
   * <p>OpenLLMetry compatibility is on by default, since Tencent's LLM views read OpenLLMetry's
   * attributes: turn it off with {@code LLMETRY4J_OPENLLMETRY_COMPAT=false} (or the system property
   * {@code llmetry4j.openllmetry.compat}) or {@code .telemetry(t -> t.openLlmetryCompat(false))}.
   */
  public static Builder tencentApm(String endpoint, String token, String appName) {
    ConfigChecks.checkToken(token);
    return new Builder(true)
        .endpoint(endpoint)
        .appName(appName)
        .resourceAttribute(TOKEN_ATTRIBUTE, token)
        // The lowest rank: the environment, system properties and the builder override it.
        .properties(Map.of(SdkAssembly.OPENLLMETRY_COMPAT_PROPERTY, "true"));
  }

  /** Secrets (the token attribute, header values) are masked. */
  @Override
  public String toString() {
    Map<String, String> shownAttributes = new LinkedHashMap<>(resourceAttributes);
    shownAttributes.computeIfPresent(TOKEN_ATTRIBUTE, (k, v) -> "****");
    Map<String, String> shownHeaders = new LinkedHashMap<>();
    headers.keySet().forEach(k -> shownHeaders.put(k, "****"));
    return "LlmetryConfig{appName="
        + appName
        + ", resourceAttributes="
        + shownAttributes
        + ", endpoint="
        + endpoint
        + ", protocol="
        + protocol
        + ", headers="
        + shownHeaders
        + ", spanExporters="
        + spanExporters.size()
        + ", spanProcessors="
        + spanProcessors.size()
        + ", disableBatch="
        + disableBatch
        + ", metrics="
        + metrics
        + ", telemetrySettings="
        + telemetrySettings.size()
        + ", registerGlobal="
        + registerGlobal
        + '}';
  }

  /** Builder of {@link LlmetryConfig}. */
  public static final class Builder {
    private final boolean tencentApm;
    @Nullable private String appName;
    private final Map<String, String> resourceAttributes = new LinkedHashMap<>();
    @Nullable private String endpoint;
    @Nullable private String protocol;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private final Map<String, String> properties = new LinkedHashMap<>();
    private final List<SpanExporter> spanExporters = new ArrayList<>();
    private final List<SpanProcessor> spanProcessors = new ArrayList<>();
    private boolean disableBatch;
    @Nullable private List<TextMapPropagator> propagators;
    @Nullable private Sampler sampler;
    @Nullable private Boolean metrics;
    private final List<Consumer<LlmTelemetry.Builder>> telemetrySettings = new ArrayList<>();
    private boolean registerGlobal = true;
    @Nullable private Boolean trustInboundAssociations;
    private boolean shutdownHook = true;
    private Duration shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;
    @Nullable private Boolean viewer;
    @Nullable private Integer viewerPort;

    private Builder(boolean tencentApm) {
      this.tencentApm = tencentApm;
    }

    /**
     * OpenTelemetry SDK autoconfiguration properties ({@code otel.*}, with their OpenTelemetry
     * meanings) as a framework's configuration gives them, e.g. Spring's {@code otel.*} keys. They
     * rank below the {@code OTEL_*} environment and system properties and above llmetry4j's
     * defaults; the settings of this builder rank above all of them.
     */
    public Builder properties(Map<String, String> properties) {
      requireNonNull(properties, "properties")
          .forEach(
              (key, value) -> {
                this.properties.put(
                    requireNonNull(key, "property key"), requireNonNull(value, key));
              });
      return this;
    }

    /** The application name, exported as {@code service.name}. Env: {@code OTEL_SERVICE_NAME}. */
    public Builder appName(String appName) {
      this.appName = requireNonNull(appName, "appName");
      return this;
    }

    /** A resource attribute such as {@code token}. Env: {@code OTEL_RESOURCE_ATTRIBUTES}. */
    public Builder resourceAttribute(String key, String value) {
      resourceAttributes.put(requireNonNull(key, "key"), requireNonNull(value, "value"));
      return this;
    }

    /** Resource attributes, added to those set before. */
    public Builder resourceAttributes(Map<String, String> attributes) {
      attributes.forEach(this::resourceAttribute);
      return this;
    }

    /** The {@code host.name} resource attribute, as the Tencent APM guide sets it. */
    public Builder hostName(String hostName) {
      return resourceAttribute(HOST_NAME_ATTRIBUTE, hostName);
    }

    /**
     * The OTLP endpoint, used as given: host and port are never rewritten. With gRPC it is {@code
     * scheme://host:port}; with http/protobuf it is the base URL to which the SDK appends {@code
     * /v1/traces} and {@code /v1/metrics}, as for {@code OTEL_EXPORTER_OTLP_ENDPOINT}. Env: {@code
     * OTEL_EXPORTER_OTLP_ENDPOINT}. Without an endpoint (and no exporter or processor), traces are
     * printed to stderr.
     */
    public Builder endpoint(String endpoint) {
      this.endpoint = requireNonNull(endpoint, "endpoint");
      return this;
    }

    /**
     * {@code grpc} (default, as in the Tencent APM guide) or {@code http/protobuf}. Env: {@code
     * OTEL_EXPORTER_OTLP_PROTOCOL}.
     */
    public Builder protocol(String protocol) {
      ConfigChecks.checkProtocol("protocol", requireNonNull(protocol, "protocol"));
      this.protocol = protocol;
      return this;
    }

    /** Headers sent with every export, merged over {@code OTEL_EXPORTER_OTLP_HEADERS}. */
    public Builder headers(Map<String, String> headers) {
      headers.forEach((k, v) -> this.headers.put(requireNonNull(k), requireNonNull(v)));
      return this;
    }

    /**
     * An extra exporter, fed by a batch processor (or a simple one after {@link #disableBatch}).
     */
    public Builder spanExporter(SpanExporter spanExporter) {
      spanExporters.add(requireNonNull(spanExporter, "spanExporter"));
      return this;
    }

    /** An extra span processor, such as the guide's own {@code BatchSpanProcessor}; may repeat. */
    public Builder spanProcessor(SpanProcessor spanProcessor) {
      spanProcessors.add(requireNonNull(spanProcessor, "spanProcessor"));
      return this;
    }

    /**
     * Export each span as it ends (simple processor) rather than in batches: for scripts and tests.
     */
    public Builder disableBatch() {
      this.disableBatch = true;
      return this;
    }

    /**
     * Propagators (default W3C {@code tracecontext} and {@code baggage}). Env: {@code
     * OTEL_PROPAGATORS}.
     */
    public Builder propagators(TextMapPropagator... propagators) {
      this.propagators = Arrays.asList(propagators.clone());
      this.propagators.forEach(p -> requireNonNull(p, "propagator"));
      return this;
    }

    /** The sampler (default parent-based always-on). Env: {@code OTEL_TRACES_SAMPLER}. */
    public Builder sampler(Sampler sampler) {
      this.sampler = requireNonNull(sampler, "sampler");
      return this;
    }

    /** Export OTLP metrics to the same endpoint (default true when an endpoint is set). */
    public Builder metrics(boolean metrics) {
      this.metrics = metrics;
      return this;
    }

    /**
     * Settings of the {@link LlmTelemetry} that {@link Llmetry#telemetry()} returns: content
     * capture, its length limit and redactor, OpenLLMetry compatibility. They have one home, {@link
     * LlmTelemetry.Builder}; this applies them after the environment's values ({@code
     * OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT}, {@code TRACELOOP_TRACE_CONTENT}, {@code
     * LLMETRY4J_OPENLLMETRY_COMPAT}), so what is set here wins. May be called more than once.
     *
     * <pre>{@code
     * LlmetryConfig.tencentApm(endpoint, token, "rag-service")
     *     .telemetry(t -> t.captureContent(true).maxContentLength(4096))
     *     .build();
     * }</pre>
     */
    public Builder telemetry(Consumer<LlmTelemetry.Builder> settings) {
      telemetrySettings.add(requireNonNull(settings, "settings"));
      return this;
    }

    /**
     * Whether association properties received from other services in W3C baggage (their {@code
     * llmetry4j.*} entries: conversation, user and session ids, properties) are stamped on this
     * service's spans. Default false: baggage is set by whoever calls the service, so only the
     * properties of this process's own workflows are stamped. Turn it on where every caller is
     * trusted (services of one team passing a conversation along). Env: {@code
     * LLMETRY4J_ASSOCIATIONS_TRUST_INBOUND}.
     */
    public Builder trustInboundAssociations(boolean trust) {
      this.trustInboundAssociations = trust;
      return this;
    }

    /**
     * Whether to register the SDK as {@code GlobalOpenTelemetry} (default true). With false, an
     * agent's instance is still found and reused on OpenTelemetry API 1.57 or later, not on older
     * APIs (see {@link Llmetry#init}).
     */
    public Builder registerGlobal(boolean registerGlobal) {
      this.registerGlobal = registerGlobal;
      return this;
    }

    /**
     * Whether to also keep finished spans for the local trace viewer and serve its page on
     * 127.0.0.1 (a free port unless {@link #viewerPort} says otherwise); the address is printed
     * once at init and given by {@link Llmetry#viewerUrl()}. Needs {@code
     * io.llmetry4j:llmetry4j-viewer} on the classpath. Default off. Env: {@code LLMETRY4J_VIEWER},
     * {@code LLMETRY4J_VIEWER_PORT}, {@code LLMETRY4J_VIEWER_HOST} (another interface than loopback
     * only with {@code LLMETRY4J_VIEWER_TOKEN}).
     */
    public Builder viewer(boolean viewer) {
      this.viewer = viewer;
      return this;
    }

    /** The local trace viewer's port (0: a free one, the default); see {@link #viewer}. */
    public Builder viewerPort(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("viewerPort must be between 0 and 65535");
      }
      this.viewerPort = port;
      return this;
    }

    /** Whether a JVM shutdown hook flushes and closes the SDK (default true). */
    public Builder shutdownHook(boolean shutdownHook) {
      this.shutdownHook = shutdownHook;
      return this;
    }

    /** How long {@code close()} and the shutdown hook wait for pending exports (default 10 s). */
    public Builder shutdownTimeout(Duration shutdownTimeout) {
      requireNonNull(shutdownTimeout, "shutdownTimeout");
      if (shutdownTimeout.isNegative() || shutdownTimeout.isZero()) {
        throw new IllegalArgumentException(
            "shutdownTimeout must be positive, was " + shutdownTimeout);
      }
      this.shutdownTimeout = shutdownTimeout;
      return this;
    }

    /** Checks the settings and builds the configuration. */
    public LlmetryConfig build() {
      if (tencentApm) {
        ConfigChecks.checkTencentAppName(appName);
        ConfigChecks.checkToken(resourceAttributes.get(TOKEN_ATTRIBUTE));
      }
      if (endpoint != null) {
        // The path rule waits for init when the protocol may still come from the environment.
        ConfigChecks.checkEndpoint("endpoint", endpoint, protocol);
      }
      headers.forEach((name, value) -> ConfigChecks.checkHeader("headers", name, value));
      // Bad telemetry settings fail here, naming the setting, not at init.
      LlmTelemetry.Builder check = LlmTelemetry.builder(OpenTelemetry.noop());
      telemetrySettings.forEach(settings -> settings.accept(check));
      return new LlmetryConfig(this);
    }
  }
}
