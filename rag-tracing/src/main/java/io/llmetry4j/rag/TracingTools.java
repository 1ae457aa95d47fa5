package io.llmetry4j.rag;

import static java.util.Objects.requireNonNull;

import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.agent.tool.ToolSpecifications;
import dev.langchain4j.service.tool.DefaultToolExecutor;
import dev.langchain4j.service.tool.ToolExecutor;
import io.llmetry4j.core.LlmTelemetry;
import java.lang.reflect.Method;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Tools for an AI Service whose every execution is an {@code execute_tool {name}} span, from the
 * real start to the real end of the tool method. Give them to the AI Service instead of the tool
 * objects:
 *
 * <pre>{@code
 * Assistant assistant = AiServices.builder(Assistant.class)
 *     .chatModel(model)
 *     .tools(TracingTools.from(telemetry, new WeatherTools()))
 *     .build();
 * }</pre>
 */
public final class TracingTools {

  private TracingTools() {}

  /** Every {@code @Tool} method of {@code toolObjects}, each with a tracing executor. */
  public static Map<ToolSpecification, ToolExecutor> from(
      LlmTelemetry telemetry, Object... toolObjects) {
    requireNonNull(telemetry, "telemetry");
    Map<ToolSpecification, ToolExecutor> tools = new LinkedHashMap<>();
    for (Object toolObject : toolObjects) {
      for (Method method : toolObject.getClass().getDeclaredMethods()) {
        if (method.isAnnotationPresent(Tool.class)) {
          ToolSpecification specification = ToolSpecifications.toolSpecificationFrom(method);
          tools.put(
              specification,
              TracingToolExecutor.wrap(
                  telemetry, specification, new DefaultToolExecutor(toolObject, method)));
        }
      }
    }
    return tools;
  }

  /** Wraps executors you built yourself (MCP tools, programmatic tools). */
  public static Map<ToolSpecification, ToolExecutor> wrap(
      LlmTelemetry telemetry, Map<ToolSpecification, ToolExecutor> tools) {
    Map<ToolSpecification, ToolExecutor> wrapped = new LinkedHashMap<>();
    tools.forEach(
        (specification, executor) ->
            wrapped.put(
                specification, TracingToolExecutor.wrap(telemetry, specification, executor)));
    return wrapped;
  }
}
