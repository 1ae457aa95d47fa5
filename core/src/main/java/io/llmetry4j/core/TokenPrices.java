package io.llmetry4j.core;

import static java.util.Objects.requireNonNull;

import java.io.BufferedReader;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Currency;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.annotation.Nullable;

/**
 * The token prices the application pays, by provider and model: llmetry4j invents none. A model
 * with no price gets no cost.
 *
 * <pre>{@code
 * TokenPrices prices = TokenPrices.builder()
 *     .price(TokenPrices.price("deepseek", "deepseek-chat", "CNY")
 *         .perMillionTokens()
 *         .input("2").cacheRead("0.5").output("8")
 *         .effectiveFrom(LocalDate.of(2026, 9, 1)))
 *     .build();
 * LlmTelemetry telemetry = LlmTelemetry.builder(openTelemetry).tokenPrices(prices).build();
 * }</pre>
 *
 * <p>A model pattern is a name, or a prefix ending in {@code *} ({@code gpt-4o-mini*} matches
 * {@code gpt-4o-mini-2024-07-18}); the longest matching pattern wins, and among prices of one
 * pattern the newest whose effective date has come. Provider {@code *} matches any provider.
 *
 * <p>Per token kind: {@code input} (every input token not read from or written to a cache), {@code
 * cacheRead} and {@code cacheWrite} (default: the input price), {@code output} (every output token
 * not billed apart as reasoning), {@code reasoning} (default: the output price, as providers that
 * count reasoning in the output tokens bill it).
 *
 * <p>As a file ({@link #load(Path)}): lines {@code price.<name>.<field> = <value>}, {@code #}
 * comments and blank lines, fields {@code provider}, {@code model}, {@code currency}, {@code
 * per_tokens} (default 1), {@code input}, {@code cache_read}, {@code cache_write}, {@code output},
 * {@code reasoning}, {@code effective_from} (ISO date, default: always):
 *
 * <pre>
 * # Source: the provider's price page, read on 2026-12-01.
 * price.deepseek-chat.provider = deepseek
 * price.deepseek-chat.model = deepseek-chat
 * price.deepseek-chat.currency = CNY
 * price.deepseek-chat.per_tokens = 1000000
 * price.deepseek-chat.input = 2
 * price.deepseek-chat.cache_read = 0.5
 * price.deepseek-chat.output = 8
 * </pre>
 *
 * A file with anything else fails naming the file and the line.
 */
public final class TokenPrices {

  private static final TokenPrices NONE = new TokenPrices(List.of());

  private static final Set<String> FIELDS =
      Set.of(
          "provider",
          "model",
          "currency",
          "per_tokens",
          "input",
          "cache_read",
          "cache_write",
          "output",
          "reasoning",
          "effective_from");

  private final List<Price> prices;

  private TokenPrices(List<Price> prices) {
    this.prices = List.copyOf(prices);
  }

  /** No prices: no cost anywhere. */
  public static TokenPrices none() {
    return NONE;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A price of {@code model} (a name or a prefix ending in {@code *}) at {@code provider}. */
  public static Price price(String provider, String model, String currency) {
    return new Price(provider, model, currency);
  }

  /** Whether there are no prices at all. */
  public boolean isEmpty() {
    return prices.isEmpty();
  }

  /**
   * The price of {@code model} at {@code provider} on {@code day}: the longest matching pattern,
   * then the newest effective one; null when none matches.
   */
  @Nullable
  public Price find(@Nullable String provider, @Nullable String model, LocalDate day) {
    if (model == null || prices.isEmpty()) {
      return null;
    }
    Price best = null;
    for (Price price : prices) {
      if (!price.matches(provider, model)
          || (price.effectiveFrom != null && price.effectiveFrom.isAfter(day))) {
        continue;
      }
      if (best == null
          || price.specificity() > best.specificity()
          || (price.specificity() == best.specificity() && price.newerThan(best))) {
        best = price;
      }
    }
    return best;
  }

  /** The prices of a file; see the class comment for its form. */
  public static TokenPrices load(Path file) throws IOException {
    Map<String, Map<String, Line>> byName = new LinkedHashMap<>();
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String text;
      int number = 0;
      while ((text = reader.readLine()) != null) {
        number++;
        String line = text.strip();
        if (line.isEmpty() || line.startsWith("#")) {
          continue;
        }
        int equals = line.indexOf('=');
        String key = equals < 0 ? line : line.substring(0, equals).strip();
        String[] parts = key.split("\\.");
        if (equals < 0 || parts.length != 3 || !parts[0].equals("price") || parts[1].isEmpty()) {
          throw new IllegalArgumentException(
              file + ":" + number + ": expected price.<name>.<field> = <value>");
        }
        if (!FIELDS.contains(parts[2])) {
          throw new IllegalArgumentException(
              file + ":" + number + ": unknown field " + parts[2] + " (one of " + FIELDS + ")");
        }
        Map<String, Line> fields = byName.computeIfAbsent(parts[1], name -> new LinkedHashMap<>());
        if (fields.containsKey(parts[2])) {
          throw new IllegalArgumentException(
              file
                  + ":"
                  + number
                  + ": "
                  + key
                  + " is already set on line "
                  + fields.get(parts[2]).number);
        }
        fields.put(parts[2], new Line(number, line.substring(equals + 1).strip()));
      }
    }
    Builder builder = builder();
    for (Map.Entry<String, Map<String, Line>> entry : byName.entrySet()) {
      builder.price(fromLines(file, entry.getKey(), entry.getValue()));
    }
    return builder.build();
  }

  private static Price fromLines(Path file, String name, Map<String, Line> fields) {
    for (String required : List.of("provider", "model", "currency")) {
      if (!fields.containsKey(required)) {
        int first = fields.values().iterator().next().number;
        throw new IllegalArgumentException(
            file + ":" + first + ": price." + name + " has no " + required);
      }
    }
    Line current = fields.get("currency");
    try {
      Price price =
          price(
              fields.get("provider").value,
              fields.get("model").value,
              fields.get("currency").value);
      for (Map.Entry<String, Line> field : fields.entrySet()) {
        current = field.getValue();
        String value = current.value;
        switch (field.getKey()) {
          case "per_tokens" -> price.perTokens(Long.parseLong(value));
          case "input" -> price.input(value);
          case "cache_read" -> price.cacheRead(value);
          case "cache_write" -> price.cacheWrite(value);
          case "output" -> price.output(value);
          case "reasoning" -> price.reasoning(value);
          case "effective_from" -> price.effectiveFrom(LocalDate.parse(value));
          default -> {
            // provider, model, currency: read above.
          }
        }
      }
      return price;
    } catch (IllegalArgumentException | DateTimeParseException e) {
      String reason =
          e instanceof NumberFormatException || e instanceof DateTimeParseException
              ? "not a valid number or date"
              : e.getMessage();
      throw new IllegalArgumentException(file + ":" + current.number + ": " + reason, e);
    }
  }

  private record Line(int number, String value) {}

  @Override
  public String toString() {
    return "TokenPrices" + prices;
  }

  /** Builder of a price table. */
  public static final class Builder {
    private final List<Price> prices = new ArrayList<>();

    private Builder() {}

    public Builder price(Price price) {
      prices.add(requireNonNull(price, "price").validated());
      return this;
    }

    public TokenPrices build() {
      return prices.isEmpty() ? NONE : new TokenPrices(prices);
    }
  }

  /** The price of one model pattern at one provider, in one currency, per token kind. */
  public static final class Price {
    private final String provider;
    private final String model;
    private final Currency currency;
    private long perTokens = 1;
    @Nullable private BigDecimal input;
    @Nullable private BigDecimal cacheRead;
    @Nullable private BigDecimal cacheWrite;
    @Nullable private BigDecimal output;
    @Nullable private BigDecimal reasoning;
    @Nullable private LocalDate effectiveFrom;

    private Price(String provider, String model, String currency) {
      this.provider = requireNonNull(provider, "provider").strip().toLowerCase(Locale.ROOT);
      this.model = requireNonNull(model, "model").strip();
      if (this.provider.isEmpty() || this.model.isEmpty()) {
        throw new IllegalArgumentException("provider and model must not be empty");
      }
      try {
        this.currency = Currency.getInstance(requireNonNull(currency, "currency").strip());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("currency must be an ISO 4217 code", e);
      }
    }

    /** Prices are per this many tokens (default 1). */
    public Price perTokens(long tokens) {
      if (tokens < 1) {
        throw new IllegalArgumentException("per_tokens must be at least 1");
      }
      this.perTokens = tokens;
      return this;
    }

    /** Prices are per million tokens, as providers list them. */
    public Price perMillionTokens() {
      return perTokens(1_000_000);
    }

    public Price input(String amount) {
      this.input = amount("input", amount);
      return this;
    }

    public Price cacheRead(String amount) {
      this.cacheRead = amount("cache_read", amount);
      return this;
    }

    public Price cacheWrite(String amount) {
      this.cacheWrite = amount("cache_write", amount);
      return this;
    }

    public Price output(String amount) {
      this.output = amount("output", amount);
      return this;
    }

    public Price reasoning(String amount) {
      this.reasoning = amount("reasoning", amount);
      return this;
    }

    public Price effectiveFrom(LocalDate day) {
      this.effectiveFrom = requireNonNull(day, "day");
      return this;
    }

    private static BigDecimal amount(String kind, String amount) {
      BigDecimal value;
      try {
        value = new BigDecimal(requireNonNull(amount, kind).strip());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(kind + " is not a number", e);
      }
      if (value.signum() < 0) {
        throw new IllegalArgumentException(kind + " must not be negative");
      }
      return value;
    }

    Price validated() {
      if (input == null && output == null) {
        throw new IllegalArgumentException(
            "price of " + provider + " " + model + " sets neither input nor output");
      }
      return this;
    }

    public String provider() {
      return provider;
    }

    public String model() {
      return model;
    }

    public Currency currency() {
      return currency;
    }

    boolean matches(@Nullable String providerName, String modelName) {
      if (!provider.equals("*")
          && (providerName == null || !provider.equals(providerName.toLowerCase(Locale.ROOT)))) {
        return false;
      }
      return model.endsWith("*")
          ? modelName.startsWith(model.substring(0, model.length() - 1))
          : model.equals(modelName);
    }

    /** Exact names beat prefixes, longer prefixes shorter ones, a named provider {@code *}. */
    int specificity() {
      int score = model.endsWith("*") ? model.length() - 1 : 10_000;
      return provider.equals("*") ? score : score + 20_000;
    }

    boolean newerThan(Price other) {
      if (effectiveFrom == null) {
        return false;
      }
      return other.effectiveFrom == null || effectiveFrom.isAfter(other.effectiveFrom);
    }

    /**
     * The price of one token of {@code kind} ({@code input}, {@code cache_read}, {@code
     * cache_write}, {@code output}, {@code reasoning}), with the defaults above applied; 0 when the
     * price leaves the kind out.
     */
    public double perToken(String kind) {
      BigDecimal unit =
          switch (kind) {
            case "input" -> input;
            case "cache_read" -> cacheRead != null ? cacheRead : input;
            case "cache_write" -> cacheWrite != null ? cacheWrite : input;
            case "output" -> output;
            case "reasoning" -> reasoning != null ? reasoning : output;
            default -> throw new IllegalArgumentException("unknown token kind " + kind);
          };
      return unit == null
          ? 0
          : unit.divide(BigDecimal.valueOf(perTokens), MathContext.DECIMAL64).doubleValue();
    }

    /** Whether reasoning tokens have a price of their own (else they are billed as output). */
    public boolean billsReasoningApart() {
      return reasoning != null;
    }

    @Override
    public String toString() {
      return provider + "/" + model + " " + currency.getCurrencyCode();
    }
  }
}
