package io.llmetry4j.core.internal;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import javax.annotation.Nullable;

/**
 * The one rule for {@code error.type} and the status description of every llmetry4j span: the HTTP
 * status code when a LangChain4j {@code HttpException} is the error or one of its causes (the
 * low-cardinality value semconv prefers), else the exception's fully qualified class name.
 *
 * <p>Core does not depend on LangChain4j: the exception type is looked up once, by name, in the
 * class loader that loaded llmetry4j.
 *
 * <p>Not public API: shared by the llmetry4j modules, may change without notice.
 */
public final class ErrorTypes {

  /**
   * {@code error.type} of a tool call whose result is flagged as an error, though nothing was
   * thrown: the value the MCP conventions give a {@code CallToolResult} with {@code isError}, used
   * for every tool span alike.
   */
  public static final String TOOL_ERROR = "tool_error";

  private static final String HTTP_EXCEPTION = "dev.langchain4j.exception.HttpException";
  private static final int MAX_CAUSE_DEPTH = 8;

  @Nullable private static final Class<?> httpException;
  @Nullable private static final MethodHandle statusCode;

  static {
    Class<?> type = null;
    MethodHandle handle = null;
    try {
      type = Class.forName(HTTP_EXCEPTION, false, ErrorTypes.class.getClassLoader());
      handle =
          MethodHandles.publicLookup()
              .findVirtual(type, "statusCode", MethodType.methodType(int.class));
    } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
      // No LangChain4j here (or another shape of it): class names only.
      type = null;
      handle = null;
    }
    httpException = type;
    statusCode = handle;
  }

  private ErrorTypes() {}

  /** {@code error.type} of {@code error}. Never throws. */
  private static final String TOOL_EXECUTION_EXCEPTION =
      "dev.langchain4j.exception.ToolExecutionException";

  public static String of(Throwable error) {
    if (httpException != null) {
      try {
        Throwable cause = error;
        for (int depth = 0; cause != null && depth < MAX_CAUSE_DEPTH; depth++) {
          if (httpException.isInstance(cause)) {
            return Integer.toString((int) statusCode.invoke(cause));
          }
          cause = cause.getCause();
        }
      } catch (Throwable e) {
        // A hostile getCause() or statusCode(): the class name still says what failed.
      }
    }
    return envelopedCause(error).getClass().getName();
  }

  /**
   * The tool's own exception where LangChain4j wrapped it in its {@code ToolExecutionException}
   * envelope (which says only that a tool failed), else {@code error}.
   */
  private static Throwable envelopedCause(Throwable error) {
    if (error.getClass().getName().equals(TOOL_EXECUTION_EXCEPTION)) {
      try {
        Throwable cause = error.getCause();
        if (cause != null) {
          return cause;
        }
      } catch (Throwable e) {
        // A hostile getCause(): the envelope's class name is still true.
      }
    }
    return error;
  }

  /**
   * The status description of a span failed with {@code error}: its message, or its class name when
   * it has none. Never throws, even when {@code getMessage()} does.
   */
  public static String description(Throwable error) {
    String message = null;
    try {
      message = error.getMessage();
    } catch (Throwable e) {
      // Fall back to the class name below.
    }
    return message != null ? message : error.getClass().getName();
  }
}
