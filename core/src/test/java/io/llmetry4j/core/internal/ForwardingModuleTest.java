package io.llmetry4j.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.module.Configuration;
import java.lang.module.ModuleFinder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A component whose interface lives in a named module that does not open its package to llmetry4j:
 * no wrapper can call it, so the component is returned as it is, untraced, with one warning.
 *
 * <p>The module is compiled by the JDK's compiler into a temporary directory and loaded in its own
 * module layer, as an application on the module path is.
 */
class ForwardingModuleTest {

  @TempDir Path work;

  @Test
  void an_interface_in_a_package_its_module_keeps_closed_is_returned_untraced_with_one_warning()
      throws Exception {
    Class<?> factory = compileAndLoadModule();
    Object component = factory.getMethod("component").invoke(null);
    @SuppressWarnings("unchecked")
    Class<Object> type = (Class<Object>) factory.getMethod("type").invoke(null);
    assertThat(type.getModule().isNamed()).isTrue();
    assertThat(type.getModule().isOpen(type.getPackageName(), Forwarding.class.getModule()))
        .isFalse();

    List<LogRecord> warnings = new ArrayList<>();
    Handler capture =
        new Handler() {
          @Override
          public void publish(LogRecord record) {
            warnings.add(record);
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    Logger logger = Logger.getLogger(Forwarding.class.getName());
    logger.addHandler(capture);
    AtomicInteger routed = new AtomicInteger();
    try {
      Object first =
          Forwarding.wrap(
              type,
              component,
              method -> {
                routed.incrementAndGet();
                return null;
              });
      Object second = Forwarding.wrap(type, component, method -> null);

      assertThat(first).isSameAs(component);
      assertThat(second).isSameAs(component);
    } finally {
      logger.removeHandler(capture);
    }
    assertThat(warnings).hasSize(1);
    LogRecord warning = warnings.get(0);
    assertThat(warning.getLevel()).isEqualTo(Level.WARNING);
    assertThat(warning.getMessage()).contains("m.hidden.Secret").contains("untraced");
    assertThat(factory.getMethod("valueOf", Object.class).invoke(null, component))
        .isEqualTo("secret value");
  }

  /** Compiles module {@code m.secret}: exports {@code m.api} only; the interface is in m.hidden. */
  private Class<?> compileAndLoadModule() throws Exception {
    Path src = work.resolve("src/m.secret");
    write(src.resolve("module-info.java"), "module m.secret { exports m.api; }");
    write(
        src.resolve("m/hidden/Secret.java"),
        "package m.hidden; public interface Secret { String value(); }");
    write(
        src.resolve("m/api/Secrets.java"),
        "package m.api;"
            + " public final class Secrets {"
            + "   public static Object component() {"
            + "     return (m.hidden.Secret) () -> \"secret value\";"
            + "   }"
            + "   public static Class<?> type() { return m.hidden.Secret.class; }"
            + "   public static String valueOf(Object o) { return ((m.hidden.Secret) o).value(); }"
            + " }");
    Path classes = work.resolve("classes/m.secret");
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    int status =
        javac.run(
            null,
            null,
            null,
            "-d",
            classes.toString(),
            src.resolve("module-info.java").toString(),
            src.resolve("m/hidden/Secret.java").toString(),
            src.resolve("m/api/Secrets.java").toString());
    assertThat(status).as("javac").isZero();

    ModuleFinder finder = ModuleFinder.of(classes);
    Configuration configuration =
        ModuleLayer.boot().configuration().resolve(finder, ModuleFinder.of(), Set.of("m.secret"));
    ModuleLayer layer =
        ModuleLayer.boot()
            .defineModulesWithOneLoader(configuration, ClassLoader.getSystemClassLoader());
    return layer.findLoader("m.secret").loadClass("m.api.Secrets");
  }

  private static void write(Path file, String text) throws Exception {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }
}
