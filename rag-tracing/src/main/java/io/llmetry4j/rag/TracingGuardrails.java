package io.llmetry4j.rag;

import static java.util.Objects.requireNonNull;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.guardrail.GuardrailResult;
import dev.langchain4j.guardrail.InputGuardrailRequest;
import dev.langchain4j.guardrail.OutputGuardrailRequest;
import dev.langchain4j.guardrail.OutputGuardrailResult;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.observability.api.event.GuardrailExecutedEvent;
import dev.langchain4j.observability.api.event.InputGuardrailExecutedEvent;
import dev.langchain4j.observability.api.event.OutputGuardrailExecutedEvent;
import dev.langchain4j.observability.api.listener.InputGuardrailExecutedListener;
import dev.langchain4j.observability.api.listener.OutputGuardrailExecutedListener;
import dev.langchain4j.service.AiServices;
import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.core.internal.Instrumentation;
import io.llmetry4j.core.internal.NoArgMethod;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.annotation.Nullable;

/**
 * Records every input and output guardrail an AI Service runs as a {@code gen_ai.guardrail.result}
 * event (GenAI guardrail conventions of open-telemetry/semantic-conventions-genai) on the span the
 * guardrail guards: the {@code invoke_agent} span of {@link TracingAiService}, or whatever span was
 * current when the AI Service was called. Add it to the AI Service builder:
 *
 * <pre>{@code
 * Assistant assistant = TracingAiService.wrap(telemetry, Assistant.class,
 *     TracingGuardrails.addTo(
 *             AiServices.builder(Assistant.class)
 *                 .chatModel(model)
 *                 .inputGuardrails(new NoSecrets())
 *                 .outputGuardrails(new JsonOnly()),
 *             telemetry)
 *         .build());
 * }</pre>
 *
 * <p>One event per evaluation, successes and each retry included, with LangChain4j's own result
 * ({@code gen_ai.guardrail.result.type} {@code "result"}, {@code .value} {@code SUCCESS}, {@code
 * SUCCESS_WITH_RESULT}, {@code FAILURE} or {@code FATAL}), never a verdict inferred from it; the
 * guardrail's name, class and duration; for an output guardrail that failed, LangChain4j's retry
 * and reprompt flags. The failure messages, the evaluated text and a rewrite are written by the
 * application and may quote the user: they are recorded only with content capture on.
 *
 * <p>It uses the AI Service's own listener registration (LangChain4j's {@code registerListeners}),
 * so it sees only the AI Service it is added to, and never changes what the guardrails decide or
 * throw.
 */
public final class TracingGuardrails {

  private static final Logger logger = Logger.getLogger(TracingGuardrails.class.getName());

  // LangChain4j 1.16+: the guardrail's own name (its class's simple name unless it says otherwise).
  private static final NoArgMethod GUARDRAIL_NAME = new NoArgMethod("guardrailName");

  private final Instrumentation instrumentation;
  private final AiServiceInvocations invocations = new AiServiceInvocations();
  private final AtomicBoolean failureLogged = new AtomicBoolean();

  private TracingGuardrails(Instrumentation instrumentation) {
    this.instrumentation = instrumentation;
  }

  /** Traces the guardrails of the AI Service {@code services} builds; returns {@code services}. */
  public static <T> AiServices<T> addTo(AiServices<T> services, LlmTelemetry telemetry) {
    requireNonNull(services, "services");
    requireNonNull(telemetry, "telemetry");
    TracingGuardrails guardrails = new TracingGuardrails(Instrumentation.of(telemetry));
    services.registerListeners(guardrails.invocations.listeners());
    services.registerListeners(
        (InputGuardrailExecutedListener) guardrails::inputExecuted,
        (OutputGuardrailExecutedListener) guardrails::outputExecuted);
    return services;
  }

  private void inputExecuted(InputGuardrailExecutedEvent event) {
    try {
      InputGuardrailRequest request = event.request();
      UserMessage evaluated = request == null ? null : request.userMessage();
      record(
          event,
          GuardrailAttributes.SOURCE_INPUT,
          evaluated != null && evaluated.hasSingleText() ? evaluated.singleText() : null);
    } catch (Throwable e) {
      failed(e);
    }
  }

  private void outputExecuted(OutputGuardrailExecutedEvent event) {
    try {
      OutputGuardrailRequest request = event.request();
      ChatResponse response = request == null ? null : request.responseFromLLM();
      AiMessage evaluated = response == null ? null : response.aiMessage();
      record(event, GuardrailAttributes.SOURCE_OUTPUT, evaluated == null ? null : evaluated.text());
    } catch (Throwable e) {
      failed(e);
    }
  }

  private void record(
      GuardrailExecutedEvent<?, ?, ?> event, String source, @Nullable String evaluatedText) {
    Span span = guardedSpan(event);
    if (!span.isRecording()) {
      return;
    }
    GuardrailResult<?> result = event.result();
    AttributesBuilder attributes =
        Attributes.builder()
            .put(GuardrailAttributes.COMPONENT_NAME, name(event))
            .put(GuardrailAttributes.SOURCE, source);
    if (result != null && result.result() != null) {
      attributes
          .put(GuardrailAttributes.RESULT_TYPE, GuardrailAttributes.LANGCHAIN4J_RESULT)
          .put(GuardrailAttributes.RESULT_VALUE, result.result().name());
    }
    Class<?> guardrailClass = event.guardrailClass();
    if (guardrailClass != null) {
      attributes.put(GuardrailAttributes.GUARDRAIL_CLASS, guardrailClass.getName());
    }
    Duration duration = event.duration();
    if (duration != null) {
      attributes.put(GuardrailAttributes.DURATION, duration.toNanos() / 1_000_000_000.0);
    }
    if (result instanceof OutputGuardrailResult && !result.isSuccess()) {
      OutputGuardrailResult output = (OutputGuardrailResult) result;
      attributes
          .put(GuardrailAttributes.RETRY, output.isRetry())
          .put(GuardrailAttributes.REPROMPT, output.isReprompt());
    }
    if (instrumentation.captureContent() && result != null) {
      putContent(attributes, GuardrailAttributes.RESULT_REASON, reasons(result));
      putContent(attributes, GuardrailAttributes.CONTENT_INPUT, evaluatedText);
      if (result.hasRewrittenResult()) {
        putContent(attributes, GuardrailAttributes.CONTENT_OUTPUT, result.successfulText());
      }
    }
    span.addEvent(GuardrailAttributes.RESULT_EVENT, attributes.build());
  }

  /**
   * The span of the AI Service call: the one current when LangChain4j started it (tracked by the
   * invocation id the event carries), else the current one (a call started before tracing began).
   */
  private Span guardedSpan(GuardrailExecutedEvent<?, ?, ?> event) {
    Context started = invocations.contextOf(event.invocationContext());
    return Span.fromContext(started != null ? started : Context.current());
  }

  private static String name(GuardrailExecutedEvent<?, ?, ?> event) {
    Object name = GUARDRAIL_NAME.read(event);
    if (name instanceof String && !((String) name).isEmpty()) {
      return (String) name;
    }
    Class<?> guardrailClass = event.guardrailClass();
    return guardrailClass == null ? "guardrail" : guardrailClass.getSimpleName();
  }

  /** The messages of the result's failures, in order; null when it has none. */
  @Nullable
  private static String reasons(GuardrailResult<?> result) {
    List<? extends GuardrailResult.Failure> failures = result.failures();
    if (failures == null || failures.isEmpty()) {
      return null;
    }
    StringBuilder joined = new StringBuilder();
    for (GuardrailResult.Failure failure : failures) {
      String message = failure == null ? null : failure.message();
      if (message != null) {
        joined.append(joined.length() == 0 ? "" : "; ").append(message);
      }
    }
    return joined.length() == 0 ? null : joined.toString();
  }

  private void putContent(
      AttributesBuilder attributes,
      io.opentelemetry.api.common.AttributeKey<String> key,
      @Nullable String value) {
    String recorded = instrumentation.content(value);
    if (recorded != null) {
      attributes.put(key, recorded);
    }
  }

  /** Logs the first failure of this instrumentation: class and place, never a message. */
  private void failed(Throwable e) {
    if (failureLogged.compareAndSet(false, true)) {
      StackTraceElement[] trace = e.getStackTrace();
      logger.log(
          Level.WARNING,
          "llmetry4j: guardrail tracing failed with {0} at {1}; the AI Service is unaffected."
              + " Further failures are not logged.",
          new Object[] {e.getClass().getName(), trace.length > 0 ? trace[0] : "?"});
    }
  }
}
