package io.llmetry4j.core.internal;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.annotation.Nullable;

/**
 * Names a component by its class, without depending on the module that defines it: the value of the
 * first rule whose key occurs in the lowercased class name.
 *
 * <p>Not public API: shared by the llmetry4j modules, may change without notice.
 */
public final class ClassNameRules {

  private final List<Map.Entry<String, String>> rules;

  /** Rules in order, each key lowercase. */
  public ClassNameRules(List<Map.Entry<String, String>> rules) {
    this.rules = List.copyOf(rules);
  }

  @Nullable
  public String match(String className) {
    String name = className.toLowerCase(Locale.ROOT);
    for (Map.Entry<String, String> rule : rules) {
      if (name.contains(rule.getKey())) {
        return rule.getValue();
      }
    }
    return null;
  }
}
