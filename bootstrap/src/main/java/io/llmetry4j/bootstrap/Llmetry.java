package io.llmetry4j.bootstrap;

import static java.util.Objects.requireNonNull;

import io.llmetry4j.core.LlmTelemetry;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.annotation.Nullable;

/**
 * The one call an application makes at startup: builds (or, under a Java agent, reuses) the
 * OpenTelemetry SDK and the {@link LlmTelemetry} that the llmetry4j listeners and decorators take.
 *
 * <pre>{@code
 * Llmetry llmetry = Llmetry.init(
 *     LlmetryConfig.tencentApm(endpoint, token, "rag-service").hostName("rag-host-1").build());
 * ChatModel model = OllamaChatModel.builder()
 *     .listeners(List.of(TracingChatModelListener.create(llmetry.telemetry())))
 *     ...
 * }</pre>
 *
 * <p>{@link #close()} flushes and shuts the SDK down; a JVM shutdown hook does the same, bounded by
 * {@link LlmetryConfig.Builder#shutdownTimeout}, for applications that never call it.
 */
public final class Llmetry implements AutoCloseable {

  private static final Logger logger = Logger.getLogger(Llmetry.class.getName());
  private static final Object INIT_LOCK = new Object();

  /** The instance whose SDK this class registered as the global one, while it is. */
  @Nullable private static volatile Llmetry registeredGlobal;

  private final OpenTelemetry openTelemetry;
  @Nullable private final OpenTelemetrySdk ownedSdk;
  private final LlmTelemetry telemetry;
  private final Duration shutdownTimeout;
  @Nullable private final Thread shutdownHook;
  private final AtomicBoolean closed = new AtomicBoolean();

  @Nullable private String viewerUrl;

  private Llmetry(
      OpenTelemetry openTelemetry,
      @Nullable OpenTelemetrySdk ownedSdk,
      LlmTelemetry telemetry,
      LlmetryConfig config) {
    this.openTelemetry = openTelemetry;
    this.ownedSdk = ownedSdk;
    this.telemetry = telemetry;
    this.shutdownTimeout = config.shutdownTimeout;
    if (ownedSdk != null && config.shutdownHook) {
      this.shutdownHook = new Thread(this::shutdownSdk, "llmetry4j-shutdown");
      Runtime.getRuntime().addShutdownHook(shutdownHook);
    } else {
      this.shutdownHook = null;
    }
  }

  /**
   * Initialises tracing (and metrics) from {@code config}, falling back to the {@code OTEL_*}
   * environment for what it leaves unset.
   *
   * <p>Under the OpenTelemetry Java agent 2.x (or Tencent's, built on it) the agent's instance is
   * used: this is found before anything is built, on every agent version, and said in one INFO
   * line; no SDK is built, nothing is registered, and the exporter settings of {@code config} are
   * ignored (configure the agent). When another OpenTelemetry instance is already registered
   * globally, it is reused likewise: with OpenTelemetry API 1.57 or later ({@code
   * GlobalOpenTelemetry.isSet()}) this is checked before anything is built. With an older API the
   * SDK is built, registration is attempted, and when it does not take (an instance was already
   * set, or an agent ignores {@code set}) the just-built SDK is shut down before it exported
   * anything; with {@link LlmetryConfig.Builder#registerGlobal registerGlobal(false)} an older API
   * offers no way to find an agent's instance, so the SDK built from {@code config} is used.
   *
   * <p>Calls are serialised: concurrent callers after the first get the instance it registered.
   * After {@link #close()}, a new {@code init} builds and registers a new SDK. A no-op instance
   * that something fixed as the global one by reading {@code GlobalOpenTelemetry} before {@code
   * init} is not taken for an agent's: the SDK built here then traces llmetry4j's own
   * instrumentation, unregistered, and a warning says so.
   *
   * @throws IllegalArgumentException if a setting (or its environment variable) is invalid; the
   *     message names it, never its value
   */
  public static Llmetry init(LlmetryConfig config) {
    requireNonNull(config, "config");
    // One init at a time: concurrent callers get the instance the first one registered, and no
    // SDK is built only to be dropped.
    synchronized (INIT_LOCK) {
      return initLocked(config);
    }
  }

  private static Llmetry initLocked(LlmetryConfig config) {
    releaseClosedGlobal();
    if (GlobalRegistration.agentProvidesGlobal()) {
      // Before anything is built, on agents that do not bridge isSet() too: no SDK, no set().
      return reuseGlobal(config, SdkAssembly.environmentSettings(config));
    }
    if (GlobalRegistration.canProbe() && GlobalRegistration.isSet()) {
      if (!isNoop(GlobalOpenTelemetry.get())) {
        return reuseGlobal(config, SdkAssembly.environmentSettings(config));
      }
    }
    SdkAssembly.Assembled assembled = SdkAssembly.assemble(config);
    OpenTelemetrySdk sdk = assembled.sdk;
    if (config.registerGlobal && !GlobalRegistration.register(sdk)) {
      if (isNoop(GlobalOpenTelemetry.get())) {
        // Something read GlobalOpenTelemetry before init and fixed a no-op there: that is no
        // agent, so llmetry4j's own instrumentation uses the SDK just built.
        logger.warning(
            "llmetry4j: GlobalOpenTelemetry was read before Llmetry.init and holds a no-op"
                + " instance; llmetry4j traces with its own SDK, which is not registered"
                + " globally: instrumentation that reads GlobalOpenTelemetry stays off. Call"
                + " Llmetry.init before anything reads GlobalOpenTelemetry.");
        return owning(sdk, config, assembled.settings);
      }
      // Registered in the meantime, or (API before 1.57, no isSet) by an agent: the SDK just
      // built has exported nothing yet and goes away.
      sdk.shutdown().join(config.shutdownTimeout.toMillis(), TimeUnit.MILLISECONDS);
      return reuseGlobal(config, assembled.settings);
    }
    Llmetry llmetry = owning(sdk, config, assembled.settings);
    if (config.registerGlobal) {
      registeredGlobal = llmetry;
    }
    return llmetry;
  }

  /** An instance that owns {@code sdk}, which it hands out only behind a token-safe wrapper. */
  private static Llmetry owning(
      OpenTelemetrySdk sdk, LlmetryConfig config, SdkAssembly.Settings settings) {
    OpenTelemetry safe = new TokenSafeOpenTelemetry(sdk);
    Llmetry llmetry = new Llmetry(safe, sdk, telemetryOf(safe, config, settings), config);
    llmetry.viewerUrl = settings.viewerUrl;
    return llmetry;
  }

  /**
   * After {@code init(a); close()}, the closed SDK of {@code a} is still the global instance: a
   * later init would reuse it and export nothing. The global is released when it is the one this
   * class registered and closed (OpenTelemetry's API offers only {@code resetForTest} for that).
   */
  private static void releaseClosedGlobal() {
    Llmetry registered = registeredGlobal;
    if (registered == null || !registered.closed.get() || registered.ownedSdk == null) {
      return;
    }
    registeredGlobal = null;
    if (GlobalOpenTelemetry.get().getTracerProvider() == registered.ownedSdk.getTracerProvider()) {
      GlobalOpenTelemetry.resetForTest();
    }
  }

  /** Whether {@code openTelemetry} is the no-op instance (what {@code get()} fixes when unset). */
  private static boolean isNoop(OpenTelemetry openTelemetry) {
    return openTelemetry.getTracerProvider() == TracerProvider.noop();
  }

  private static Llmetry reuseGlobal(LlmetryConfig config, SdkAssembly.Settings settings) {
    if (settings.viewer) {
      logger.warning(
          "llmetry4j: the viewer is on, but an OpenTelemetry instance is already registered (e.g."
              + " by a Java agent) and llmetry4j adds nothing to it: run the standalone viewer and"
              + " point its OTLP exporter there (OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318,"
              + " OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf).");
    }
    logger.info(
        "llmetry4j: an OpenTelemetry instance is already registered (e.g. by a Java agent);"
            + " reusing it. LlmetryConfig's endpoint, protocol, headers, resource attributes,"
            + " exporters, processors, sampler and propagators are ignored: configure the agent.");
    // Only called once an instance is registered, so get() cannot install a no-op.
    OpenTelemetry global = GlobalOpenTelemetry.get();
    return new Llmetry(global, null, telemetryOf(global, config, settings), config);
  }

  /** {@link #init} with every setting taken from the environment ({@code OTEL_*} variables). */
  public static Llmetry initFromEnvironment() {
    return init(LlmetryConfig.builder().build());
  }

  /**
   * Telemetry for an {@code OpenTelemetry} the application already owns (its own SDK, Spring
   * Boot's): builds no SDK and registers nothing. Its settings are those {@link #init} gives the
   * telemetry it returns: content capture, OpenLLMetry compatibility, the conventions' opt-in and
   * the SDK's attribute value length limit as OpenTelemetry's configuration has them ({@code
   * OTEL_*} variables, system properties, {@code config}'s properties), then {@code config}'s
   * telemetry settings.
   *
   * @throws IllegalArgumentException if a setting (or its environment variable) is invalid; the
   *     message names it, never its value
   */
  public static LlmTelemetry telemetry(OpenTelemetry openTelemetry, LlmetryConfig config) {
    requireNonNull(openTelemetry, "openTelemetry");
    requireNonNull(config, "config");
    return telemetryOf(openTelemetry, config, SdkAssembly.environmentSettings(config));
  }

  private static LlmTelemetry telemetryOf(
      OpenTelemetry openTelemetry, LlmetryConfig config, SdkAssembly.Settings settings) {
    LlmTelemetry.Builder builder =
        LlmTelemetry.builder(openTelemetry)
            .captureContent(settings.captureContent)
            .openLlmetryCompat(settings.openLlmetryCompat)
            .semconvLatestExperimental(settings.semconvLatestExperimental);
    if (settings.attributeValueLengthLimit != null) {
      builder.attributeValueLengthLimit(settings.attributeValueLengthLimit);
    }
    if (settings.tokenPrices != null) {
      builder.tokenPrices(settings.tokenPrices);
    }
    config.telemetrySettings.forEach(apply -> apply.accept(builder));
    return builder.build();
  }

  /**
   * The local trace viewer's page, when {@code LlmetryConfig.Builder.viewer} (or {@code
   * LLMETRY4J_VIEWER}) turned it on for the SDK this instance built.
   */
  public java.util.Optional<String> viewerUrl() {
    return java.util.Optional.ofNullable(viewerUrl);
  }

  /** The OpenTelemetry instance in use: the SDK built by {@link #init}, or the agent's. */
  public OpenTelemetry openTelemetry() {
    return openTelemetry;
  }

  /** What to pass to the llmetry4j listeners and decorators. */
  public LlmTelemetry telemetry() {
    return telemetry;
  }

  /**
   * Exports what is pending, waiting at most {@code timeout}. Returns whether everything was
   * exported in time. A no-op returning true when an agent's instance is in use.
   */
  public boolean forceFlush(Duration timeout) {
    if (ownedSdk == null) {
      return true;
    }
    CompletableResultCode traces = ownedSdk.getSdkTracerProvider().forceFlush();
    CompletableResultCode metrics = ownedSdk.getSdkMeterProvider().forceFlush();
    return CompletableResultCode.ofAll(java.util.List.of(traces, metrics))
        .join(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .isSuccess();
  }

  /**
   * Flushes and shuts down traces and metrics, waiting at most the configured shutdown timeout.
   * Idempotent. An agent's instance is left alone.
   */
  @Override
  public void close() {
    if (shutdownHook != null) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException e) {
        // The JVM is already shutting down; the hook is running or has run.
      }
    }
    shutdownSdk();
  }

  private void shutdownSdk() {
    if (ownedSdk == null || !closed.compareAndSet(false, true)) {
      return;
    }
    CompletableResultCode result =
        ownedSdk.shutdown().join(shutdownTimeout.toMillis(), TimeUnit.MILLISECONDS);
    if (!result.isSuccess()) {
      logger.log(
          Level.WARNING,
          "llmetry4j: telemetry not fully exported within {0} ms at shutdown",
          Long.toString(shutdownTimeout.toMillis()));
    }
  }
}
