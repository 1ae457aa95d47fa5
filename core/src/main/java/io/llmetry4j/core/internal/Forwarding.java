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
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.annotation.Nullable;

/**
 * Wrappers that implement an interface <em>as it is loaded at run time</em>, as JDK proxies: every
 * method of it — those that exist when llmetry4j is built and those LangChain4j adds later —
 * reaches the wrapper's {@link Router}, which traces the methods it knows and passes every other
 * one to the delegate unchanged. A wrapper therefore never lets an interface's default method
 * answer in the delegate's place (a default that says "not supported", or that calls another method
 * of the wrapper instead of the delegate's override).
 *
 * <p>What a JDK proxy cannot keep: a checked exception that the interface does not declare (thrown
 * by Kotlin code or Lombok's {@code @SneakyThrows}) reaches the caller as an {@link
 * java.lang.reflect.UndeclaredThrowableException} whose cause is that exception, as it does from
 * LangChain4j's own AI Services, which are JDK proxies too. Every other throwable passes unchanged.
 *
 * <p>Where no proxy can be made (a package that the interface's module does not open to llmetry4j,
 * a native image without proxy configuration), {@link #wrap} returns the delegate itself, untraced,
 * and logs one warning for that interface: tracing is never a reason for an application not to
 * start.
 *
 * <p>{@code equals}, {@code hashCode} and {@code toString} keep their contracts: a wrapper equals
 * itself and any wrapper of an equal delegate, never the bare delegate (which would not say the
 * same of it), and shares its delegate's hash code and text.
 *
 * <p>Not public API: shared by the llmetry4j modules, may change without notice.
 */
public final class Forwarding {

  private static final Logger logger = Logger.getLogger(Forwarding.class.getName());

  // Interfaces already warned about, so that a failing type logs once, not once per wrap.
  private static final Set<String> warned = ConcurrentHashMap.newKeySet();

  private Forwarding() {}

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
   * handler go through it, every other method straight to {@code delegate}. Returns {@code
   * delegate} itself, with one warning per interface, where no wrapper can be made.
   */
  public static <T> T wrap(Class<T> type, T delegate, Router<T> router) {
    requireNonNull(type, "type");
    requireNonNull(delegate, "delegate");
    return wrap(type, new Class<?>[] {type}, delegate, router);
  }

  /**
   * As {@link #wrap(Class, Object, Router)}, the wrapper also implementing every other interface
   * that {@code delegate}'s class implements and {@code type}'s class loader sees, each of their
   * methods forwarded to {@code delegate} unless {@code router} says otherwise: for delegates that
   * LangChain4j builds as proxies of several interfaces (an agentic system is also its {@code
   * AgenticScopeAccess}), which the application may cast to.
   */
  public static <T> T wrapAllInterfaces(Class<T> type, T delegate, Router<T> router) {
    requireNonNull(type, "type");
    requireNonNull(delegate, "delegate");
    Set<Class<?>> interfaces = new java.util.LinkedHashSet<>();
    interfaces.add(type);
    for (Class<?> other : delegate.getClass().getInterfaces()) {
      if (isVisible(other, type.getClassLoader())) {
        interfaces.add(other);
      }
    }
    return wrap(type, interfaces.toArray(new Class<?>[0]), delegate, router);
  }

  private static boolean isVisible(Class<?> type, @Nullable ClassLoader loader) {
    try {
      return Class.forName(type.getName(), false, loader) == type;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  private static <T> T wrap(Class<T> type, Class<?>[] interfaces, T delegate, Router<T> router) {
    requireNonNull(router, "router");
    if (!type.isInterface()) {
      throw new IllegalArgumentException(type.getName() + " is not an interface");
    }
    Forwarder<T> forwarder;
    Object proxy;
    try {
      Shape shape = interfaces.length == 1 ? Shape.of(type) : new Shape(interfaces);
      forwarder = new Forwarder<>(shape, delegate, router);
      proxy = Proxy.newProxyInstance(type.getClassLoader(), interfaces, forwarder);
    } catch (VirtualMachineError fatal) {
      throw fatal;
    } catch (RuntimeException | Error cannotProxy) {
      // IllegalArgumentException or InaccessibleObjectException from the JDK, a native image's
      // unsupported-feature Error: the application runs on, untraced.
      if (warned.add(type.getName())) {
        logger.log(
            Level.WARNING,
            "llmetry4j cannot wrap "
                + type.getName()
                + " here ("
                + cannotProxy.getClass().getName()
                + "); it runs untraced");
      }
      return delegate;
    }
    forwarder.self = proxy;
    return type.cast(proxy);
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
    Forwarder<?> forwarder = forwarderOf(object);
    return forwarder == null ? null : forwarder.delegate;
  }

  @Nullable
  private static Forwarder<?> forwarderOf(@Nullable Object object) {
    if (object != null && Proxy.isProxyClass(object.getClass())) {
      InvocationHandler handler = Proxy.getInvocationHandler(object);
      if (handler instanceof Forwarder) {
        return (Forwarder<?>) handler;
      }
    }
    return null;
  }

  private static final class Forwarder<T> implements InvocationHandler {
    private final Shape shape;
    final T delegate;
    // By the method's index in its Shape; null where the method goes to the delegate as it is.
    private final Handler<T>[] handlers;
    // Set once the proxy exists: equals needs to recognise "itself".
    @Nullable Object self;

    @SuppressWarnings("unchecked")
    Forwarder(Shape shape, T delegate, Router<T> router) {
      this.shape = shape;
      this.delegate = delegate;
      this.handlers = new Handler[shape.invocations.length];
      for (int i = 0; i < handlers.length; i++) {
        handlers[i] = router.route(shape.invocations[i].method);
      }
    }

    @Override
    @Nullable
    public Object invoke(Object proxy, Method method, @Nullable Object[] args) throws Throwable {
      Object[] arguments = args == null ? NO_ARGUMENTS : args;
      int index = shape.indexOf(method);
      if (index < 0) {
        if (method.getDeclaringClass() == Object.class) {
          return objectMethod(method.getName(), arguments);
        }
        throw new AbstractMethodError(method.toString()); // not a method of the interface
      }
      Handler<T> handler = handlers[index];
      Invocation invocation = shape.invocations[index];
      return handler != null
          ? handler.handle(delegate, self, invocation, arguments)
          : invocation.invoke(delegate, arguments);
    }

    private Object objectMethod(String name, Object[] args) {
      switch (name) {
        case "equals":
          Object other = args[0];
          if (other == self) {
            return true;
          }
          Forwarder<?> otherForwarder = forwarderOf(other);
          return otherForwarder != null
              && otherForwarder.shape.sameInterfaces(shape)
              && delegate.equals(otherForwarder.delegate);
        case "hashCode":
          return delegate.hashCode();
        default: // toString
          return delegate.toString();
      }
    }
  }

  private static final Object[] NO_ARGUMENTS = new Object[0];

  /** The interface's methods, each invocable on any implementation; made once per interface. */
  private static final class Shape {
    private static final ClassValue<Shape> SHAPES =
        new ClassValue<>() {
          @Override
          protected Shape computeValue(Class<?> type) {
            return new Shape(type);
          }
        };

    final Invocation[] invocations;
    // Method equality (declaring class, name, signature): how a method is first recognised.
    private final Map<Method, Integer> indexByEquality;
    // The very Method objects the proxy class passes, learned on first sight (copy on write):
    // an identity lookup on every call instead of Method.equals.
    private volatile Map<Method, Integer> indexByIdentity = new IdentityHashMap<>();

    static Shape of(Class<?> type) {
      return SHAPES.get(type);
    }

    private final Class<?>[] interfaces;

    private Shape(Class<?>... interfaces) {
      this.interfaces = interfaces;
      List<Invocation> methods = new ArrayList<>();
      Map<Method, Integer> byMethod = new HashMap<>();
      for (Class<?> type : interfaces) {
        for (Method method : type.getMethods()) {
          if (Modifier.isStatic(method.getModifiers())
              || isObjectMethod(method)
              || byMethod.containsKey(method)) {
            continue; // an interface may redeclare equals, hashCode or toString: Object's contract
          }
          byMethod.put(method, methods.size());
          methods.add(new Invocation(method, spreadHandle(type, method)));
        }
      }
      this.invocations = methods.toArray(new Invocation[0]);
      this.indexByEquality = byMethod;
    }

    boolean sameInterfaces(Shape other) {
      return other == this || java.util.Arrays.equals(interfaces, other.interfaces);
    }

    /** The index of {@code method} in {@link #invocations}, or -1 (equals, hashCode, toString). */
    int indexOf(Method method) {
      Integer index = indexByIdentity.get(method);
      if (index != null) {
        return index;
      }
      index = indexByEquality.get(method);
      if (index == null) {
        return -1;
      }
      synchronized (this) {
        Map<Method, Integer> learned = new IdentityHashMap<>(indexByIdentity);
        learned.put(method, index);
        indexByIdentity = learned;
      }
      return index;
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
        // application's own proxies are. In a module that does not open the package this throws,
        // and wrap() leaves the component untraced.
        try {
          method.setAccessible(true);
          handle = MethodHandles.lookup().unreflect(method);
        } catch (IllegalAccessException e) {
          throw new IllegalArgumentException(type.getName() + " is not accessible", e);
        }
      }
      // Fixed arity: a varargs method gets its array argument as the caller passed it.
      return handle
          .asFixedArity()
          .asSpreader(Object[].class, method.getParameterCount())
          .asType(MethodType.methodType(Object.class, Object.class, Object[].class));
    }
  }
}
