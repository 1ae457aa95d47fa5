package io.llmetry4j.core.internal;

import io.llmetry4j.core.TokenPrices;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.LocalDate;
import java.util.Currency;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.annotation.Nullable;

/**
 * What calls cost, from the application's {@link TokenPrices}: {@code llmetry4j.usage.cost} and its
 * currency on each priced model call, the sum on every agent and workflow span above it in the same
 * process, and the {@code llmetry4j.usage.cost} counter by provider, model, currency and token
 * kind. Without prices nothing is computed, allocated or recorded.
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

  private static final List<String> KINDS =
      List.of("input", "cache_read", "cache_write", "output", "reasoning");

  private static final ContextKey<Total> TOTAL = ContextKey.named("llmetry4j-cost-total");

  private static final Costs NONE = new Costs(TokenPrices.none(), null, Clock.systemUTC());

  private final TokenPrices prices;
  @Nullable private final DoubleCounter counter;
  private final Clock clock;

  private Costs(TokenPrices prices, @Nullable Meter meter, Clock clock) {
    this.prices = prices;
    this.clock = clock;
    this.counter =
        prices.isEmpty() || meter == null
            ? null
            : meter
                .counterBuilder(METRIC)
                .ofDoubles()
                .setUnit("{currency}")
                .setDescription(
                    "What model calls cost, from the application's token prices, in the currency"
                        + " of llmetry4j.usage.cost.currency")
                .build();
  }

  static Costs of(TokenPrices prices, Meter meter) {
    return prices.isEmpty() ? NONE : new Costs(prices, meter, Clock.systemUTC());
  }

  /** Whether any price is set: when not, every method here returns at once. */
  public boolean enabled() {
    return counter != null;
  }

  /**
   * Prices one model call: the cost and currency on {@code span}, the counter, and the totals of
   * the agents and workflows of {@code parent}. An unpriced model gets nothing.
   */
  public void recordCall(Span span, Context parent, ModelUsage usage) {
    if (counter == null) {
      return;
    }
    TokenPrices.Price price = prices.find(usage.provider(), usage.model(), LocalDate.now(clock));
    if (price == null) {
      return;
    }
    BigDecimal cost =
        price.cost(
            usage.inputTokens(),
            usage.cacheReadTokens(),
            usage.cacheWriteTokens(),
            usage.outputTokens(),
            usage.reasoningTokens());
    String currency = price.currency().getCurrencyCode();
    span.setAttribute(COST, cost.doubleValue());
    span.setAttribute(CURRENCY, currency);
    long[] tokens = byKind(usage, price);
    for (int i = 0; i < KINDS.size(); i++) {
      BigDecimal part = price.costOf(KINDS.get(i), tokens[i]);
      if (part.signum() > 0) {
        counter.add(
            part.doubleValue(),
            Attributes.of(
                SemconvAttributes.GEN_AI_PROVIDER_NAME,
                usage.provider() == null ? "" : usage.provider(),
                SemconvAttributes.GEN_AI_RESPONSE_MODEL,
                usage.model(),
                CURRENCY,
                currency,
                TOKEN_KIND,
                KINDS.get(i)));
      }
    }
    Total total = parent.get(TOTAL);
    if (total != null) {
      total.add(price.currency(), cost);
    }
  }

  /** Tokens per kind as {@link TokenPrices.Price#cost} bills them. */
  private static long[] byKind(ModelUsage usage, TokenPrices.Price price) {
    long plainInput =
        Math.max(0, usage.inputTokens() - usage.cacheReadTokens() - usage.cacheWriteTokens());
    boolean reasoningApart = price.costOf("reasoning", 1).compareTo(price.costOf("output", 1)) != 0;
    long plainOutput =
        reasoningApart
            ? Math.max(0, usage.outputTokens() - usage.reasoningTokens())
            : usage.outputTokens();
    return new long[] {
      plainInput,
      usage.cacheReadTokens(),
      usage.cacheWriteTokens(),
      plainOutput,
      reasoningApart ? usage.reasoningTokens() : 0
    };
  }

  /**
   * A new total for an agent or workflow span, under the total of {@code parent} (if any); null
   * when no price is set.
   */
  @Nullable
  public Total newTotal(Context parent) {
    return counter == null ? null : new Total(parent.get(TOTAL));
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
    Map<Currency, BigDecimal> sums = total.snapshot();
    if (sums.size() == 1) {
      Map.Entry<Currency, BigDecimal> only = sums.entrySet().iterator().next();
      span.setAttribute(COST, only.getValue().doubleValue());
      span.setAttribute(CURRENCY, only.getKey().getCurrencyCode());
    }
  }

  /**
   * What the model calls under one agent or workflow cost, by currency; each addition also goes to
   * the enclosing total. Calls may end on other threads (parallel agents, retrievals).
   */
  public static final class Total {
    @Nullable private final Total parent;
    private final Map<Currency, BigDecimal> sums = new HashMap<>(2);

    Total(@Nullable Total parent) {
      this.parent = parent;
    }

    void add(Currency currency, BigDecimal cost) {
      synchronized (this) {
        sums.merge(currency, cost, BigDecimal::add);
      }
      if (parent != null) {
        parent.add(currency, cost);
      }
    }

    synchronized Map<Currency, BigDecimal> snapshot() {
      return Map.copyOf(sums);
    }
  }
}
