package io.llmetry4j.core.internal;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongHistogram;
import io.opentelemetry.api.metrics.Meter;
import java.util.List;
import javax.annotation.Nullable;

/**
 * The {@code gen_ai.client.*} histograms of semconv 1.41.1 ({@code model/gen-ai/metrics.yaml}),
 * with the advised bucket boundaries.
 *
 * <p>Not public API: shared by the llmetry4j modules, may change without notice.
 */
public final class GenAiClientMetrics {

  static final List<Double> DURATION_BUCKETS =
      List.of(
          0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92);
  static final List<Long> TOKEN_BUCKETS =
      List.of(
          1L, 4L, 16L, 64L, 256L, 1024L, 4096L, 16384L, 65536L, 262144L, 1048576L, 4194304L,
          16777216L, 67108864L);

  private final DoubleHistogram operationDuration;
  private final LongHistogram tokenUsage;
  private final DoubleHistogram timeToFirstChunk;
  private final DoubleHistogram timePerOutputChunk;
  // The newest conventions only (semantic-conventions-genai): null under semconv 1.41.1.
  @Nullable private final DoubleHistogram invokeAgentDuration;
  @Nullable private final DoubleHistogram executeToolDuration;
  @Nullable private final DoubleHistogram workflowDuration;

  static final List<Double> AGENT_DURATION_BUCKETS =
      List.of(0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 6.4, 12.8, 25.6, 51.2, 102.4, 204.8, 409.6);
  static final List<Double> WORKFLOW_DURATION_BUCKETS =
      List.of(1.0, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0, 7200.0);

  public GenAiClientMetrics(Meter meter) {
    this(meter, false);
  }

  public GenAiClientMetrics(Meter meter, boolean latestExperimental) {
    operationDuration =
        meter
            .histogramBuilder("gen_ai.client.operation.duration")
            .setDescription("GenAI operation duration.")
            .setUnit("s")
            .setExplicitBucketBoundariesAdvice(DURATION_BUCKETS)
            .build();
    tokenUsage =
        meter
            .histogramBuilder("gen_ai.client.token.usage")
            .setDescription("Number of input and output tokens used.")
            .setUnit("{token}")
            .ofLongs()
            .setExplicitBucketBoundariesAdvice(TOKEN_BUCKETS)
            .build();
    timeToFirstChunk =
        meter
            .histogramBuilder("gen_ai.client.operation.time_to_first_chunk")
            .setDescription("Time to receive the first chunk in a streaming operation.")
            .setUnit("s")
            .setExplicitBucketBoundariesAdvice(DURATION_BUCKETS)
            .build();
    timePerOutputChunk =
        meter
            .histogramBuilder("gen_ai.client.operation.time_per_output_chunk")
            .setDescription("Time per output chunk, for each chunk after the first.")
            .setUnit("s")
            .setExplicitBucketBoundariesAdvice(DURATION_BUCKETS)
            .build();
    invokeAgentDuration =
        latestExperimental
            ? duration(
                meter,
                "gen_ai.invoke_agent.duration",
                "GenAI agent invocation duration.",
                AGENT_DURATION_BUCKETS)
            : null;
    executeToolDuration =
        latestExperimental
            ? duration(
                meter,
                "gen_ai.execute_tool.duration",
                "GenAI tool execution duration.",
                DURATION_BUCKETS)
            : null;
    workflowDuration =
        latestExperimental
            ? duration(
                meter,
                "gen_ai.workflow.duration",
                "GenAI workflow duration.",
                WORKFLOW_DURATION_BUCKETS)
            : null;
  }

  private static DoubleHistogram duration(
      Meter meter, String name, String description, List<Double> buckets) {
    return meter
        .histogramBuilder(name)
        .setDescription(description)
        .setUnit("s")
        .setExplicitBucketBoundariesAdvice(buckets)
        .build();
  }

  /** {@code gen_ai.invoke_agent.duration} (newest conventions only). */
  public void recordAgentDuration(
      double seconds, String agentName, @Nullable String requestModel, @Nullable String errorType) {
    if (invokeAgentDuration != null) {
      AttributesBuilder attributes =
          Attributes.builder().put(SemconvAttributes.GEN_AI_AGENT_NAME, agentName);
      putIfNotNull(attributes, SemconvAttributes.GEN_AI_REQUEST_MODEL, requestModel);
      putIfNotNull(attributes, SemconvAttributes.ERROR_TYPE, errorType);
      invokeAgentDuration.record(seconds, attributes.build());
    }
  }

  /** {@code gen_ai.execute_tool.duration} (newest conventions only). */
  public void recordToolDuration(
      double seconds, String toolName, @Nullable String agentName, @Nullable String errorType) {
    if (executeToolDuration != null) {
      AttributesBuilder attributes =
          Attributes.builder()
              .put(SemconvAttributes.GEN_AI_TOOL_NAME, toolName)
              .put(SemconvAttributes.GEN_AI_TOOL_TYPE, "function");
      putIfNotNull(attributes, SemconvAttributes.GEN_AI_AGENT_NAME, agentName);
      putIfNotNull(attributes, SemconvAttributes.ERROR_TYPE, errorType);
      executeToolDuration.record(seconds, attributes.build());
    }
  }

  /** {@code gen_ai.workflow.duration} (newest conventions only). */
  public void recordWorkflowDuration(
      double seconds, String workflowName, @Nullable String errorType) {
    if (workflowDuration != null) {
      AttributesBuilder attributes =
          Attributes.builder().put(SemconvAttributes.GEN_AI_WORKFLOW_NAME, workflowName);
      putIfNotNull(attributes, SemconvAttributes.ERROR_TYPE, errorType);
      workflowDuration.record(seconds, attributes.build());
    }
  }

  private static void putIfNotNull(
      AttributesBuilder attributes, AttributeKey<String> key, @Nullable String value) {
    if (value != null) {
      attributes.put(key, value);
    }
  }

  public void recordDuration(double seconds, Attributes attributes) {
    operationDuration.record(seconds, attributes);
  }

  /** Duration and token counts of a successful call; a null count records nothing. */
  public void recordSuccess(
      double seconds,
      @Nullable Long inputTokens,
      @Nullable Long outputTokens,
      GenAiMetricAttributes.Success attributes) {
    operationDuration.record(seconds, attributes.duration);
    if (inputTokens != null) {
      tokenUsage.record(inputTokens, attributes.inputTokens);
    }
    if (outputTokens != null) {
      tokenUsage.record(outputTokens, attributes.outputTokens);
    }
  }

  public void recordTimeToFirstChunk(double seconds, Attributes attributes) {
    timeToFirstChunk.record(seconds, attributes);
  }

  public void recordTimePerOutputChunk(double seconds, Attributes attributes) {
    timePerOutputChunk.record(seconds, attributes);
  }
}
