package io.llmetry4j.spring;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.LoggerProvider;
import io.opentelemetry.api.metrics.DoubleCounter;
import io.opentelemetry.api.metrics.DoubleCounterBuilder;
import io.opentelemetry.api.metrics.DoubleGaugeBuilder;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.DoubleHistogramBuilder;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.LongCounterBuilder;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.metrics.LongHistogramBuilder;
import io.opentelemetry.api.metrics.LongUpDownCounterBuilder;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.MeterBuilder;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.api.metrics.ObservableDoubleCounter;
import io.opentelemetry.api.metrics.ObservableDoubleMeasurement;
import io.opentelemetry.api.metrics.ObservableLongCounter;
import io.opentelemetry.api.metrics.ObservableLongMeasurement;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.ContextPropagators;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.ObjDoubleConsumer;
import javax.annotation.Nullable;
import org.springframework.beans.factory.ObjectProvider;

/**
 * GenAI metrics where Spring users look: when the application's {@code OpenTelemetry} has no metric
 * reader (Spring Boot's Micrometer-bridge setup builds its SDK without one, so OpenTelemetry
 * metrics are dropped) and a Micrometer {@link MeterRegistry} exists, llmetry4j's histograms are
 * recorded in that registry ({@code /actuator/metrics}, Prometheus) instead — never in both, so
 * nothing is counted twice. Where the application's SDK has a reader (the OpenTelemetry Spring Boot
 * starter), the metrics go there.
 *
 * <p>Mapped to Micrometer's conventions: durations (unit {@code s}) are {@link Timer}s, token
 * counts {@link DistributionSummary}s with base unit {@code tokens}; the conventions' advised
 * bucket boundaries are the service-level objectives (histogram buckets); names stay the
 * conventions' ({@code gen_ai.client.operation.duration} is {@code
 * gen_ai_client_operation_duration_seconds} in Prometheus); attributes are tags, and the optional
 * ones a call did not have are {@value #ABSENT}, so that every meter of a name has the same tag
 * keys, as Prometheus requires. The cost counter (asynchronous, a sum per attribute set) is a
 * {@link FunctionCounter} per attribute set.
 */
final class MicrometerMetricsIntegration implements HostIntegration {

  /** Micrometer's value for a tag a measurement does not have. */
  static final String ABSENT = "none";

  /** The conventions' optional metric attributes: always present as tags. */
  private static final List<String> OPTIONAL_TAGS =
      List.of(
          "error.type",
          "server.address",
          "server.port",
          "gen_ai.provider.name",
          "gen_ai.request.model",
          "gen_ai.response.model");

  private final ObjectProvider<MeterRegistry> registry;

  MicrometerMetricsIntegration(ObjectProvider<MeterRegistry> registry) {
    this.registry = registry;
  }

  @Override
  public OpenTelemetry openTelemetry(OpenTelemetry applications) {
    MeterRegistry meters = registry.getIfUnique();
    if (meters == null || hasMetricReader(applications)) {
      return applications;
    }
    return new MetricsInMicrometer(applications, new RegistryMeterProvider(meters));
  }

  /** An SDK without a metric reader hands out the no-op meter, as does the no-op provider. */
  private static boolean hasMetricReader(OpenTelemetry openTelemetry) {
    Meter meter = openTelemetry.getMeterProvider().get("io.llmetry4j");
    return meter != MeterProvider.noop().get("io.llmetry4j");
  }

  /** The application's instance, with metrics recorded in Micrometer. */
  private static final class MetricsInMicrometer implements OpenTelemetry {
    private final OpenTelemetry delegate;
    private final MeterProvider meters;

    MetricsInMicrometer(OpenTelemetry delegate, MeterProvider meters) {
      this.delegate = delegate;
      this.meters = meters;
    }

    @Override
    public TracerProvider getTracerProvider() {
      return delegate.getTracerProvider();
    }

    @Override
    public MeterProvider getMeterProvider() {
      return meters;
    }

    @Override
    public LoggerProvider getLogsBridge() {
      return delegate.getLogsBridge();
    }

    @Override
    public ContextPropagators getPropagators() {
      return delegate.getPropagators();
    }

    @Override
    public String toString() {
      return delegate.toString();
    }
  }

  /**
   * Histograms and asynchronous double counters into the registry; other instruments (llmetry4j
   * records none) are no-ops.
   */
  private static final class RegistryMeterProvider implements MeterProvider {
    // One meter whatever the scope: the telemetries on this provider share their instruments, as
    // in an SDK (two priced telemetries, one cost counter).
    private final Meter meter;

    RegistryMeterProvider(MeterRegistry registry) {
      this.meter = new RegistryMeter(new Registry(registry));
    }

    @Override
    public MeterBuilder meterBuilder(String instrumentationScopeName) {
      return new MeterBuilder() {
        @Override
        public MeterBuilder setSchemaUrl(String schemaUrl) {
          return this;
        }

        @Override
        public MeterBuilder setInstrumentationVersion(String version) {
          return this;
        }

        @Override
        public Meter build() {
          return meter;
        }
      };
    }
  }

  /**
   * The application's registry, and the asynchronous counters recorded in it. Micrometer registers
   * a meter per tag set before it is read, while an asynchronous instrument tells its attribute
   * sets only when its callback runs: the callbacks run after each histogram recording (on the
   * caller's thread, as the SDK would on collection) to register the sets that are new. A priced
   * call records its cost before its duration, so its cost is in the registry when it returns.
   */
  private static final class Registry {
    final MeterRegistry meters;
    // By instrument name: the meters of a name stay bound to one counter while callbacks come and
    // go.
    final Map<String, ObservedCounter> observed = new ConcurrentHashMap<>();

    Registry(MeterRegistry meters) {
      this.meters = meters;
    }

    void registerNewSeries() {
      for (ObservedCounter counter : observed.values()) {
        counter.registerNewSeries();
      }
    }
  }

  private static final class RegistryMeter implements Meter {
    private final Registry registry;
    private final Meter noop = MeterProvider.noop().get("io.llmetry4j");

    RegistryMeter(Registry registry) {
      this.registry = registry;
    }

    @Override
    public DoubleHistogramBuilder histogramBuilder(String name) {
      return new DoubleBuilder(new Spec(registry, name));
    }

    @Override
    public LongCounterBuilder counterBuilder(String name) {
      return new CounterBuilder(new Spec(registry, name), noop.counterBuilder(name));
    }

    @Override
    public LongUpDownCounterBuilder upDownCounterBuilder(String name) {
      return noop.upDownCounterBuilder(name);
    }

    @Override
    public DoubleGaugeBuilder gaugeBuilder(String name) {
      return noop.gaugeBuilder(name);
    }
  }

  /** One instrument's name, description, unit and advised buckets. */
  private static final class Spec {
    final Registry registry;
    final String name;
    @Nullable String description;
    String unit = "";
    double[] buckets = new double[0];

    Spec(Registry registry, String name) {
      this.registry = registry;
      this.name = name;
    }
  }

  /** Counters: the asynchronous double one in the registry, the others no-ops. */
  private static final class CounterBuilder implements LongCounterBuilder {
    private final Spec spec;
    private final LongCounterBuilder noop;

    CounterBuilder(Spec spec, LongCounterBuilder noop) {
      this.spec = spec;
      this.noop = noop;
    }

    @Override
    public LongCounterBuilder setDescription(String description) {
      spec.description = description;
      noop.setDescription(description);
      return this;
    }

    @Override
    public LongCounterBuilder setUnit(String unit) {
      spec.unit = unit;
      noop.setUnit(unit);
      return this;
    }

    @Override
    public DoubleCounterBuilder ofDoubles() {
      DoubleCounterBuilder noopDoubles = noop.ofDoubles();
      return new DoubleCounterBuilder() {
        @Override
        public DoubleCounterBuilder setDescription(String description) {
          spec.description = description;
          return this;
        }

        @Override
        public DoubleCounterBuilder setUnit(String unit) {
          spec.unit = unit;
          return this;
        }

        @Override
        public DoubleCounter build() {
          return noopDoubles.build();
        }

        @Override
        public ObservableDoubleCounter buildWithCallback(
            Consumer<ObservableDoubleMeasurement> callback) {
          return spec.registry
              .observed
              .computeIfAbsent(spec.name, name -> new ObservedCounter(spec))
              .add(callback);
        }
      };
    }

    @Override
    public LongCounter build() {
      return noop.build();
    }

    @Override
    public ObservableLongCounter buildWithCallback(Consumer<ObservableLongMeasurement> callback) {
      return noop.buildWithCallback(callback);
    }
  }

  /**
   * An asynchronous counter: a {@link FunctionCounter} per attribute set its callbacks report, each
   * reading the set's value from a fresh run of the callbacks (a set no callback reports any more
   * keeps its last value). Attributes are the tags as they are (its sets all have the same keys).
   */
  private static final class ObservedCounter {
    private final Spec spec;
    private final List<Consumer<ObservableDoubleMeasurement>> callbacks =
        new CopyOnWriteArrayList<>();
    // The last value of each attribute set with a meter in the registry.
    private final Map<Attributes, Double> values = new ConcurrentHashMap<>();

    ObservedCounter(Spec spec) {
      this.spec = spec;
    }

    ObservableDoubleCounter add(Consumer<ObservableDoubleMeasurement> callback) {
      callbacks.add(callback);
      return new ObservableDoubleCounter() {
        @Override
        public void close() {
          callbacks.remove(callback);
        }
      };
    }

    /**
     * Runs the callbacks and registers the attribute sets that have no meter yet. On the caller's
     * thread after each histogram recording: a set already known costs a lookup, without a lock.
     */
    void registerNewSeries() {
      observe(
          (attributes, value) -> {
            if (!values.containsKey(attributes) && values.putIfAbsent(attributes, value) == null) {
              register(attributes);
            }
          });
    }

    private void observe(ObjDoubleConsumer<Attributes> each) {
      ObservableDoubleMeasurement measurement =
          new ObservableDoubleMeasurement() {
            @Override
            public void record(double value) {
              each.accept(Attributes.empty(), value);
            }

            @Override
            public void record(double value, Attributes attributes) {
              each.accept(attributes, value);
            }
          };
      for (Consumer<ObservableDoubleMeasurement> callback : callbacks) {
        callback.accept(measurement);
      }
    }

    private void register(Attributes attributes) {
      List<Tag> tags = new ArrayList<>(attributes.size());
      attributes.forEach((key, value) -> tags.add(Tag.of(key.getKey(), String.valueOf(value))));
      // No base unit: the cost counter's unit is the currency tag of each series. The registry
      // keeps only a weak reference to this counter; the registry holder keeps it alive.
      FunctionCounter.builder(spec.name, this, counter -> counter.read(attributes))
          .description(spec.description)
          .tags(tags)
          .register(spec.registry.meters);
    }

    /** Read by the registry: a meter's value now (the sets it knows, refreshed; none added). */
    private double read(Attributes attributes) {
      observe(values::replace);
      return values.getOrDefault(attributes, 0.0);
    }
  }

  private static final class DoubleBuilder implements DoubleHistogramBuilder {
    private final Spec spec;

    DoubleBuilder(Spec spec) {
      this.spec = spec;
    }

    @Override
    public DoubleHistogramBuilder setDescription(String description) {
      spec.description = description;
      return this;
    }

    @Override
    public DoubleHistogramBuilder setUnit(String unit) {
      spec.unit = unit;
      return this;
    }

    @Override
    public DoubleHistogramBuilder setExplicitBucketBoundariesAdvice(List<Double> boundaries) {
      spec.buckets = boundaries.stream().mapToDouble(Double::doubleValue).toArray();
      return this;
    }

    @Override
    public LongHistogramBuilder ofLongs() {
      return new LongBuilder(spec);
    }

    @Override
    public DoubleHistogram build() {
      Recorder recorder = new Recorder(spec);
      return new DoubleHistogram() {
        @Override
        public void record(double value) {
          recorder.record(value, Attributes.empty());
        }

        @Override
        public void record(double value, Attributes attributes) {
          recorder.record(value, attributes);
        }

        @Override
        public void record(double value, Attributes attributes, Context context) {
          recorder.record(value, attributes);
        }
      };
    }
  }

  private static final class LongBuilder implements LongHistogramBuilder {
    private final Spec spec;

    LongBuilder(Spec spec) {
      this.spec = spec;
    }

    @Override
    public LongHistogramBuilder setDescription(String description) {
      spec.description = description;
      return this;
    }

    @Override
    public LongHistogramBuilder setUnit(String unit) {
      spec.unit = unit;
      return this;
    }

    @Override
    public LongHistogramBuilder setExplicitBucketBoundariesAdvice(List<Long> boundaries) {
      spec.buckets = boundaries.stream().mapToDouble(Long::doubleValue).toArray();
      return this;
    }

    @Override
    public LongHistogram build() {
      Recorder recorder = new Recorder(spec);
      return new LongHistogram() {
        @Override
        public void record(long value) {
          recorder.record(value, Attributes.empty());
        }

        @Override
        public void record(long value, Attributes attributes) {
          recorder.record(value, attributes);
        }

        @Override
        public void record(long value, Attributes attributes, Context context) {
          recorder.record(value, attributes);
        }
      };
    }
  }

  /**
   * Records into the registry's meter of each tag set: a {@link Timer} for seconds, else a {@link
   * DistributionSummary}. The registry keeps one meter per name and tags; never throws into the
   * caller (the registry's own failures are its to report).
   */
  private static final class Recorder {
    private final Spec spec;
    private final boolean seconds;
    @Nullable private final Duration[] slos;

    Recorder(Spec spec) {
      this.spec = spec;
      this.seconds = spec.unit.equals("s");
      if (seconds) {
        slos = new Duration[spec.buckets.length];
        for (int i = 0; i < slos.length; i++) {
          slos[i] = Duration.ofNanos(Math.round(spec.buckets[i] * 1e9));
        }
      } else {
        slos = null;
      }
    }

    void record(double value, Attributes attributes) {
      List<Tag> tags = tags(attributes);
      if (seconds) {
        Timer.builder(spec.name)
            .description(spec.description)
            .tags(tags)
            .serviceLevelObjectives(slos)
            .register(spec.registry.meters)
            .record(Math.round(value * 1e9), java.util.concurrent.TimeUnit.NANOSECONDS);
      } else {
        DistributionSummary.builder(spec.name)
            .description(spec.description)
            .baseUnit(baseUnit(spec.unit))
            .tags(tags)
            .serviceLevelObjectives(spec.buckets)
            .register(spec.registry.meters)
            .record(value);
      }
      spec.registry.registerNewSeries();
    }

    /** {@code {token}} (UCUM annotation) is Micrometer's {@code tokens}. */
    private static String baseUnit(String unit) {
      if (unit.startsWith("{") && unit.endsWith("}") && unit.length() > 2) {
        return unit.substring(1, unit.length() - 1) + "s";
      }
      return unit;
    }

    private static List<Tag> tags(Attributes attributes) {
      List<Tag> tags = new ArrayList<>(attributes.size() + OPTIONAL_TAGS.size());
      attributes.forEach((key, value) -> tags.add(Tag.of(key.getKey(), String.valueOf(value))));
      for (String optional : OPTIONAL_TAGS) {
        if (attributes.get(io.opentelemetry.api.common.AttributeKey.stringKey(optional)) == null
            && attributes.get(io.opentelemetry.api.common.AttributeKey.longKey(optional)) == null) {
          tags.add(Tag.of(optional, ABSENT));
        }
      }
      return tags;
    }
  }
}
