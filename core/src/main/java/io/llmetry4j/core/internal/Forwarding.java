package io.llmetry4j.core.internal;

import static java.util.Objects.requireNonNull;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.annotation.Nullable;

/**
 * Wrappers that implement an interface <em>as it is loaded at run time</em>: every method of it —
 * those that exist when llmetry4j is built and those LangChain4j adds later — reaches the wrapper's
 * {@link Router}, which traces the methods it knows and passes every other one to the delegate
 * unchanged. A wrapper therefore never lets an interface's default method answer in the delegate's
 * place (a default that says "not supported", or that calls another method of the wrapper instead
 * of the delegate's override).
 *
 * <p>The wrapper class is generated per interface as a hidden class whose methods hand their
 * arguments to the wrapper's {@link Dispatcher} and return what it returns. Unlike {@link Proxy},
 * it lets every {@link Throwable} through unchanged — a checked exception that the interface does
 * not declare (sneaky throws, Kotlin) included, which a JDK proxy would wrap in an {@code
 * UndeclaredThrowableException}. Where the class cannot be defined (llmetry4j loaded by a class
 * loader that cannot see the interface), a JDK proxy is used instead, with that one difference.
 *
 * <p>{@code equals}, {@code hashCode} and {@code toString} keep their contracts: a wrapper equals
 * itself and any wrapper of an equal delegate, never the bare delegate (which would not say the
 * same of it), and shares its delegate's hash code and text.
 *
 * <p>Not public API: shared by the llmetry4j modules, may change without notice.
 */
public final class Forwarding {

  private Forwarding() {}

  /** Receives every call on a wrapper: the method's index in its {@link Shape}, its arguments. */
  public interface Dispatcher {
    @Nullable
    Object call(int method, @Nullable Object[] args) throws Throwable;
  }

  /**
   * A traced method: runs the call, usually by invoking {@code method} on the delegate; {@code
   * wrapper} is the wrapper itself, for methods that return "this".
   */
  @FunctionalInterface
  public interface Handler<T> {
    @Nullable
    Object handle(T delegate, Object wrapper, Invocation method, Object[] args) throws Throwable;
  }

  /** Picks the handler of each interface method, or null to pass it to the delegate as it is. */
  @FunctionalInterface
  public interface Router<T> {
    @Nullable
    Handler<T> route(Method method);
  }

  /** Implemented by every generated wrapper: how llmetry4j recognises its own. */
  public interface Wrapper {
    Dispatcher llmetry4jDispatcher();
  }

  /** One interface method, invocable on any implementation, every Throwable passed unchanged. */
  public static final class Invocation {
    private final Method method;
    private final MethodHandle handle;

    Invocation(Method method, MethodHandle handle) {
      this.method = method;
      this.handle = handle;
    }

    public Method method() {
      return method;
    }

    @Nullable
    public Object invoke(Object target, Object[] args) throws Throwable {
      return handle.invoke(target, args);
    }
  }

  /**
   * A wrapper of {@code delegate} implementing {@code type}: the methods {@code router} gives a
   * handler go through it, every other method straight to {@code delegate}.
   */
  public static <T> T wrap(Class<T> type, T delegate, Router<T> router) {
    requireNonNull(type, "type");
    requireNonNull(delegate, "delegate");
    requireNonNull(router, "router");
    Shape shape = Shape.of(type);
    @SuppressWarnings("unchecked")
    Handler<T>[] handlers = new Handler[shape.invocations.length];
    for (int i = 0; i < handlers.length; i++) {
      if (i >= shape.firstObjectMethod) {
        break; // equals, hashCode, toString: the contract above, never routed
      }
      handlers[i] = router.route(shape.invocations[i].method);
    }
    RoutingDispatcher<T> dispatcher = new RoutingDispatcher<>(shape, delegate, handlers);
    return type.cast(shape.newInstance(dispatcher));
  }

  /**
   * Whether {@code method} is {@code name} with parameters of exactly these classes, named so that
   * types newer than the LangChain4j llmetry4j compiles against can be matched.
   */
  public static boolean is(Method method, String name, String... parameterTypes) {
    if (!method.getName().equals(name) || method.getParameterCount() != parameterTypes.length) {
      return false;
    }
    Class<?>[] actual = method.getParameterTypes();
    for (int i = 0; i < actual.length; i++) {
      if (!actual[i].getName().equals(parameterTypes[i])) {
        return false;
      }
    }
    return true;
  }

  /** The delegate of a wrapper made by {@link #wrap}, or null if {@code object} is not one. */
  @Nullable
  public static Object delegateOf(@Nullable Object object) {
    Dispatcher dispatcher = dispatcherOf(object);
    return dispatcher instanceof RoutingDispatcher
        ? ((RoutingDispatcher<?>) dispatcher).delegate
        : null;
  }

  @Nullable
  private static Dispatcher dispatcherOf(@Nullable Object object) {
    if (object instanceof Wrapper) {
      return ((Wrapper) object).llmetry4jDispatcher();
    }
    if (object != null && Proxy.isProxyClass(object.getClass())) {
      InvocationHandler handler = Proxy.getInvocationHandler(object);
      if (handler instanceof ProxyBridge) {
        return ((ProxyBridge) handler).dispatcher;
      }
    }
    return null;
  }

  private static final class RoutingDispatcher<T> implements Dispatcher {
    private final Shape shape;
    final T delegate;
    private final Handler<T>[] handlers;
    // Set once the wrapper exists: equals needs to recognise "itself".
    @Nullable Object self;

    RoutingDispatcher(Shape shape, T delegate, Handler<T>[] handlers) {
      this.shape = shape;
      this.delegate = delegate;
      this.handlers = handlers;
    }

    @Override
    @Nullable
    public Object call(int method, @Nullable Object[] args) throws Throwable {
      Object[] arguments = args == null ? NO_ARGUMENTS : args;
      if (method >= shape.firstObjectMethod) {
        return objectMethod(method - shape.firstObjectMethod, arguments);
      }
      Handler<T> handler = handlers[method];
      Invocation invocation = shape.invocations[method];
      return handler != null
          ? handler.handle(delegate, self, invocation, arguments)
          : invocation.invoke(delegate, arguments);
    }

    private Object objectMethod(int which, Object[] args) {
      switch (which) {
        case 0: // equals
          Object other = args[0];
          if (other == self) {
            return true;
          }
          Dispatcher otherDispatcher = dispatcherOf(other);
          return otherDispatcher instanceof RoutingDispatcher
              && ((RoutingDispatcher<?>) otherDispatcher).shape == shape
              && delegate.equals(((RoutingDispatcher<?>) otherDispatcher).delegate);
        case 1: // hashCode
          return delegate.hashCode();
        default: // toString
          return delegate.toString();
      }
    }
  }

  private static final Object[] NO_ARGUMENTS = new Object[0];

  /** The interface's methods in a fixed order (then equals, hashCode, toString), and its class. */
  static final class Shape {
    private static final ClassValue<Shape> SHAPES =
        new ClassValue<>() {
          @Override
          protected Shape computeValue(Class<?> type) {
            return new Shape(type);
          }
        };

    final Class<?> type;
    final Invocation[] invocations;
    final int firstObjectMethod;
    // Constructor (Dispatcher) of the generated class, or null when a JDK proxy stands in.
    @Nullable private final MethodHandle constructor;

    static Shape of(Class<?> type) {
      if (!type.isInterface()) {
        throw new IllegalArgumentException(type.getName() + " is not an interface");
      }
      return SHAPES.get(type);
    }

    private Shape(Class<?> type) {
      this.type = type;
      List<Method> methods = interfaceMethods(type);
      this.firstObjectMethod = methods.size();
      try {
        methods.add(Object.class.getMethod("equals", Object.class));
        methods.add(Object.class.getMethod("hashCode"));
        methods.add(Object.class.getMethod("toString"));
      } catch (NoSuchMethodException e) {
        throw new AssertionError(e);
      }
      this.invocations = new Invocation[methods.size()];
      for (int i = 0; i < invocations.length; i++) {
        Method method = methods.get(i);
        invocations[i] = new Invocation(method, spreadHandle(type, method));
      }
      this.constructor = generatedConstructor(type, methods);
    }

    Object newInstance(RoutingDispatcher<?> dispatcher) {
      Object instance;
      if (constructor != null) {
        try {
          instance = constructor.invoke((Dispatcher) dispatcher);
        } catch (RuntimeException | Error e) {
          throw e;
        } catch (Throwable e) {
          throw new IllegalStateException(e);
        }
      } else {
        instance =
            Proxy.newProxyInstance(
                type.getClassLoader(), new Class<?>[] {type}, new ProxyBridge(dispatcher, this));
      }
      dispatcher.self = instance;
      return instance;
    }

    /** Public instance methods of {@code type} and its super-interfaces, one per signature. */
    private static List<Method> interfaceMethods(Class<?> type) {
      Map<String, Method> bySignature = new LinkedHashMap<>();
      for (Method method : type.getMethods()) {
        if (Modifier.isStatic(method.getModifiers()) || isObjectMethod(method)) {
          continue; // an interface may redeclare equals, hashCode or toString: handled once, below
        }
        String key =
            method.getName()
                + MethodType.methodType(method.getReturnType(), method.getParameterTypes())
                    .toMethodDescriptorString();
        bySignature.putIfAbsent(key, method);
      }
      return new ArrayList<>(bySignature.values());
    }

    private static boolean isObjectMethod(Method method) {
      try {
        Object.class.getMethod(method.getName(), method.getParameterTypes());
        return true;
      } catch (NoSuchMethodException e) {
        return false;
      }
    }

    /** {@code method} as {@code (Object target, Object[] args) -> Object}. */
    private static MethodHandle spreadHandle(Class<?> type, Method method) {
      MethodHandle handle;
      try {
        handle = MethodHandles.publicLookup().unreflect(method);
      } catch (IllegalAccessException notPublic) {
        // A package-private interface (AI Services often are): reflection is let in, as the
        // application's own proxies are.
        try {
          method.setAccessible(true);
          handle = MethodHandles.lookup().unreflect(method);
        } catch (IllegalAccessException | RuntimeException e) {
          throw new IllegalArgumentException(type.getName() + " is not accessible", e);
        }
      }
      // Fixed arity: a varargs method gets its array argument as the caller passed it.
      return handle
          .asFixedArity()
          .asSpreader(Object[].class, method.getParameterCount())
          .asType(MethodType.methodType(Object.class, Object.class, Object[].class));
    }

    /**
     * Whether a class defined next to {@code host} (same package and loader) may name every type in
     * the methods' signatures: public ones, and those of the host's own package.
     */
    private static boolean accessibleFrom(Class<?> host, List<Method> methods) {
      if (!accessible(host, host)) {
        return false;
      }
      for (Method method : methods) {
        if (!accessible(method.getReturnType(), host)) {
          return false;
        }
        for (Class<?> parameter : method.getParameterTypes()) {
          if (!accessible(parameter, host)) {
            return false;
          }
        }
      }
      return true;
    }

    private static boolean accessible(Class<?> type, Class<?> host) {
      for (Class<?> c = type;
          c != null;
          c = c.isArray() ? c.getComponentType() : c.getEnclosingClass()) {
        if (c.isPrimitive() || Modifier.isPublic(c.getModifiers())) {
          continue;
        }
        if (Modifier.isPrivate(c.getModifiers())
            || c.getClassLoader() != host.getClassLoader()
            || !c.getPackageName().equals(host.getPackageName())) {
          return false;
        }
      }
      return true;
    }

    /**
     * The generated class, defined in the interface's own package with the interface's class loader
     * (so that a package-private interface, and an interface llmetry4j's loader cannot see, work
     * too), or null when that is not possible: then a JDK proxy stands in.
     */
    @Nullable
    private static MethodHandle generatedConstructor(Class<?> type, List<Method> methods) {
      if (!accessibleFrom(type, methods) || !seesForwarding(type.getClassLoader())) {
        return null;
      }
      try {
        MethodHandles.Lookup host = MethodHandles.privateLookupIn(type, MethodHandles.lookup());
        byte[] bytes = WrapperClassWriter.write(type, methods);
        MethodHandles.Lookup hidden = host.defineHiddenClass(bytes, true);
        return hidden
            .findConstructor(
                hidden.lookupClass(), MethodType.methodType(void.class, Dispatcher.class))
            .asType(MethodType.methodType(Object.class, Dispatcher.class));
      } catch (IllegalAccessException | NoSuchMethodException | LinkageError | RuntimeException e) {
        return null;
      }
    }

    /** Whether the generated class, defined by {@code loader}, links to this very Forwarding. */
    private static boolean seesForwarding(@Nullable ClassLoader loader) {
      try {
        return Class.forName(Forwarding.class.getName(), false, loader) == Forwarding.class;
      } catch (ClassNotFoundException | LinkageError e) {
        return false;
      }
    }
  }

  /** The JDK proxy's handler, for the fallback only. */
  private static final class ProxyBridge implements InvocationHandler {
    final Dispatcher dispatcher;
    private final Shape shape;

    ProxyBridge(Dispatcher dispatcher, Shape shape) {
      this.dispatcher = dispatcher;
      this.shape = shape;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      for (int i = 0; i < shape.invocations.length; i++) {
        Method candidate = shape.invocations[i].method;
        if (candidate.getName().equals(method.getName())
            && candidate.getReturnType() == method.getReturnType()
            && java.util.Arrays.equals(candidate.getParameterTypes(), method.getParameterTypes())) {
          return dispatcher.call(i, args);
        }
      }
      throw new AbstractMethodError(method.toString());
    }
  }
}
