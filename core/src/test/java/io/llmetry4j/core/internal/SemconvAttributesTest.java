package io.llmetry4j.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.AttributeType;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** Every copied key exists in the semconv 1.41.1 registry with the matching type. */
class SemconvAttributesTest {

  private static final List<String> REGISTRIES =
      List.of("gen-ai", "db", "server", "error", "mcp", "jsonrpc", "rpc", "network");

  @Test
  void every_constant_matches_the_registry_name_and_type() throws Exception {
    Map<String, String> registry = loadRegistry();
    int checked = 0;
    for (Field field : SemconvAttributes.class.getFields()) {
      if (!Modifier.isStatic(field.getModifiers()) || field.getType() != AttributeKey.class) {
        continue;
      }
      AttributeKey<?> key = (AttributeKey<?>) field.get(null);
      assertThat(registry).as("registry entry of %s", key.getKey()).containsKey(key.getKey());
      assertThat(key.getType())
          .as("type of %s", key.getKey())
          .isEqualTo(expectedType(registry.get(key.getKey())));
      checked++;
    }
    assertThat(checked).isGreaterThan(50);
  }

  @Test
  void schema_url_names_the_copied_release() {
    assertThat(SemconvAttributes.SCHEMA_URL).isEqualTo("https://opentelemetry.io/schemas/1.41.1");
  }

  /** JSON-valued ("any") attributes are recorded as JSON strings. */
  private static AttributeType expectedType(String registryType) {
    switch (registryType) {
      case "string":
      case "enum":
      case "any":
        return AttributeType.STRING;
      case "int":
        return AttributeType.LONG;
      case "double":
        return AttributeType.DOUBLE;
      case "boolean":
        return AttributeType.BOOLEAN;
      case "string[]":
        return AttributeType.STRING_ARRAY;
      default:
        throw new AssertionError("unexpected registry type " + registryType);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, String> loadRegistry() throws Exception {
    Map<String, String> types = new HashMap<>();
    for (String name : REGISTRIES) {
      try (InputStream in =
          SemconvAttributesTest.class.getResourceAsStream(
              "/semconv-1.41.1/model/" + name + "/registry.yaml")) {
        Map<String, Object> doc = new Yaml().load(in);
        for (Map<String, Object> group : (List<Map<String, Object>>) doc.get("groups")) {
          for (Map<String, Object> attribute :
              (List<Map<String, Object>>) group.getOrDefault("attributes", List.of())) {
            Object type = attribute.get("type");
            types.put((String) attribute.get("id"), type instanceof Map ? "enum" : (String) type);
          }
        }
      }
    }
    return types;
  }
}
