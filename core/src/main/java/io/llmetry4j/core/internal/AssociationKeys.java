package io.llmetry4j.core.internal;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.annotation.Nullable;

/**
 * How association properties of a workflow travel: as W3C baggage entries named {@link
 * #BAGGAGE_PREFIX} + the span attribute they become, and beside them in the in-process context.
 * Written by {@code Workflow} (core); every llmetry4j span stamps them from the context at its
 * start ({@link #stamp}), in any SDK; the bootstrap's span processor stamps them on the spans of
 * other instrumentations.
 *
 * <p>Not public API: shared by the llmetry4j modules, may change without notice.
 */
public final class AssociationKeys {

  /** Prefix of every baggage entry that llmetry4j writes. */
  public static final String BAGGAGE_PREFIX = "llmetry4j.";

  public static final String USER_ID = "user.id";
  public static final String SESSION_ID = "session.id";

  /** Attribute prefix of the application's own properties ({@code Workflow.property}). */
  public static final String PROPERTY_PREFIX = "llmetry4j.association.";

  /** Extension: the name of a task span. */
  public static final AttributeKey<String> TASK_NAME =
      AttributeKey.stringKey("llmetry4j.task.name");

  /**
   * The association properties set in this process (attribute → value), carried in the in-process
   * context beside the baggage: another service can put anything in the baggage it sends, but not
   * in this context, so this tells the properties of this service's own workflows from those
   * received.
   */
  private static final ContextKey<Map<String, String>> LOCAL =
      ContextKey.named("llmetry4j-local-associations");

  /** The attributes every llmetry4j span in the context carries: built once per workflow. */
  private static final ContextKey<Stamps> STAMPS = ContextKey.named("llmetry4j-association-stamps");

  /**
   * Association properties stamped on one span at most, so that they never push the span's own
   * attributes out of the SDK's attribute limit.
   */
  public static final int MAX_STAMPED_PER_SPAN = 32;

  /** OpenLLMetry's short names of the semconv association attributes. */
  private static final Map<String, String> TRACELOOP_NAMES =
      Map.of(
          SemconvAttributes.GEN_AI_CONVERSATION_ID.getKey(),
          "conversation_id",
          USER_ID,
          "user_id",
          SESSION_ID,
          "session_id");

  private AssociationKeys() {}

  /**
   * {@code context} with {@code added} among its local association properties, which every
   * llmetry4j span started in it then carries (with OpenLLMetry's {@code
   * traceloop.association.properties.*} too when {@code openLlmetryCompat}).
   */
  public static Context withLocal(
      Context context, Map<String, String> added, boolean openLlmetryCompat) {
    Map<String, String> local = context.get(LOCAL);
    Map<String, String> merged = new HashMap<>(local == null ? Map.of() : local);
    merged.putAll(added);
    return context
        .with(LOCAL, Collections.unmodifiableMap(merged))
        .with(STAMPS, Stamps.of(merged, openLlmetryCompat));
  }

  /**
   * Sets the association properties of {@code parent} on a span about to start; called first, so
   * that the span's own attributes win over them.
   */
  public static void stamp(SpanBuilder span, Context parent) {
    Stamps stamps = parent.get(STAMPS);
    if (stamps == null) {
      return;
    }
    for (int i = 0; i < stamps.values.length; i++) {
      for (AttributeKey<String> key : stamps.keys[i]) {
        span.setAttribute(key, stamps.values[i]);
      }
    }
  }

  /**
   * The association properties this process set in {@code parent}, as spans carry them: in stamping
   * order, within the per-span bound; null when there are none. Built once per workflow, read per
   * span without allocating.
   */
  @Nullable
  public static Stamps stamps(Context parent) {
    return parent.get(STAMPS);
  }

  /**
   * The span attributes of association property {@code attribute}: itself, and with {@code
   * openLlmetryCompat} OpenLLMetry's {@code traceloop.association.properties.*} name of it.
   */
  @SuppressWarnings("unchecked")
  public static AttributeKey<String>[] attributeKeys(String attribute, boolean openLlmetryCompat) {
    if (!openLlmetryCompat) {
      return new AttributeKey[] {AttributeKey.stringKey(attribute)};
    }
    String shortName =
        attribute.startsWith(PROPERTY_PREFIX)
            ? attribute.substring(PROPERTY_PREFIX.length())
            : TRACELOOP_NAMES.getOrDefault(attribute, attribute);
    return new AttributeKey[] {
      AttributeKey.stringKey(attribute),
      AttributeKey.stringKey(TraceloopAttributes.ASSOCIATION_PREFIX + shortName)
    };
  }

  /** The conventions' association attributes: stamped before the application's own properties. */
  public static final List<String> STANDARD =
      List.of(SemconvAttributes.GEN_AI_CONVERSATION_ID.getKey(), USER_ID, SESSION_ID);

  /**
   * The order in which association properties are stamped, so that the per-span bound keeps the
   * ones that matter: the conventions' attributes first, then the application's own in key order.
   */
  public static List<String> inStampingOrder(java.util.Collection<String> attributes) {
    List<String> ordered = new ArrayList<>(attributes.size());
    for (String standard : STANDARD) {
      if (attributes.contains(standard)) {
        ordered.add(standard);
      }
    }
    attributes.stream().filter(a -> !STANDARD.contains(a)).sorted().forEach(ordered::add);
    return ordered;
  }

  /**
   * Association properties in stamping order, within the per-span bound: each one's baggage key,
   * value and span attribute keys, in arrays read per span without an iterator.
   */
  public static final class Stamps {
    private final String[] baggageKeys;
    private final String[] values;
    private final AttributeKey<String>[][] keys;
    private final int dropped;

    private Stamps(
        String[] baggageKeys, String[] values, AttributeKey<String>[][] keys, int dropped) {
      this.baggageKeys = baggageKeys;
      this.values = values;
      this.keys = keys;
      this.dropped = dropped;
    }

    @SuppressWarnings("unchecked")
    static Stamps of(Map<String, String> associations, boolean openLlmetryCompat) {
      List<String> ordered = inStampingOrder(associations.keySet());
      int size = Math.min(ordered.size(), MAX_STAMPED_PER_SPAN);
      String[] baggageKeys = new String[size];
      String[] values = new String[size];
      AttributeKey<String>[][] keys = new AttributeKey[size][];
      for (int i = 0; i < size; i++) {
        String attribute = ordered.get(i);
        baggageKeys[i] = BAGGAGE_PREFIX + attribute;
        values[i] = associations.get(attribute);
        keys[i] = attributeKeys(attribute, openLlmetryCompat);
      }
      return new Stamps(baggageKeys, values, keys, ordered.size() - size);
    }

    /** How many properties are stamped. */
    public int size() {
      return values.length;
    }

    /** The baggage key property {@code i} travels under. */
    public String baggageKey(int i) {
      return baggageKeys[i];
    }

    public String value(int i) {
      return values[i];
    }

    /** The span attribute keys of property {@code i} (OpenLLMetry's too, in compat mode). */
    public AttributeKey<String>[] keys(int i) {
      return keys[i];
    }

    /** How many properties the per-span bound left out. */
    public int dropped() {
      return dropped;
    }
  }

  /** The association properties this process set in {@code context} (attribute → value). */
  public static Map<String, String> local(Context context) {
    Map<String, String> local = context.get(LOCAL);
    return local == null ? Map.of() : local;
  }

  /** Whether {@code attribute} names an association property (what may be stamped on spans). */
  public static boolean isAssociation(String attribute) {
    return attribute.equals(USER_ID)
        || attribute.equals(SESSION_ID)
        || attribute.equals(SemconvAttributes.GEN_AI_CONVERSATION_ID.getKey())
        || (attribute.startsWith(PROPERTY_PREFIX) && attribute.length() > PROPERTY_PREFIX.length());
  }

  /**
   * Whether {@code key} is a W3C baggage key: an RFC 7230 token (letters, digits and {@code
   * !#$%&'*+-.^_`|~}), nothing else — a space, '=', ',' or a non-ASCII character would corrupt the
   * header.
   */
  public static boolean isBaggageKey(String key) {
    return isToken(key);
  }

  /** Whether {@code text} is an RFC 7230 token: what W3C baggage keys and HTTP header names are. */
  public static boolean isToken(String text) {
    if (text.isEmpty()) {
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean token =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
      if (!token) {
        return false;
      }
    }
    return true;
  }
}
