package io.llmetry4j.core.testing;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.concurrent.CompletableFuture;

/**
 * For the async methods of langchain4j-core 1.20+ ({@code embedAsync}, {@code searchAsync}, {@code
 * retrieveAsync}), which the floor of the range llmetry4j compiles against lacks: a component
 * stand-in (a JDK proxy, named as such) whose async method returns a future the test completes, and
 * a reflective call of that method.
 */
public final class AsyncStandIn {

  private AsyncStandIn() {}

  /** The async method {@code name} of {@code type}, or null on a LangChain4j without it. */
  public static Method asyncMethod(Class<?> type, String name) {
    for (Method method : type.getMethods()) {
      if (method.getName().equals(name) && method.getParameterCount() == 1) {
        return method;
      }
    }
    return null;
  }

  /** A {@code type} whose method {@code name} returns {@code future}; nothing else is used. */
  public static <T> T returning(Class<T> type, String name, CompletableFuture<?> future) {
    return type.cast(
        Proxy.newProxyInstance(
            type.getClassLoader(),
            new Class<?>[] {type},
            (proxy, method, args) -> {
              switch (method.getName()) {
                case "equals":
                  return proxy == args[0];
                case "hashCode":
                  return System.identityHashCode(proxy);
                case "toString":
                  return "async stand-in";
                default:
                  if (method.getName().equals(name)) {
                    return future;
                  }
                  if (method.getReturnType() == int.class) {
                    return 0;
                  }
                  return null;
              }
            }));
  }

  /** Calls {@code method} on {@code target}, rethrowing what it throws. */
  public static Object call(Method method, Object target, Object argument) throws Throwable {
    try {
      return method.invoke(target, argument);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
