package io.llmetry4j.core.internal;

import io.opentelemetry.api.common.AttributeKey;

/** OpenLLMetry's {@code traceloop.*} attribute names, emitted in compatibility mode only. */
public final class TraceloopAttributes {

  public static final AttributeKey<String> SPAN_KIND =
      AttributeKey.stringKey("traceloop.span.kind");
  public static final AttributeKey<String> WORKFLOW_NAME =
      AttributeKey.stringKey("traceloop.workflow.name");
  public static final AttributeKey<String> ENTITY_NAME =
      AttributeKey.stringKey("traceloop.entity.name");
  public static final String ASSOCIATION_PREFIX = "traceloop.association.properties.";

  private TraceloopAttributes() {}
}
