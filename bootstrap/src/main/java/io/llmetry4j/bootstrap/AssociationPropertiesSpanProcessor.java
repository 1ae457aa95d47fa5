package io.llmetry4j.bootstrap;

import io.llmetry4j.core.internal.AssociationKeys;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.baggage.BaggageEntry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Stamps the association properties of a {@link io.llmetry4j.core.Workflow} (carried as W3C baggage
 * under {@code llmetry4j.*} keys) on every span that starts within it, on any thread: those of
 * other instrumentations (HTTP, JDBC, the application's own), since llmetry4j's spans carry them in
 * any SDK. {@link Llmetry#init} installs it; add it yourself to an SDK you build:
 *
 * <pre>{@code
 * SdkTracerProvider.builder().addSpanProcessor(AssociationPropertiesSpanProcessor.create(false))
 * }</pre>
 *
 * <p>Baggage from other services is untrusted input:
 *
 * <ul>
 *   <li>only association properties are stamped ({@code gen_ai.conversation.id}, {@code user.id},
 *       {@code session.id}, {@code llmetry4j.association.*}), never any other key, and never over
 *       an attribute the span already has;
 *   <li>by default only those this process's own workflows set; properties received from other
 *       services are stamped only with {@code trustInbound} ({@link
 *       LlmetryConfig.Builder#trustInboundAssociations});
 *   <li>at most {@value #MAX_STAMPED_PER_SPAN} per span (so that they never push the span's own
 *       attributes out of the SDK's attribute limit) and {@value #MAX_CACHED_KEYS} distinct keys
 *       cached; what goes over is counted and said in one log line;
 *   <li>keys that are not W3C baggage keys are ignored.
 * </ul>
 */
public final class AssociationPropertiesSpanProcessor implements SpanProcessor {

  /** Association properties stamped on one span at most. */
  public static final int MAX_STAMPED_PER_SPAN = AssociationKeys.MAX_STAMPED_PER_SPAN;

  /** Distinct association keys whose attribute keys are cached. */
  public static final int MAX_CACHED_KEYS = 256;

  private static final Logger logger =
      Logger.getLogger(AssociationPropertiesSpanProcessor.class.getName());

  private final boolean openLlmetryCompat;
  private final boolean trustInbound;
  private final Map<String, Association> keys = new ConcurrentHashMap<>();
  private final AtomicLong overflow = new AtomicLong();
  private final AtomicBoolean overflowLogged = new AtomicBoolean();

  private AssociationPropertiesSpanProcessor(boolean openLlmetryCompat, boolean trustInbound) {
    this.openLlmetryCompat = openLlmetryCompat;
    this.trustInbound = trustInbound;
  }

  /**
   * With {@code openLlmetryCompat}, also {@code traceloop.association.properties.*}; only the
   * properties of this process's own workflows.
   */
  public static AssociationPropertiesSpanProcessor create(boolean openLlmetryCompat) {
    return create(openLlmetryCompat, false);
  }

  /** With {@code trustInbound}, also the properties received from other services in baggage. */
  public static AssociationPropertiesSpanProcessor create(
      boolean openLlmetryCompat, boolean trustInbound) {
    return new AssociationPropertiesSpanProcessor(openLlmetryCompat, trustInbound);
  }

  @Override
  public void onStart(Context parentContext, ReadWriteSpan span) {
    Baggage baggage = Baggage.fromContext(parentContext);
    if (baggage.isEmpty()) {
      return;
    }
    if (!trustInbound) {
      stampLocal(parentContext, baggage, span);
      return;
    }
    int[] stamped = {0};
    // The conventions' properties first, so that the per-span bound never drops them for the
    // application's own; baggage iterates in key order, which says nothing of importance.
    baggage.forEach(
        (key, entry) -> {
          if (STANDARD_BAGGAGE_KEYS.contains(key)) {
            stamp(span, key, entry, stamped);
          }
        });
    baggage.forEach(
        (key, entry) -> {
          if (key.startsWith(AssociationKeys.BAGGAGE_PREFIX)
              && !STANDARD_BAGGAGE_KEYS.contains(key)) {
            stamp(span, key, entry, stamped);
          }
        });
  }

  /**
   * This service's own properties (the default): those of the context's workflow, already in
   * stamping order and bounded, stamped where the baggage still carries them. Nothing allocated per
   * span.
   */
  private void stampLocal(Context parentContext, Baggage baggage, ReadWriteSpan span) {
    AssociationKeys.Stamps stamps = AssociationKeys.stamps(parentContext);
    if (stamps == null) {
      return;
    }
    for (int i = 0; i < stamps.size(); i++) {
      String value = stamps.value(i);
      String baggageKey = stamps.baggageKey(i);
      if (!value.equals(baggage.getEntryValue(baggageKey))) {
        continue; // no longer in the baggage: not this span's
      }
      // This processor's keys (its own OpenLLMetry setting), cached per key.
      for (AttributeKey<String> key : associationOf(baggageKey).keys) {
        // The span's own attributes win: an association never overwrites one.
        if (span.getAttribute(key) == null) {
          span.setAttribute(key, value);
        }
      }
    }
    for (int i = 0; i < stamps.dropped(); i++) {
      overflowed();
    }
  }

  private static final java.util.List<String> STANDARD_BAGGAGE_KEYS =
      AssociationKeys.STANDARD.stream()
          .map(attribute -> AssociationKeys.BAGGAGE_PREFIX + attribute)
          .collect(java.util.stream.Collectors.toUnmodifiableList());

  private void stamp(ReadWriteSpan span, String baggageKey, BaggageEntry entry, int[] stamped) {
    Association association = associationOf(baggageKey);
    if (association == NOT_AN_ASSOCIATION) {
      return;
    }
    String value = entry.getValue();
    if (association.uncached || stamped[0] >= MAX_STAMPED_PER_SPAN) {
      overflowed();
      return;
    }
    boolean any = false;
    for (AttributeKey<String> key : association.keys) {
      // The span's own attributes win: an association never overwrites one.
      if (span.getAttribute(key) == null) {
        span.setAttribute(key, value);
        any = true;
      }
    }
    if (any) {
      stamped[0]++;
    }
  }

  /** What a baggage key stands for: built once per key, checked once (syntax, association). */
  private static final class Association {
    final String attribute;
    final AttributeKey<String>[] keys;

    /** A valid association over the key cache's bound: counted, not stamped. */
    final boolean uncached;

    Association(String attribute, AttributeKey<String>[] keys, boolean uncached) {
      this.attribute = attribute;
      this.keys = keys;
      this.uncached = uncached;
    }
  }

  @SuppressWarnings("unchecked")
  private static final Association NOT_AN_ASSOCIATION =
      new Association("", new AttributeKey[0], false);

  @SuppressWarnings("unchecked")
  private Association associationOf(String baggageKey) {
    Association cached = keys.get(baggageKey);
    if (cached != null) {
      return cached;
    }
    String attribute = baggageKey.substring(AssociationKeys.BAGGAGE_PREFIX.length());
    if (!AssociationKeys.isAssociation(attribute) || !AssociationKeys.isBaggageKey(baggageKey)) {
      return NOT_AN_ASSOCIATION; // not cached: a caller's invented keys take no room
    }
    AttributeKey<String>[] attributeKeys =
        AssociationKeys.attributeKeys(attribute, openLlmetryCompat);
    // Keys come from baggage: bounded, so that new keys sent by a caller cannot grow it forever.
    if (keys.size() >= MAX_CACHED_KEYS) {
      return new Association(attribute, attributeKeys, true);
    }
    Association created = new Association(attribute, attributeKeys, false);
    Association raced = keys.putIfAbsent(baggageKey, created);
    return raced != null ? raced : created;
  }

  private void overflowed() {
    long count = overflow.incrementAndGet();
    if (overflowLogged.compareAndSet(false, true)) {
      logger.log(
          Level.WARNING,
          "llmetry4j: association properties over the limits ({0} per span, {1} distinct keys)"
              + " are not stamped; the first of them was just left out. Their count:"
              + " AssociationPropertiesSpanProcessor.overflowCount(). Further ones are not logged.",
          new Object[] {MAX_STAMPED_PER_SPAN, MAX_CACHED_KEYS});
    }
    if (count == Long.MAX_VALUE) {
      overflow.set(0);
    }
  }

  /** How many association properties were left out for going over the limits. */
  public long overflowCount() {
    return overflow.get();
  }

  @Override
  public boolean isStartRequired() {
    return true;
  }

  @Override
  public void onEnd(ReadableSpan span) {}

  @Override
  public boolean isEndRequired() {
    return false;
  }
}
