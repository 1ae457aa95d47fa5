package io.llmetry4j.rag;

import static java.util.Objects.requireNonNull;

import dev.langchain4j.agent.tool.ReturnBehavior;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.agent.tool.ToolSpecifications;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.tool.DefaultToolExecutor;
import dev.langchain4j.service.tool.ToolExecutor;
import dev.langchain4j.service.tool.ToolProvider;
import dev.langchain4j.service.tool.ToolProviderRequest;
import dev.langchain4j.service.tool.ToolProviderResult;
import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.core.internal.Forwarding;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.annotation.Nullable;

/**
 * Tools for an AI Service whose every execution is an {@code execute_tool {name}} span, from the
 * real start to the real end of the tool method, with LangChain4j's own tool semantics kept: the AI
 * Service's {@code toolExecutionErrorHandler} and {@code toolArgumentsErrorHandler}, immediate
 * return ({@code @Tool(returnBehavior = ...)}), concurrent execution, the tool specifications. Add
 * them to the AI Service builder in place of {@code .tools(toolObjects...)}:
 *
 * <pre>{@code
 * Assistant assistant = TracingTools.addTo(
 *         AiServices.builder(Assistant.class).chatModel(model), telemetry, new WeatherTools())
 *     .build();
 * }</pre>
 *
 * <p>The tools are the ones LangChain4j itself finds in the objects and executes as it would: from
 * LangChain4j 1.14 they are LangChain4j's own (its {@code ToolService.findTools}) with their return
 * behaviour; before that, they are built as its {@code ToolService} builds them, with the names of
 * immediate-return tools passed along. Only the executor is wrapped, and it throws what the tool
 * throws, so the error handlers see what they would see. (Tools using {@code @CompensateFor},
 * LangChain4j 1.17+, need LangChain4j's own registration and are not traced this way.)
 */
public final class TracingTools {

  private TracingTools() {}

  /** Adds every {@code @Tool} method of {@code toolObjects} to {@code services}, traced. */
  public static <T> AiServices<T> addTo(
      AiServices<T> services, LlmTelemetry telemetry, Object... toolObjects) {
    requireNonNull(services, "services");
    requireNonNull(telemetry, "telemetry");
    requireNonNull(toolObjects, "toolObjects");
    if (AiServiceTools.AVAILABLE) {
      AiServiceTools.addTo(services, telemetry, toolObjects);
      return services;
    }
    Map<ToolSpecification, ToolExecutor> tools = new LinkedHashMap<>();
    Set<String> immediateReturn = new LinkedHashSet<>();
    for (Object toolObject : toolObjects) {
      requireNonNull(toolObject, "tool object");
      // As LangChain4j's ToolService (1.11-1.13) finds and builds them.
      for (Method method : toolObject.getClass().getDeclaredMethods()) {
        Tool tool = method.getAnnotation(Tool.class);
        if (tool == null) {
          continue;
        }
        ToolSpecification specification = ToolSpecifications.toolSpecificationFrom(method);
        ToolExecutor executor =
            DefaultToolExecutor.builder()
                .object(toolObject)
                .originalMethod(method)
                .methodToInvoke(method)
                .wrapToolArgumentsExceptions(true)
                .propagateToolExecutionExceptions(true)
                .build();
        tools.put(specification, TracingToolExecutor.wrap(telemetry, specification, executor));
        if (tool.returnBehavior() == ReturnBehavior.IMMEDIATE) {
          immediateReturn.add(specification.name());
        }
      }
    }
    return services.tools(tools, immediateReturn);
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

  /**
   * {@code provider} (LangChain4j's {@code McpToolProvider}, your own), its tools traced: every
   * result it provides has each executor wrapped as {@link #wrap(LlmTelemetry, Map)} wraps it, the
   * tools' other properties (immediate return, from 1.14 the whole {@code AiServiceTool}) kept;
   * every other method of the provider is its own. Add it with {@code .toolProvider(...)}.
   */
  public static ToolProvider wrap(LlmTelemetry telemetry, ToolProvider provider) {
    requireNonNull(telemetry, "telemetry");
    return Forwarding.wrap(
        ToolProvider.class,
        requireNonNull(provider, "provider"),
        method ->
            Forwarding.is(method, "provideTools", ToolProviderRequest.class.getName())
                ? (delegate, self, invocation, args) ->
                    traced(telemetry, (ToolProviderResult) invocation.invoke(delegate, args))
                : null);
  }

  @Nullable
  private static ToolProviderResult traced(
      LlmTelemetry telemetry, @Nullable ToolProviderResult result) {
    if (result == null) {
      return null;
    }
    if (AiServiceTools.AVAILABLE) {
      return AiServiceTools.traced(telemetry, result);
    }
    return ToolProviderResult.builder()
        .addAll(wrap(telemetry, result.tools()))
        .immediateReturnToolNames(result.immediateReturnToolNames())
        .build();
  }

  /**
   * LangChain4j 1.14+: {@code ToolService.findTools(Object)}, {@code AiServiceTool.toBuilder()} and
   * {@code AiServices.tools(List<AiServiceTool>)}, found by reflection (the floor of the supported
   * range lacks them).
   */
  private static final class AiServiceTools {
    @Nullable private static final MethodHandle FIND_TOOLS;
    @Nullable private static final MethodHandle SPECIFICATION;
    @Nullable private static final MethodHandle EXECUTOR;
    @Nullable private static final MethodHandle TO_BUILDER;
    @Nullable private static final MethodHandle WITH_EXECUTOR;
    @Nullable private static final MethodHandle BUILD;
    @Nullable private static final MethodHandle ADD_TOOLS;
    @Nullable private static final MethodHandle RESULT_TOOLS;
    @Nullable private static final MethodHandle RESULT_ADD_ALL;
    static final boolean AVAILABLE;

    static {
      MethodHandle findTools = null;
      MethodHandle specification = null;
      MethodHandle executor = null;
      MethodHandle toBuilder = null;
      MethodHandle withExecutor = null;
      MethodHandle build = null;
      MethodHandle addTools = null;
      MethodHandle resultTools = null;
      MethodHandle resultAddAll = null;
      try {
        MethodHandles.Lookup lookup = MethodHandles.publicLookup();
        ClassLoader loader = AiServices.class.getClassLoader();
        Class<?> tool = Class.forName("dev.langchain4j.service.tool.AiServiceTool", false, loader);
        Class<?> builder = Class.forName(tool.getName() + "$Builder", false, loader);
        Class<?> toolService =
            Class.forName("dev.langchain4j.service.tool.ToolService", false, loader);
        findTools =
            lookup.findStatic(
                toolService, "findTools", MethodType.methodType(List.class, Object.class));
        specification =
            lookup.findVirtual(
                tool, "toolSpecification", MethodType.methodType(ToolSpecification.class));
        executor =
            lookup.findVirtual(tool, "toolExecutor", MethodType.methodType(ToolExecutor.class));
        toBuilder = lookup.findVirtual(tool, "toBuilder", MethodType.methodType(builder));
        withExecutor =
            lookup.findVirtual(
                builder, "toolExecutor", MethodType.methodType(builder, ToolExecutor.class));
        build = lookup.findVirtual(builder, "build", MethodType.methodType(tool));
        addTools =
            lookup.findVirtual(
                AiServices.class, "tools", MethodType.methodType(AiServices.class, List.class));
        resultTools =
            lookup.findVirtual(
                ToolProviderResult.class, "aiServiceTools", MethodType.methodType(List.class));
        resultAddAll =
            lookup.findVirtual(
                ToolProviderResult.Builder.class,
                "addAll",
                MethodType.methodType(
                    ToolProviderResult.Builder.class, java.util.Collection.class));
      } catch (ReflectiveOperationException | LinkageError e) {
        findTools = null; // before 1.14: the builder-and-names route
      }
      FIND_TOOLS = findTools;
      SPECIFICATION = specification;
      EXECUTOR = executor;
      TO_BUILDER = toBuilder;
      WITH_EXECUTOR = withExecutor;
      BUILD = build;
      ADD_TOOLS = addTools;
      RESULT_TOOLS = resultTools;
      RESULT_ADD_ALL = resultAddAll;
      AVAILABLE = findTools != null && resultAddAll != null;
    }

    private AiServiceTools() {}

    static void addTo(AiServices<?> services, LlmTelemetry telemetry, Object... toolObjects) {
      try {
        List<Object> traced = new ArrayList<>();
        for (Object toolObject : toolObjects) {
          requireNonNull(toolObject, "tool object");
          for (Object tool : (List<?>) FIND_TOOLS.invoke(toolObject)) {
            traced.add(traced(telemetry, tool));
          }
        }
        ADD_TOOLS.invoke(services, traced);
      } catch (RuntimeException | Error e) {
        throw e; // LangChain4j's own refusal of a tool object, as .tools(...) would give it
      } catch (Throwable e) {
        throw new IllegalStateException("LangChain4j refused the tools", e);
      }
    }

    /** An {@code AiServiceTool} like {@code tool}, its executor traced. */
    private static Object traced(LlmTelemetry telemetry, Object tool) throws Throwable {
      ToolSpecification specification = (ToolSpecification) SPECIFICATION.invoke(tool);
      ToolExecutor executor = (ToolExecutor) EXECUTOR.invoke(tool);
      Object builder = TO_BUILDER.invoke(tool);
      WITH_EXECUTOR.invoke(builder, TracingToolExecutor.wrap(telemetry, specification, executor));
      return BUILD.invoke(builder);
    }

    /** {@code result} with every tool traced, each tool's other properties kept. */
    static ToolProviderResult traced(LlmTelemetry telemetry, ToolProviderResult result) {
      try {
        List<Object> traced = new ArrayList<>();
        for (Object tool : (List<?>) RESULT_TOOLS.invoke(result)) {
          traced.add(traced(telemetry, tool));
        }
        ToolProviderResult.Builder builder = ToolProviderResult.builder();
        RESULT_ADD_ALL.invoke(builder, traced);
        return builder.immediateReturnToolNames(result.immediateReturnToolNames()).build();
      } catch (RuntimeException | Error e) {
        throw e;
      } catch (Throwable e) {
        throw new IllegalStateException("LangChain4j refused the tools", e);
      }
    }
  }
}
