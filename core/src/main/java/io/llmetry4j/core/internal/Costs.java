package io.llmetry4j.core.internal;

import io.llmetry4j.core.TokenPrices;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import java.lang.ref.WeakReference;
import java.time.LocalDate;
import java.util.Map;
import java.util.TreeMap;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import javax.annotation.Nullable;

/**
 * What calls cost, from the application's {@link TokenPrices}: {@code llmetry4j.usage.cost} and its
 * currency on each priced model call, the sum on every agent and workflow span above it in the same
 * process, and the {@code llmetry4j.usage.cost} counter by provider, model, currency and token
 * kind. Without prices nothing is computed, allocated or recorded.
 *
 * <p>Each provider and model is resolved once a day (prices have effective dates): its price per
 * token of each kind and the counter's attribute sets are kept, so pricing a call is a map lookup
 * and a few multiplications. The counter is asynchronous: a call adds to an in-process sum per
 * attribute set, which the SDK reads when it collects, instead of recording through the SDK's
 * aggregation on the caller's thread. Amounts are doubles: exact to about 15 significant digits,
 * far below any currency's smallest unit for one call.
 *
 * <p>Not public API: shared by the llmetry4j modules, may change without notice.
 */
public final class Costs {

  /** llmetry4j's own: the cost of a call, or of everything under an agent or workflow. */
  public static final AttributeKey<Double> COST = AttributeKey.doubleKey("llmetry4j.usage.cost");

  /** llmetry4j's own: the ISO 4217 currency of {@link #COST}. */
  public static final AttributeKey<String> CURRENCY =
      AttributeKey.stringKey("llmetry4j.usage.cost.currency");

  /** llmetry4j's own: the kind of tokens a point of the cost counter is for. */
  public static final AttributeKey<String> TOKEN_KIND =
      AttributeKey.stringKey("llmetry4j.usage.token_kind");

  static final String METRIC = "llmetry4j.usage.cost";

  private static final String[] KINDS = {
    "input", "cache_read", "cache_write", "output", "reasoning"
  };
  private static final int INPUT = 0;
  private static final int CACHE_READ = 1;
  private static final int CACHE_WRITE = 2;
  private static final int OUTPUT = 3;
  private static final int REASONING = 4;
  private static final long MILLIS_PER_DAY = 86_400_000L;

  private static final ContextKey<Total> TOTAL = ContextKey.named("llmetry4j-cost-total");

  private static final Costs NONE = new Costs(TokenPrices.none(), null);

  // The counter's sums of each meter (one OpenTelemetry's), shared by every priced telemetry on
  // it: an asynchronous instrument must report an attribute set once (OpenTelemetry 1.49 keeps one
  // of two values). Weak both ways: the meter's SDK holds the callback, which holds the sums, so an
  // entry lives as long as the SDK does and keeps neither alive.
  private static final Map<Meter, WeakReference<Map<Attributes, DoubleAdder>>> SUMS_BY_METER =
      new WeakHashMap<>();

  private final TokenPrices prices;
  // The sums the counter reports, by attribute set: created on a kind's first cost. Null without
  // prices.
  @Nullable private final Map<Attributes, DoubleAdder> sums;
  // provider → model → the price of the day; "" for a provider not reported.
  private final Map<String, Map<String, Resolved>> resolved = new ConcurrentHashMap<>();

  private Costs(TokenPrices prices, @Nullable Meter meter) {
    this.prices = prices;
    this.sums = prices.isEmpty() || meter == null ? null : sumsOf(meter);
  }

  /** The sums {@code meter}'s cost counter reports, registering the counter on first use. */
  private static Map<Attributes, DoubleAdder> sumsOf(Meter meter) {
    synchronized (SUMS_BY_METER) {
      WeakReference<Map<Attributes, DoubleAdder>> known = SUMS_BY_METER.get(meter);
      Map<Attributes, DoubleAdder> sums = known == null ? null : known.get();
      if (sums == null) {
        Map<Attributes, DoubleAdder> reported = new ConcurrentHashMap<>();
        // The SDK keeps the callback registered: the returned instrument need not be held.
        meter
            .counterBuilder(METRIC)
            .ofDoubles()
            .setUnit("{currency}")
            .setDescription(
                "What model calls cost, from the application's token prices, in the currency"
                    + " of llmetry4j.usage.cost.currency")
            .buildWithCallback(
                measurement ->
                    reported.forEach(
                        (attributes, sum) -> measurement.record(sum.sum(), attributes)));
        SUMS_BY_METER.put(meter, new WeakReference<>(reported));
        sums = reported;
      }
      return sums;
    }
  }

  static Costs of(TokenPrices prices, Meter meter) {
    return prices.isEmpty() ? NONE : new Costs(prices, meter);
  }

  /** Whether any price is set: when not, every method here returns at once. */
  public boolean enabled() {
    return sums != null;
  }

  /**
   * Prices one model call: the cost and currency on {@code span}, the counter, and the totals of
   * the agents and workflows of {@code parent}. An unpriced model gets nothing.
   */
  public void recordCall(Span span, Context parent, ModelUsage usage) {
    if (sums == null || usage.model() == null) {
      return;
    }
    Resolved price = resolve(usage.provider() == null ? "" : usage.provider(), usage.model());
    if (price.currency == null) {
      return;
    }
    long cacheRead = usage.cacheReadTokens();
    long cacheWrite = usage.cacheWriteTokens();
    long plainInput = Math.max(0, usage.inputTokens() - cacheRead - cacheWrite);
    long reasoning = price.reasoningApart ? usage.reasoningTokens() : 0;
    long plainOutput = Math.max(0, usage.outputTokens() - reasoning);
    double cost =
        add(price, INPUT, plainInput)
            + add(price, CACHE_READ, cacheRead)
            + add(price, CACHE_WRITE, cacheWrite)
            + add(price, OUTPUT, plainOutput)
            + add(price, REASONING, reasoning);
    span.setAttribute(COST, cost);
    span.setAttribute(CURRENCY, price.currency);
    Total total = parent.get(TOTAL);
    if (total != null) {
      total.add(price.currency, cost);
    }
  }

  /** The cost of {@code tokens} of one kind, also counted on the counter. */
  private double add(Resolved price, int kind, long tokens) {
    if (tokens <= 0 || price.perToken[kind] == 0) {
      return 0;
    }
    double cost = tokens * price.perToken[kind];
    DoubleAdder sum = price.sums[kind];
    if (sum == null) {
      // Shared by the day's later resolutions of the same model: one sum per attribute set.
      sum = sums.computeIfAbsent(price.kindAttributes[kind], attributes -> new DoubleAdder());
      price.sums[kind] = sum;
    }
    sum.add(cost);
    return cost;
  }

  private Resolved resolve(String provider, String model) {
    long day = System.currentTimeMillis() / MILLIS_PER_DAY;
    Map<String, Resolved> models =
        resolved.computeIfAbsent(provider, p -> new ConcurrentHashMap<>());
    Resolved price = models.get(model);
    if (price == null || price.day != day) {
      // Bounded by the models the application calls, each resolved again once a day.
      price =
          Resolved.of(
              prices.find(provider, model, LocalDate.ofEpochDay(day)), provider, model, day);
      models.put(model, price);
    }
    return price;
  }

  /** One model's price of one day: per token of each kind, and the counter's attributes. */
  private static final class Resolved {
    final long day;
    @Nullable final String currency;
    final double[] perToken = new double[KINDS.length];
    final Attributes[] kindAttributes = new Attributes[KINDS.length];
    // The counter's sums of each kind, found on first use (racing threads find the same one).
    final DoubleAdder[] sums = new DoubleAdder[KINDS.length];
    final boolean reasoningApart;

    private Resolved(long day, @Nullable TokenPrices.Price price, String provider, String model) {
      this.day = day;
      this.currency = price == null ? null : price.currency().getCurrencyCode();
      this.reasoningApart = price != null && price.billsReasoningApart();
      if (price != null) {
        for (int kind = 0; kind < KINDS.length; kind++) {
          perToken[kind] = price.perToken(KINDS[kind]);
          kindAttributes[kind] =
              Attributes.of(
                  SemconvAttributes.GEN_AI_PROVIDER_NAME,
                  provider,
                  SemconvAttributes.GEN_AI_RESPONSE_MODEL,
                  model,
                  CURRENCY,
                  currency,
                  TOKEN_KIND,
                  KINDS[kind]);
        }
      }
    }

    static Resolved of(@Nullable TokenPrices.Price price, String provider, String model, long day) {
      return new Resolved(day, price, provider, model);
    }
  }

  /**
   * A new total for an agent or workflow span, under the total of {@code parent} (if any); null
   * when no price is set.
   */
  @Nullable
  public Total newTotal(Context parent) {
    return sums == null ? null : new Total(parent.get(TOTAL));
  }

  /** {@code context} with {@code total} as the one its model calls add to. */
  public static Context withTotal(Context context, @Nullable Total total) {
    return total == null ? context : context.with(TOTAL, total);
  }

  /** The sum on an agent or workflow span: when it has one currency, and something to sum. */
  public static void recordTotal(Span span, @Nullable Total total) {
    if (total == null) {
      return;
    }
    Map<String, Double> sums = total.snapshot();
    if (sums.size() == 1) {
      Map.Entry<String, Double> only = sums.entrySet().iterator().next();
      span.setAttribute(COST, only.getValue());
      span.setAttribute(CURRENCY, only.getKey());
    }
  }

  /**
   * What the model calls under one agent or workflow cost, by currency; each addition also goes to
   * the enclosing total. Calls may end on other threads (parallel agents, retrievals).
   */
  public static final class Total {
    @Nullable private final Total parent;
    private final Map<String, Double> sums = new TreeMap<>();

    Total(@Nullable Total parent) {
      this.parent = parent;
    }

    void add(String currency, double cost) {
      synchronized (this) {
        sums.merge(currency, cost, Double::sum);
      }
      if (parent != null) {
        parent.add(currency, cost);
      }
    }

    synchronized Map<String, Double> snapshot() {
      return Map.copyOf(sums);
    }
  }
}
