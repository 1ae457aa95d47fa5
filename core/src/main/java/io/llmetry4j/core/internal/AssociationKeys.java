package io.llmetry4j.core.internal;

import io.opentelemetry.api.common.AttributeKey;

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

  private AssociationKeys() {}
}
