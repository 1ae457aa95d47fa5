package io.llmetry4j.rag;

import io.opentelemetry.api.common.AttributeKey;
import java.util.List;

/**
 * The keys of guardrail spans and events. GenAI semconv 1.41.1 has no guardrail conventions, so the
 * {@code gen_ai.guardrail.*} keys, the event name and the operation name come from
 * open-telemetry/semantic-conventions-genai, {@code docs/gen-ai/gen-ai-guardrails.md} (its {@code
 * gen_ai.apply_guardrail.client} span and {@code gen_ai.guardrail.result} event), used by default
 * because 1.41.1 lacks the operation. What that document does not register is llmetry4j's own,
 * under {@code llmetry4j.guardrail.*}.
 */
final class GuardrailAttributes {

  /** The event of one guardrail result. */
  static final String RESULT_EVENT = "gen_ai.guardrail.result";

  /** {@code gen_ai.operation.name} of a request to a remote guardrail service. */
  static final String APPLY_GUARDRAIL = "apply_guardrail";

  static final AttributeKey<String> COMPONENT_NAME =
      AttributeKey.stringKey("gen_ai.guardrail.component.name");
  static final AttributeKey<String> SOURCE = AttributeKey.stringKey("gen_ai.guardrail.source");
  static final AttributeKey<String> RESULT_TYPE =
      AttributeKey.stringKey("gen_ai.guardrail.result.type");
  static final AttributeKey<String> RESULT_VALUE =
      AttributeKey.stringKey("gen_ai.guardrail.result.value");
  static final AttributeKey<String> RESULT_REASON =
      AttributeKey.stringKey("gen_ai.guardrail.result.reason");

  /** Opt-in content (type "any" there): one evaluated text. */
  static final AttributeKey<String> CONTENT_INPUT =
      AttributeKey.stringKey("gen_ai.guardrail.content.input.value");

  /** The same key for several evaluated texts (an array is valid guardrail content). */
  static final AttributeKey<List<String>> CONTENT_INPUTS =
      AttributeKey.stringArrayKey("gen_ai.guardrail.content.input.value");

  /** Opt-in content: what the guardrail returned in place of its input (a rewrite). */
  static final AttributeKey<String> CONTENT_OUTPUT =
      AttributeKey.stringKey("gen_ai.guardrail.content.output.value");

  /** llmetry4j's own: the guardrail's class, which the component name shortens. */
  static final AttributeKey<String> GUARDRAIL_CLASS =
      AttributeKey.stringKey("llmetry4j.guardrail.class");

  /** llmetry4j's own: how long the guardrail ran, in seconds, as LangChain4j measured it. */
  static final AttributeKey<Double> DURATION =
      AttributeKey.doubleKey("llmetry4j.guardrail.duration");

  /** llmetry4j's own: LangChain4j's retry flag of an output guardrail's failure. */
  static final AttributeKey<Boolean> RETRY = AttributeKey.booleanKey("llmetry4j.guardrail.retry");

  /** llmetry4j's own: LangChain4j's reprompt flag of an output guardrail's failure. */
  static final AttributeKey<Boolean> REPROMPT =
      AttributeKey.booleanKey("llmetry4j.guardrail.reprompt");

  /** The native name of LangChain4j's result field: {@code GuardrailResult.result()}. */
  static final String LANGCHAIN4J_RESULT = "result";

  /** The native name of a moderation's result field: {@code Moderation.flagged()}. */
  static final String MODERATION_FLAGGED = "flagged";

  /** LangChain4j's two guardrail kinds, named as its API names them (InputGuardrail, ...). */
  static final String SOURCE_INPUT = "input";

  static final String SOURCE_OUTPUT = "output";

  private GuardrailAttributes() {}
}
