package io.llmetry4j.core.internal;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/**
 * How association properties of a workflow travel: as W3C baggage entries named {@link
 * #BAGGAGE_PREFIX} + the span attribute they become. Written by {@code Workflow} (core), read by
 * the bootstrap's span processor that stamps them on spans.
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

  private AssociationKeys() {}

  /** {@code context} with {@code added} among its local association properties. */
  public static Context withLocal(Context context, Map<String, String> added) {
    Map<String, String> local = context.get(LOCAL);
    Map<String, String> merged = new HashMap<>(local == null ? Map.of() : local);
    merged.putAll(added);
    return context.with(LOCAL, Collections.unmodifiableMap(merged));
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
