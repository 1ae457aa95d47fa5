package io.llmetry4j.bootstrap;

import io.llmetry4j.core.internal.AssociationKeys;
import io.llmetry4j.core.internal.SemconvAttributes;
import io.llmetry4j.core.internal.TraceloopAttributes;
import io.opentelemetry.api.baggage.Baggage;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Stamps the association properties of a {@link io.llmetry4j.core.Workflow} (carried as W3C baggage
 * under {@code llmetry4j.*} keys) on every span that starts within it, on any thread and in any
 * service that propagates baggage. {@link Llmetry#init} installs it; add it yourself to an SDK you
 * build:
 *
 * <pre>{@code
 * SdkTracerProvider.builder().addSpanProcessor(AssociationPropertiesSpanProcessor.create(false))
 * }</pre>
 */
public final class AssociationPropertiesSpanProcessor implements SpanProcessor {

  private static final Map<String, String> TRACELOOP_NAMES =
      Map.of(
          SemconvAttributes.GEN_AI_CONVERSATION_ID.getKey(),
          "conversation_id",
          AssociationKeys.USER_ID,
          "user_id",
          AssociationKeys.SESSION_ID,
          "session_id");

  private final boolean openLlmetryCompat;
  // Keys are few (the association names an application uses): built once each.
  private final Map<String, AttributeKey<String>[]> keys = new ConcurrentHashMap<>();

  private AssociationPropertiesSpanProcessor(boolean openLlmetryCompat) {
    this.openLlmetryCompat = openLlmetryCompat;
  }

  /** With {@code openLlmetryCompat}, also {@code traceloop.association.properties.*}. */
  public static AssociationPropertiesSpanProcessor create(boolean openLlmetryCompat) {
    return new AssociationPropertiesSpanProcessor(openLlmetryCompat);
  }

  @Override
  public void onStart(Context parentContext, ReadWriteSpan span) {
    Baggage baggage = Baggage.fromContext(parentContext);
    if (baggage.isEmpty()) {
      return;
    }
    baggage.forEach(
        (key, entry) -> {
          if (key.startsWith(AssociationKeys.BAGGAGE_PREFIX)) {
            for (AttributeKey<String> attribute : keysOf(key)) {
              span.setAttribute(attribute, entry.getValue());
            }
          }
        });
  }

  @SuppressWarnings("unchecked")
  private AttributeKey<String>[] keysOf(String baggageKey) {
    return keys.computeIfAbsent(
        baggageKey,
        k -> {
          String attribute = k.substring(AssociationKeys.BAGGAGE_PREFIX.length());
          if (!openLlmetryCompat) {
            return new AttributeKey[] {AttributeKey.stringKey(attribute)};
          }
          String short_ =
              attribute.startsWith(AssociationKeys.PROPERTY_PREFIX)
                  ? attribute.substring(AssociationKeys.PROPERTY_PREFIX.length())
                  : TRACELOOP_NAMES.getOrDefault(attribute, attribute);
          return new AttributeKey[] {
            AttributeKey.stringKey(attribute),
            AttributeKey.stringKey(TraceloopAttributes.ASSOCIATION_PREFIX + short_)
          };
        });
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
