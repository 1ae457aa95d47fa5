package io.llmetry4j.spring;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.logs.LoggerProvider;
import io.opentelemetry.api.metrics.DoubleGaugeBuilder;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.DoubleHistogramBuilder;
import io.opentelemetry.api.metrics.LongCounterBuilder;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.metrics.LongHistogramBuilder;
import io.opentelemetry.api.metrics.LongUpDownCounterBuilder;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.MeterBuilder;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.ContextPropagators;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
 * keys, as Prometheus requires.
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

  /** Histograms into the registry; other instruments (llmetry4j records none) are no-ops. */
  private static final class RegistryMeterProvider implements MeterProvider {
    private final MeterRegistry registry;

    RegistryMeterProvider(MeterRegistry registry) {
      this.registry = registry;
    }

    @Override
    public MeterBuilder meterBuilder(String instrumentationScopeName) {
      Meter meter = new RegistryMeter(registry);
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

  private static final class RegistryMeter implements Meter {
    private final MeterRegistry registry;
    private final Meter noop = MeterProvider.noop().get("io.llmetry4j");

    RegistryMeter(MeterRegistry registry) {
      this.registry = registry;
    }

    @Override
    public DoubleHistogramBuilder histogramBuilder(String name) {
      return new DoubleBuilder(new Spec(registry, name));
    }

    @Override
    public LongCounterBuilder counterBuilder(String name) {
      return noop.counterBuilder(name);
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

  /** One histogram's name, description, unit and advised buckets. */
  private static final class Spec {
    final MeterRegistry registry;
    final String name;
    @Nullable String description;
    String unit = "";
    double[] buckets = new double[0];

    Spec(MeterRegistry registry, String name) {
      this.registry = registry;
      this.name = name;
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
            .register(spec.registry)
            .record(Math.round(value * 1e9), java.util.concurrent.TimeUnit.NANOSECONDS);
      } else {
        DistributionSummary.builder(spec.name)
            .description(spec.description)
            .baseUnit(baseUnit(spec.unit))
            .tags(tags)
            .serviceLevelObjectives(spec.buckets)
            .register(spec.registry)
            .record(value);
      }
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
