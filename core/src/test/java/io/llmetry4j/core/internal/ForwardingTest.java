package io.llmetry4j.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.lang.reflect.Proxy;
import java.lang.reflect.UndeclaredThrowableException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

public class ForwardingTest {

  /** Every kind of parameter and return the generated code boxes and unboxes. */
  public interface Sample {
    String join(String text, int i, long l, double d, boolean b);

    default int count() {
      return -1; // the delegate overrides it: the wrapper must never answer with this
    }

    default void primitives(char c, float f, byte b, short s) {}

    long[] arrays(int[] values, String[][] nested);

    default String fails(Throwable toThrow) {
      return "not thrown";
    }

    double ratio();

    boolean flag();
  }

  /** Records what reached it; throws what it is told to, declared or not. */
  static final class Recording implements Sample {
    final List<String> calls = new ArrayList<>();

    @Override
    public String join(String text, int i, long l, double d, boolean b) {
      calls.add("join");
      return text + i + l + d + b;
    }

    @Override
    public int count() {
      calls.add("count");
      return 42;
    }

    @Override
    public void primitives(char c, float f, byte b, short s) {
      calls.add("primitives " + c + f + b + s);
    }

    @Override
    public long[] arrays(int[] values, String[][] nested) {
      calls.add("arrays " + Arrays.toString(values) + nested[0][0]);
      return new long[] {values.length, nested.length};
    }

    @Override
    public String fails(Throwable toThrow) {
      throw Recording.<RuntimeException>sneaky(toThrow);
    }

    @Override
    public double ratio() {
      return 0.25;
    }

    @Override
    public boolean flag() {
      return true;
    }

    @SuppressWarnings("unchecked")
    static <T extends Throwable> T sneaky(Throwable t) throws T {
      throw (T) t;
    }
  }

  @Test
  void every_method_reaches_the_delegate_with_its_arguments_and_its_result_comes_back() {
    Recording delegate = new Recording();
    Sample wrapper = Forwarding.wrap(Sample.class, delegate, method -> null);

    assertThat(wrapper).isNotInstanceOf(Recording.class);
    assertThat(Proxy.isProxyClass(wrapper.getClass())).as("a plain JDK proxy").isTrue();
    assertThat(wrapper.join("a", 1, 2L, 0.5, true)).isEqualTo("a120.5true");
    assertThat(wrapper.count()).isEqualTo(42);
    wrapper.primitives('c', 1.5f, (byte) 3, (short) 4);
    assertThat(wrapper.arrays(new int[] {7, 8}, new String[][] {{"x"}})).containsExactly(2L, 1L);
    assertThat(wrapper.ratio()).isEqualTo(0.25);
    assertThat(wrapper.flag()).isTrue();
    assertThat(delegate.calls)
        .containsExactly("join", "count", "primitives c1.534", "arrays [7, 8]x");
  }

  @Test
  void every_throwable_passes_unchanged_but_an_undeclared_checked_exception_arrives_wrapped() {
    Sample wrapper = Forwarding.wrap(Sample.class, new Recording(), method -> null);
    IOException checked = new IOException("undeclared");
    StackOverflowError overflow = new StackOverflowError();
    IllegalStateException unchecked = new IllegalStateException();

    assertThat(catchThrowable(() -> wrapper.fails(overflow))).isSameAs(overflow);
    assertThat(catchThrowable(() -> wrapper.fails(unchecked))).isSameAs(unchecked);
    // The documented edge of a JDK proxy (and of LangChain4j's AI Services): wrapped, cause intact.
    assertThat(catchThrowable(() -> wrapper.fails(checked)))
        .isInstanceOf(UndeclaredThrowableException.class)
        .hasCauseReference(checked);
  }

  /** A checked exception the interface declares passes unchanged. */
  public interface Declaring {
    String read() throws IOException;
  }

  @Test
  void a_declared_checked_exception_passes_unchanged() {
    IOException declared = new IOException("declared");
    Declaring wrapper =
        Forwarding.wrap(
            Declaring.class,
            () -> {
              throw declared;
            },
            method -> null);

    assertThat(catchThrowable(wrapper::read)).isSameAs(declared);
  }

  @Test
  void routed_methods_go_through_their_handler_which_may_invoke_the_delegate() {
    Recording delegate = new Recording();
    List<String> seen = new ArrayList<>();
    Sample wrapper =
        Forwarding.wrap(
            Sample.class,
            delegate,
            method ->
                method.getName().equals("join")
                    ? (target, self, invocation, args) -> {
                      seen.add(invocation.method().getName() + " " + Arrays.toString(args));
                      return "[" + invocation.invoke(target, args) + "]";
                    }
                    : null);

    assertThat(wrapper.join("t", 1, 2L, 3.0, false)).isEqualTo("[t123.0false]");
    assertThat(wrapper.count()).isEqualTo(42);
    assertThat(seen).containsExactly("join [t, 1, 2, 3.0, false]");
  }

  @Test
  void equals_hash_code_and_to_string_keep_their_contracts() {
    Recording delegate = new Recording();
    Sample one = Forwarding.wrap(Sample.class, delegate, method -> null);
    Sample two = Forwarding.wrap(Sample.class, delegate, method -> null);
    Sample other = Forwarding.wrap(Sample.class, new Recording(), method -> null);

    assertThat(one).isEqualTo(one).isEqualTo(two).isNotEqualTo(other).isNotEqualTo(null);
    assertThat(two).isEqualTo(one);
    // Symmetric with the bare delegate, which does not know the wrapper.
    assertThat(one.equals(delegate)).isFalse();
    assertThat(delegate.equals(one)).isFalse();
    assertThat(one.hashCode()).isEqualTo(delegate.hashCode()).isEqualTo(two.hashCode());
    assertThat(one.toString()).isEqualTo(delegate.toString());
    assertThat(Forwarding.delegateOf(one)).isSameAs(delegate);
    assertThat(Forwarding.delegateOf(delegate)).isNull();
  }

  /** A private type in a signature: the proxy, defined in the interface's package, names it. */
  private static final class Hidden {}

  public interface WithHiddenType {
    Object make(Hidden hidden);

    default String name() {
      return "default";
    }
  }

  @Test
  void a_private_type_in_a_signature_reaches_the_delegate() {
    Hidden hidden = new Hidden();
    WithHiddenType delegate =
        new WithHiddenType() {
          @Override
          public Object make(Hidden h) {
            return h;
          }

          @Override
          public String name() {
            return "delegate";
          }
        };
    WithHiddenType wrapper = Forwarding.wrap(WithHiddenType.class, delegate, method -> null);

    assertThat(Proxy.isProxyClass(wrapper.getClass())).isTrue();
    assertThat(wrapper.make(hidden)).isSameAs(hidden);
    assertThat(wrapper.name()).isEqualTo("delegate");
    assertThat(wrapper).isEqualTo(wrapper).isNotEqualTo(delegate);
    assertThat(Forwarding.delegateOf(wrapper)).isSameAs(delegate);
  }

  public interface Varargs {
    Object[] echo(String... parts);
  }

  @Test
  void a_varargs_array_reaches_the_delegate_as_the_caller_passed_it() {
    Varargs wrapper = Forwarding.wrap(Varargs.class, parts -> parts, method -> null);
    String[] parts = {"a", "b"};

    assertThat(wrapper.echo(parts)).isSameAs(parts);
    assertThat(wrapper.echo((String[]) null)).isNull();
  }

  /** Package-private, as AI Service interfaces often are. */
  interface PackagePrivateService {
    String ask(String question);
  }

  @Test
  void a_package_private_interface_is_proxied_in_its_own_package() {
    PackagePrivateService delegate = question -> "answer to " + question;
    PackagePrivateService wrapper =
        Forwarding.wrap(PackagePrivateService.class, delegate, method -> null);

    assertThat(Proxy.isProxyClass(wrapper.getClass())).isTrue();
    assertThat(wrapper.getClass().getPackageName())
        .isEqualTo(PackagePrivateService.class.getPackageName());
    assertThat(wrapper.ask("q")).isEqualTo("answer to q");
  }

  /** An interface that redeclares Object's methods, as some do for documentation. */
  public interface Redeclaring {
    @Override
    boolean equals(Object other);

    @Override
    String toString();

    String value();
  }

  @Test
  void an_interface_redeclaring_object_methods_keeps_their_contracts() {
    Redeclaring delegate = () -> "v";
    Redeclaring wrapper = Forwarding.wrap(Redeclaring.class, delegate, method -> null);

    assertThat(wrapper.value()).isEqualTo("v");
    assertThat(wrapper.toString()).isEqualTo(delegate.toString());
    assertThat(wrapper).isEqualTo(wrapper);
    assertThat(wrapper.hashCode()).isEqualTo(delegate.hashCode());
  }
}
