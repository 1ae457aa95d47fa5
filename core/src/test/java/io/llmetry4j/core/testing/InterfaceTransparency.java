package io.llmetry4j.core.testing;

import io.llmetry4j.core.internal.Forwarding;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.assertj.core.api.SoftAssertions;

/**
 * The transparency check of a wrapper: for <em>every</em> method of the interface as loaded at run
 * time (so a method LangChain4j adds tomorrow is checked too), a call on the wrapper reaches a
 * recording delegate once, with the very same arguments, and returns the delegate's result (a
 * traced wrapper of it where the method returns the interface itself) or throws the delegate's
 * exception unchanged.
 *
 * <p>The delegate is a JDK proxy that records and answers with fresh values of each return type: a
 * recording stand-in, named as such, for a check that no real component could make for every
 * method.
 */
public final class InterfaceTransparency {

  private InterfaceTransparency() {}

  /** Runs the check over every method of {@code type}; returns how many methods were checked. */
  public static <T> int check(Class<T> type, Function<T, T> wrap) {
    return check(type, wrap, Map.of());
  }

  /**
   * As {@link #check(Class, Function)}, where values of the types in {@code passedOnAs} (by
   * declared parameter or return type) reach the other side wrapped by design: for those, {@code
   * (original, received) -> true} says the received value stands for the original.
   */
  public static <T> int check(
      Class<T> type,
      Function<T, T> wrap,
      Map<Class<?>, java.util.function.BiPredicate<Object, Object>> passedOnAs) {
    SoftAssertions softly = new SoftAssertions();
    int checked = 0;
    for (Method method : type.getMethods()) {
      if (Modifier.isStatic(method.getModifiers())) {
        continue;
      }
      checked++;
      method.setAccessible(true); // AI Service interfaces are often package-private
      checkReturn(type, wrap, method, passedOnAs, softly);
      checkThrow(type, wrap, method, softly);
    }
    softly.assertAll();
    return checked;
  }

  /** Whether {@code received} is {@code original}, or stands for it where wrapping is by design. */
  private static boolean same(
      Map<Class<?>, java.util.function.BiPredicate<Object, Object>> passedOnAs,
      Class<?> declared,
      Object original,
      Object received) {
    java.util.function.BiPredicate<Object, Object> standsFor = passedOnAs.get(declared);
    return standsFor != null ? standsFor.test(original, received) : original == received;
  }

  private static <T> void checkReturn(
      Class<T> type,
      Function<T, T> wrap,
      Method method,
      Map<Class<?>, java.util.function.BiPredicate<Object, Object>> passedOnAs,
      SoftAssertions softly) {
    Recorder recorder = new Recorder(null);
    T delegate = type.cast(proxy(type, recorder));
    T wrapper = wrap.apply(delegate);
    recorder.calls.clear(); // what wrapping itself asked (a model name) is not the call
    Object[] args = arguments(method);
    Object result;
    try {
      result = method.invoke(wrapper, args);
    } catch (InvocationTargetException e) {
      softly.fail("%s threw %s through the wrapper", method, e.getCause());
      return;
    } catch (IllegalAccessException e) {
      throw new AssertionError(e);
    }
    softly.assertThat(recorder.calls).as("%s reaches the delegate once", method).hasSize(1);
    if (recorder.calls.size() == 1) {
      Call call = recorder.calls.get(0);
      softly.assertThat(call.method).as("%s: the method", method).isEqualTo(method);
      for (int i = 0; i < args.length; i++) {
        softly
            .assertThat(same(passedOnAs, method.getParameterTypes()[i], args[i], call.args[i]))
            .as("%s: argument %d is the caller's own", method, i)
            .isTrue();
      }
      Object returned = recorder.returned.get(call);
      if (method.getReturnType() == type && returned != null) {
        softly
            .assertThat(Forwarding.delegateOf(result))
            .as("%s: the %s it returns stays traced", method, type.getSimpleName())
            .isSameAs(returned);
      } else if (method.getReturnType().isPrimitive()) {
        softly.assertThat(result).as("%s: the result", method).isEqualTo(returned);
      } else {
        softly
            .assertThat(same(passedOnAs, method.getReturnType(), returned, result))
            .as("%s: the result is the delegate's", method)
            .isTrue();
      }
    }
  }

  private static <T> void checkThrow(
      Class<T> type, Function<T, T> wrap, Method method, SoftAssertions softly) {
    IllegalStateException failure = new IllegalStateException("delegate failed");
    Recorder recorder = new Recorder(failure);
    T wrapper = wrap.apply(type.cast(proxy(type, recorder)));
    recorder.armed = true;
    try {
      method.invoke(wrapper, arguments(method));
      softly.fail("%s: the delegate's exception did not come through", method);
    } catch (InvocationTargetException e) {
      softly.assertThat(e.getCause()).as("%s: the exception", method).isSameAs(failure);
    } catch (IllegalAccessException e) {
      throw new AssertionError(e);
    }
  }

  private static Object proxy(Class<?> type, java.lang.reflect.InvocationHandler handler) {
    return Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler);
  }

  /** Fresh arguments: a distinct instance per parameter where the type allows one. */
  private static Object[] arguments(Method method) {
    Class<?>[] types = method.getParameterTypes();
    Object[] args = new Object[types.length];
    for (int i = 0; i < types.length; i++) {
      args[i] = value(types[i], i);
    }
    return args;
  }

  private static Object value(Class<?> type, int seed) {
    if (type == boolean.class) {
      return true;
    }
    if (type == int.class) {
      return 3 + seed;
    }
    if (type == long.class) {
      return 3L + seed;
    }
    if (type == double.class) {
      return 0.5 + seed;
    }
    if (type == float.class) {
      return 0.5f + seed;
    }
    if (type == String.class) {
      return new String("value " + seed);
    }
    if (type == List.class || type == Collection.class) {
      return new ArrayList<>(List.of("element " + seed));
    }
    if (type == Set.class) {
      return new java.util.HashSet<>(Set.of("element " + seed));
    }
    if (type == CompletableFuture.class) {
      return new CompletableFuture<>();
    }
    if (type == Object.class) {
      return new Object();
    }
    if (type.isInterface()) {
      return proxy(type, (p, m, a) -> m.getName().equals("hashCode") ? seed : null);
    }
    return null; // a LangChain4j value class: null is what the delegate must receive, too
  }

  private static final class Call {
    final Method method;
    final Object[] args;

    Call(Method method, Object[] args) {
      this.method = method;
      this.args = args == null ? new Object[0] : args;
    }
  }

  /** The recording delegate. */
  private static final class Recorder implements java.lang.reflect.InvocationHandler {
    final List<Call> calls = new ArrayList<>();
    final Map<Call, Object> returned = new HashMap<>();
    private final RuntimeException failure;
    boolean armed;

    Recorder(RuntimeException failure) {
      this.failure = failure;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) {
      if (method.getDeclaringClass() == Object.class) {
        switch (method.getName()) {
          case "equals":
            return proxy == args[0];
          case "hashCode":
            return System.identityHashCode(proxy);
          default:
            return "recording delegate";
        }
      }
      if (failure != null && armed) {
        throw failure;
      }
      Call call = new Call(method, args);
      calls.add(call);
      Object result = value(method.getReturnType(), 40);
      if (method.getReturnType() == method.getDeclaringClass()) {
        result = proxy(method.getReturnType(), this); // "a listening copy": a new instance
      }
      returned.put(call, result);
      return result;
    }
  }
}
