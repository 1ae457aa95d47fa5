package io.llmetry4j.bootstrap;

import io.llmetry4j.core.ContentCapture;
import io.llmetry4j.core.internal.TokenPriceFiles;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdkBuilder;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProviderBuilder;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.atomic.AtomicReference;
import javax.annotation.Nullable;

/**
 * Builds the SDK through {@code opentelemetry-sdk-extension-autoconfigure}, so that every {@code
 * OTEL_*} variable keeps its standard meaning, with the values of an {@link LlmetryConfig} laid
 * over them. Precedence: builder value, then system property / environment variable, then the
 * llmetry4j default (gRPC; traces printed to stderr when nothing says where to send them).
 */
final class SdkAssembly {

  static final String CAPTURE_CONTENT_PROPERTY =
      "otel.instrumentation.genai.capture.message.content";
  static final String TRACELOOP_TRACE_CONTENT_PROPERTY = "traceloop.trace.content";
  static final String OPENLLMETRY_COMPAT_PROPERTY = "llmetry4j.openllmetry.compat";
  static final String SEMCONV_OPT_IN_PROPERTY = "otel.semconv-stability.opt-in";
  static final String GEN_AI_LATEST_EXPERIMENTAL = "gen_ai_latest_experimental";
  // The span limit first: it overrides the general one in the SDK too.
  private static final java.util.List<String> ATTRIBUTE_LENGTH_LIMIT_PROPERTIES =
      java.util.List.of(
          "otel.span.attribute.value.length.limit", "otel.attribute.value.length.limit");
  static final String TRUST_INBOUND_PROPERTY = "llmetry4j.associations.trust.inbound";
  static final String VIEWER_PROPERTY = "llmetry4j.viewer";
  static final String TOKEN_PRICES_PROPERTY = "llmetry4j.token.prices";
  static final String VIEWER_PORT_PROPERTY = "llmetry4j.viewer.port";
  static final String VIEWER_HOST_PROPERTY = "llmetry4j.viewer.host";
  static final String VIEWER_MAX_TRACES_PROPERTY = "llmetry4j.viewer.max.traces";
  static final String VIEWER_MAX_BYTES_PROPERTY = "llmetry4j.viewer.max.bytes";
  static final String VIEWER_TOKEN_PROPERTY = "llmetry4j.viewer.token";

  /** How soon the embedded default prints a finished trace. */
  private static final Duration TREE_PRINT_DELAY = Duration.ofMillis(200);

  private SdkAssembly() {}

  /** What was built, and the settings resolved on the way. */
  static final class Assembled {
    final OpenTelemetrySdk sdk;
    final Settings settings;

    Assembled(OpenTelemetrySdk sdk, Settings settings) {
      this.sdk = sdk;
      this.settings = settings;
    }
  }

  /** Settings llmetry4j reads from the same configuration the SDK sees. */
  static final class Settings {
    ContentCapture captureContent = ContentCapture.NO_CONTENT;
    boolean openLlmetryCompat;
    boolean semconvLatestExperimental;
    @Nullable Integer attributeValueLengthLimit;
    boolean trustInboundAssociations;
    boolean printTraceTrees;
    boolean viewer;
    int viewerPort;
    @Nullable String viewerHost;
    @Nullable Long viewerMaxTraces;
    @Nullable io.llmetry4j.core.TokenPrices tokenPrices;
    @Nullable Long viewerMaxBytes;
    // Never logged or printed.
    @Nullable String viewerToken;
    // Set once the viewer is serving.
    @Nullable volatile String viewerUrl;
  }

  static Assembled assemble(LlmetryConfig config) {
    Settings settings = new Settings();
    AutoConfiguredOpenTelemetrySdkBuilder builder =
        AutoConfiguredOpenTelemetrySdk.builder()
            // Llmetry registers its own hook, bounded by shutdownTimeout.
            .disableShutdownHook()
            .addPropertiesSupplier(SdkAssembly::llmetryDefaults)
            .addPropertiesSupplier(() -> config.properties)
            .addPropertiesCustomizer(env -> overrides(config, env, settings))
            .addResourceCustomizer((resource, env) -> resource.merge(resourceOf(config)))
            .addSpanExporterCustomizer(
                (exporter, env) -> {
                  SpanExporter retrying = OtlpRetries.withRetries(exporter, env);
                  // Counted per request as the OTLP exporter sends it, then split into requests.
                  SpanExporter counted = LossReporting.exporter(retrying);
                  SpanExporter bounded =
                      new SizeBoundedSpanExporter(
                          counted, SizeBoundedSpanExporter.DEFAULT_MAX_REQUEST_BYTES);
                  return config.disableBatch ? new UnbatchedExporter(bounded) : bounded;
                })
            .addMetricExporterCustomizer(OtlpRetries::withRetries)
            .addSpanProcessorCustomizer(
                (processor, env) ->
                    LossReporting.processor(
                        unbatch(processor),
                        SizeBoundedSpanExporter.unwrap(exporterOf(processor)),
                        env))
            .addTracerProviderCustomizer(
                (tracerProvider, env) -> addProcessors(tracerProvider, config, settings));
    if (config.sampler != null) {
      builder.addSamplerCustomizer((sampler, env) -> config.sampler);
    }
    if (config.propagators != null) {
      builder.addPropagatorCustomizer(
          (propagator, env) -> TextMapPropagator.composite(config.propagators));
    }
    OpenTelemetrySdk sdk;
    try {
      sdk = builder.build().getOpenTelemetrySdk();
    } catch (RuntimeException e) {
      // Autoconfiguration wraps what its customizers throw: the viewer's own message names the
      // setting, so it is the one the application sees.
      if (e.getCause() instanceof ViewerSetup.ViewerStartFailure) {
        throw (ViewerSetup.ViewerStartFailure) e.getCause();
      }
      throw e;
    }
    return new Assembled(sdk, settings);
  }

  /**
   * Reads the content switches from the environment without building an SDK, for when an agent's
   * instance is reused. Autoconfiguration runs with the SDK disabled, only to resolve properties
   * exactly as it would for a real build.
   */
  static Settings environmentSettings(LlmetryConfig config) {
    Settings settings = new Settings();
    AtomicReference<ConfigProperties> seen = new AtomicReference<>();
    AutoConfiguredOpenTelemetrySdk.builder()
        .disableShutdownHook()
        .addPropertiesSupplier(() -> config.properties)
        .addPropertiesCustomizer(
            env -> {
              seen.set(env);
              return Map.of("otel.sdk.disabled", "true");
            })
        .build();
    readTelemetrySettings(seen.get(), settings);
    // Only whether it was asked for: an agent's SDK gets no viewer, and Llmetry says so.
    settings.viewer =
        config.viewer != null ? config.viewer : seen.get().getBoolean(VIEWER_PROPERTY, false);
    return settings;
  }

  private static Map<String, String> llmetryDefaults() {
    Map<String, String> defaults = new HashMap<>();
    defaults.put("otel.exporter.otlp.protocol", LlmetryConfig.DEFAULT_PROTOCOL);
    // llmetry4j emits no logs through OpenTelemetry; an OTLP log exporter would only add traffic.
    defaults.put("otel.logs.exporter", "none");
    return defaults;
  }

  private static Map<String, String> overrides(
      LlmetryConfig config, ConfigProperties env, Settings settings) {
    Map<String, String> overrides = new HashMap<>();

    String protocol = env.getString("otel.exporter.otlp.protocol");
    if (config.protocol != null) {
      protocol = config.protocol;
      overrides.put("otel.exporter.otlp.protocol", protocol);
    } else {
      ConfigChecks.checkProtocol("OTEL_EXPORTER_OTLP_PROTOCOL", protocol);
    }

    String endpoint = env.getString("otel.exporter.otlp.endpoint");
    if (config.endpoint != null) {
      endpoint = config.endpoint;
      overrides.put("otel.exporter.otlp.endpoint", endpoint);
      ConfigChecks.checkEndpoint("endpoint", endpoint, protocol);
    } else if (endpoint != null) {
      ConfigChecks.checkEndpoint("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint, protocol);
    }

    // The environment's headers are percent-encoded (W3C baggage form); checked decoded, and
    // decoded before a merge, so that re-encoding gives the backend exactly the values they said.
    Map<String, String> headers = new LinkedHashMap<>();
    env.getMap("otel.exporter.otlp.headers")
        .forEach((name, value) -> headers.put(name, percentDecode(value)));
    headers.forEach(
        (name, value) -> ConfigChecks.checkHeader("OTEL_EXPORTER_OTLP_HEADERS", name, value));
    String tracesEndpoint = env.getString("otel.exporter.otlp.traces.endpoint");
    if (tracesEndpoint != null) {
      ConfigChecks.checkEndpoint("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", tracesEndpoint, null);
    }
    if (!config.headers.isEmpty()) {
      headers.putAll(config.headers);
      overrides.put("otel.exporter.otlp.headers", encodeHeaders(headers));
    }

    boolean destinationConfigured =
        endpoint != null
            || env.getString("otel.exporter.otlp.traces.endpoint") != null
            || env.getString("otel.traces.exporter") != null;
    if (!destinationConfigured) {
      // Without a destination the SDK would send to localhost:4317; llmetry4j never guesses one.
      overrides.put("otel.traces.exporter", "none");
      if (env.getString("otel.metrics.exporter") == null) {
        overrides.put("otel.metrics.exporter", "none");
      }
      settings.printTraceTrees = config.spanExporters.isEmpty() && config.spanProcessors.isEmpty();
    }
    if (Boolean.FALSE.equals(config.metrics)) {
      overrides.put("otel.metrics.exporter", "none");
    }
    readTelemetrySettings(env, settings);
    readViewerSettings(config, env, settings);
    settings.trustInboundAssociations =
        config.trustInboundAssociations != null
            ? config.trustInboundAssociations
            : env.getBoolean(TRUST_INBOUND_PROPERTY, false);
    return overrides;
  }

  /**
   * The environment's content switch ({@code true}/{@code false} or the modes of OpenTelemetry's
   * GenAI instrumentations, {@code SPAN_ONLY} etc.; OpenLLMetry's {@code TRACELOOP_TRACE_CONTENT}
   * as {@code SPAN_ONLY}); the config's telemetry settings are applied after it. Any other value
   * fails, naming the setting.
   */
  static ContentCapture captureContent(ConfigProperties env) {
    String value = env.getString(CAPTURE_CONTENT_PROPERTY);
    if (value != null) {
      return ContentCapture.parse("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT", value);
    }
    return env.getBoolean(TRACELOOP_TRACE_CONTENT_PROPERTY, false)
        ? ContentCapture.SPAN_ONLY
        : ContentCapture.NO_CONTENT;
  }

  static boolean openLlmetryCompat(ConfigProperties env) {
    return env.getBoolean(OPENLLMETRY_COMPAT_PROPERTY, false);
  }

  /**
   * What the telemetry takes from OpenTelemetry's configuration: the content switch, OpenLLMetry
   * compatibility, the conventions' opt-in ({@code otel.semconv-stability.opt-in} listing {@code
   * gen_ai_latest_experimental}) and the SDK's attribute value length limit, which the content
   * budget stays under. The config's telemetry settings are applied after them.
   */
  /**
   * The local viewer's switch, port, host and token: the config's where set, else {@code
   * LLMETRY4J_VIEWER*}. On without {@code llmetry4j-viewer} on the classpath fails, naming the
   * setting.
   */
  private static void readViewerSettings(
      LlmetryConfig config, ConfigProperties env, Settings settings) {
    settings.viewer =
        config.viewer != null ? config.viewer : env.getBoolean(VIEWER_PROPERTY, false);
    if (!settings.viewer) {
      return;
    }
    if (!ViewerSetup.available()) {
      throw new IllegalArgumentException(
          "viewer (LLMETRY4J_VIEWER) is on but io.llmetry4j:llmetry4j-viewer is not on the"
              + " classpath");
    }
    Integer port = config.viewerPort;
    String environmentPort = env.getString(VIEWER_PORT_PROPERTY);
    if (port == null && environmentPort != null && !environmentPort.isBlank()) {
      try {
        port = Integer.parseInt(environmentPort.strip());
      } catch (NumberFormatException e) {
        port = -1;
      }
      if (port < 0 || port > 65535) {
        // The value is not repeated: a misplaced secret must not reach a log.
        throw new IllegalArgumentException(
            "LLMETRY4J_VIEWER_PORT must be a port number between 0 and 65535");
      }
    }
    settings.viewerPort = port == null ? 0 : port;
    settings.viewerMaxTraces =
        positive(env.getString(VIEWER_MAX_TRACES_PROPERTY), "LLMETRY4J_VIEWER_MAX_TRACES");
    settings.viewerMaxBytes =
        positive(env.getString(VIEWER_MAX_BYTES_PROPERTY), "LLMETRY4J_VIEWER_MAX_BYTES");
    settings.viewerHost = env.getString(VIEWER_HOST_PROPERTY);
    settings.viewerToken = env.getString(VIEWER_TOKEN_PROPERTY);
    if (settings.viewerToken != null && settings.viewerToken.length() < 16) {
      throw new IllegalArgumentException("LLMETRY4J_VIEWER_TOKEN must be at least 16 characters");
    }
    if (settings.viewerHost != null) {
      boolean loopback;
      try {
        loopback = java.net.InetAddress.getByName(settings.viewerHost).isLoopbackAddress();
      } catch (java.net.UnknownHostException e) {
        throw new IllegalArgumentException("LLMETRY4J_VIEWER_HOST is not a known address");
      }
      if (!loopback && settings.viewerToken == null) {
        throw new IllegalArgumentException(
            "LLMETRY4J_VIEWER_HOST is not a loopback address: set LLMETRY4J_VIEWER_TOKEN too");
      }
    }
  }

  /** A positive number, or null when unset; otherwise fails naming {@code setting}. */
  @Nullable
  private static Long positive(@Nullable String value, String setting) {
    if (value == null || value.isBlank()) {
      return null;
    }
    try {
      long parsed = Long.parseLong(value.strip());
      if (parsed > 0) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // Reported below, without the value.
    }
    throw new IllegalArgumentException(setting + " must be a positive number");
  }

  private static void readTelemetrySettings(ConfigProperties env, Settings settings) {
    settings.tokenPrices =
        TokenPriceFiles.load("LLMETRY4J_TOKEN_PRICES", env.getString(TOKEN_PRICES_PROPERTY));
    settings.captureContent = captureContent(env);
    settings.openLlmetryCompat = openLlmetryCompat(env);
    settings.semconvLatestExperimental =
        env.getList(SEMCONV_OPT_IN_PROPERTY).contains(GEN_AI_LATEST_EXPERIMENTAL);
    settings.attributeValueLengthLimit = attributeValueLengthLimit(env);
  }

  /** The SDK's span attribute value length limit, or null when it sets none. */
  @Nullable
  private static Integer attributeValueLengthLimit(ConfigProperties env) {
    for (String property : ATTRIBUTE_LENGTH_LIMIT_PROPERTIES) {
      Integer limit;
      try {
        limit = env.getInt(property);
      } catch (RuntimeException notANumber) {
        continue; // the SDK reports its own setting; the content budget stays as it is
      }
      if (limit != null && limit > 0) {
        return limit;
      }
    }
    return null;
  }

  /**
   * Percent-decoding as the OpenTelemetry specification has it for OTEL_EXPORTER_OTLP_HEADERS (the
   * W3C baggage value format): {@code %XX} sequences as UTF-8, nothing else ({@code +} stays a
   * plus). A malformed sequence is kept as it is.
   */
  static String percentDecode(String value) {
    if (value.indexOf('%') < 0) {
      return value;
    }
    StringBuilder decoded = new StringBuilder(value.length());
    java.io.ByteArrayOutputStream run = new java.io.ByteArrayOutputStream();
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      int high = c == '%' && i + 2 < value.length() ? Character.digit(value.charAt(i + 1), 16) : -1;
      int low = high >= 0 ? Character.digit(value.charAt(i + 2), 16) : -1;
      if (low >= 0) {
        run.write((high << 4) | low); // a run of encoded bytes is one UTF-8 sequence
        i += 2;
        continue;
      }
      if (run.size() > 0) {
        decoded.append(new String(run.toByteArray(), StandardCharsets.UTF_8));
        run.reset();
      }
      decoded.append(c);
    }
    if (run.size() > 0) {
      decoded.append(new String(run.toByteArray(), StandardCharsets.UTF_8));
    }
    return decoded.toString();
  }

  /** The W3C-baggage-like form of OTEL_EXPORTER_OTLP_HEADERS: values percent-encoded. */
  private static String encodeHeaders(Map<String, String> headers) {
    StringJoiner joined = new StringJoiner(",");
    headers.forEach(
        (key, value) ->
            joined.add(
                key + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20")));
    return joined.toString();
  }

  private static Resource resourceOf(LlmetryConfig config) {
    AttributesBuilder attributes = Attributes.builder();
    config.resourceAttributes.forEach(attributes::put);
    if (config.appName != null) {
      attributes.put(LlmetryConfig.SERVICE_NAME_ATTRIBUTE, config.appName);
    }
    return Resource.create(attributes.build());
  }

  private static SdkTracerProviderBuilder addProcessors(
      SdkTracerProviderBuilder tracerProvider, LlmetryConfig config, Settings settings) {
    tracerProvider.addSpanProcessor(
        AssociationPropertiesSpanProcessor.create(
            settings.openLlmetryCompat, settings.trustInboundAssociations));
    for (SpanExporter exporter : config.spanExporters) {
      // The application's exporters (an OTLP exporter to Langfuse, say) get the same request bound.
      SpanExporter bounded =
          new SizeBoundedSpanExporter(exporter, SizeBoundedSpanExporter.DEFAULT_MAX_REQUEST_BYTES);
      tracerProvider.addSpanProcessor(processorFor(bounded, config.disableBatch, null));
    }
    config.spanProcessors.forEach(tracerProvider::addSpanProcessor);
    if (settings.viewer) {
      tracerProvider.addSpanProcessor(ViewerSetup.start(settings));
    }
    if (settings.printTraceTrees) {
      tracerProvider.addSpanProcessor(
          processorFor(new TraceTreeExporter(System.err), config.disableBatch, TREE_PRINT_DELAY));
    }
    return tracerProvider;
  }

  private static SpanProcessor processorFor(
      SpanExporter exporter, boolean disableBatch, Duration scheduleDelay) {
    if (disableBatch) {
      return SimpleSpanProcessor.create(exporter);
    }
    return scheduleDelay == null
        ? BatchSpanProcessor.builder(exporter).build()
        : BatchSpanProcessor.builder(exporter).setScheduleDelay(scheduleDelay).build();
  }

  /**
   * With {@code disableBatch}, swaps the batch processor autoconfiguration built around the OTLP
   * exporter for a simple one. The batch processor is shut down at once; its exporter is the
   * wrapper below, whose shutdown leaves the real exporter open for the simple processor.
   */
  private static SpanProcessor unbatch(SpanProcessor processor) {
    SpanExporter exporter = exporterOf(processor);
    if (!(exporter instanceof UnbatchedExporter)) {
      return processor;
    }
    processor.shutdown();
    return SimpleSpanProcessor.create(((UnbatchedExporter) exporter).delegate);
  }

  @Nullable
  private static SpanExporter exporterOf(SpanProcessor processor) {
    if (processor instanceof BatchSpanProcessor) {
      return ((BatchSpanProcessor) processor).getSpanExporter();
    } else if (processor instanceof SimpleSpanProcessor) {
      return ((SimpleSpanProcessor) processor).getSpanExporter();
    }
    return null;
  }

  /** Marks an exporter that is to be moved from a batch to a simple processor. */
  private static final class UnbatchedExporter implements SpanExporter {
    final SpanExporter delegate;

    UnbatchedExporter(SpanExporter delegate) {
      this.delegate = delegate;
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      return delegate.export(spans);
    }

    @Override
    public CompletableResultCode flush() {
      return delegate.flush();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }
}
