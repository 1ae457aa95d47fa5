package io.llmetry4j.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.AttributeType;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.yaml.snakeyaml.Yaml;

/**
 * Holds a span against a span definition of the semconv 1.41.1 model ({@code spans.yaml}, with the
 * attribute groups it extends, in this jar's test resources): its kind, every Required attribute
 * present, {@code server.port} whenever {@code server.address} is set, and every attribute in a
 * namespace semconv owns ({@code gen_ai.*}, {@code server.*}, {@code error.*}, {@code db.*}) a
 * registered key of the registered type. OpenLLMetry's keys ({@code gen_ai.system}, {@code
 * gen_ai.prompt.*}, ...) are allowed only where the caller says compat mode is on.
 */
public final class SemconvSpans {

  private static final List<String> MODELS =
      List.of("gen-ai", "db", "server", "error", "mcp", "jsonrpc", "rpc", "network");
  private static final List<String> OWNED =
      List.of("gen_ai.", "server.", "error.", "db.", "mcp.", "jsonrpc.", "rpc.", "network.");

  /** OpenLLMetry's keys inside semconv's namespaces (compat mode only). */
  private static final List<String> OPENLLMETRY_IN_OWNED =
      List.of(
          "gen_ai.system",
          "gen_ai.prompt.",
          "gen_ai.completion.",
          "gen_ai.usage.prompt_tokens",
          "gen_ai.usage.completion_tokens",
          "gen_ai.openai.",
          "db.vector.query.top_k",
          "db.operation",
          "db.query.result.");

  private static final Map<String, Map<String, Object>> groups = new HashMap<>();
  private static final Map<String, String> registryTypes = new HashMap<>();

  static {
    for (String model : MODELS) {
      for (String file : List.of("registry.yaml", "spans.yaml", "common.yaml")) {
        load(model, file);
      }
    }
  }

  private SemconvSpans() {}

  /**
   * {@code span} conforms to the span definition {@code spanId}, e.g. {@code
   * span.gen_ai.inference.client}.
   */
  public static void assertConforms(SpanData span, String spanId) {
    assertConforms(span, spanId, false);
  }

  public static void assertConforms(SpanData span, String spanId, boolean openLlmetryCompat) {
    assertConforms(span, spanId, openLlmetryCompat, true);
  }

  /**
   * As {@link #assertConforms(SpanData, String)} but for the kind: for the spans of in-process
   * components (LangChain4j's ONNX embedding models, its in-memory store), which llmetry4j makes
   * INTERNAL where the definition says CLIENT, since no remote service is called.
   */
  public static void assertAttributesConform(SpanData span, String spanId) {
    assertConforms(span, spanId, false, false);
  }

  /**
   * Every key of {@code span} in a namespace semconv owns is a registered key of the matching type:
   * for llmetry4j's spans of operations semconv 1.41.1 does not define (augmentation stages,
   * re-ranking, web search, ingestion), whose own keys go under {@code llmetry4j.*}.
   */
  public static void assertRegisteredKeys(SpanData span) {
    assertOwnedKeysRegistered(span, false);
  }

  private static void assertOwnedKeysRegistered(SpanData span, boolean openLlmetryCompat) {
    span.getAttributes()
        .forEach(
            (key, value) -> {
              String name = key.getKey();
              if (OWNED.stream().noneMatch(name::startsWith)) {
                return;
              }
              if (openLlmetryCompat && OPENLLMETRY_IN_OWNED.stream().anyMatch(name::startsWith)) {
                return;
              }
              assertThat(registryTypes)
                  .as("%s on %s is a registered semconv key", name, span.getName())
                  .containsKey(name);
              assertThat(key.getType())
                  .as("type of %s", name)
                  .isEqualTo(expectedType(registryTypes.get(name)));
            });
  }

  private static void assertConforms(
      SpanData span, String spanId, boolean openLlmetryCompat, boolean checkKind) {
    Map<String, Object> definition = groups.get(spanId);
    assertThat(definition).as("span definition %s", spanId).isNotNull();
    Object kind = definition.get("span_kind");
    if (kind != null && checkKind) {
      assertThat(span.getKind().name().toLowerCase(Locale.ROOT))
          .as("kind of %s", span.getName())
          .isEqualTo(kind);
    }
    for (Map<String, Object> attribute : attributes(spanId)) {
      String key = (String) attribute.get("ref");
      if ("required".equals(attribute.get("requirement_level"))) {
        assertThat(span.getAttributes().asMap().keySet().stream().map(AttributeKey::getKey))
            .as("Required %s on %s", key, span.getName())
            .contains(key);
      }
    }
    Map<String, Object> values = new HashMap<>();
    span.getAttributes().forEach((k, v) -> values.put(k.getKey(), v));
    if (values.containsKey("server.address")) {
      assertThat(values).as("server.port with server.address").containsKey("server.port");
    }
    assertOwnedKeysRegistered(span, openLlmetryCompat);
  }

  /** The attributes of a group and of every group it extends, nearest definition first. */
  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> attributes(String groupId) {
    List<Map<String, Object>> result = new ArrayList<>();
    List<String> seen = new ArrayList<>();
    String id = groupId;
    while (id != null) {
      Map<String, Object> group = groups.get(id);
      assertThat(group).as("group %s", id).isNotNull();
      for (Map<String, Object> attribute :
          (List<Map<String, Object>>) group.getOrDefault("attributes", List.of())) {
        String ref = (String) attribute.get("ref");
        if (ref != null && !seen.contains(ref)) {
          seen.add(ref);
          result.add(attribute);
        }
      }
      id = (String) group.get("extends");
    }
    return result;
  }

  private static AttributeType expectedType(String registryType) {
    switch (registryType) {
      case "int":
        return AttributeType.LONG;
      case "double":
        return AttributeType.DOUBLE;
      case "boolean":
        return AttributeType.BOOLEAN;
      case "string[]":
        return AttributeType.STRING_ARRAY;
      default:
        return AttributeType.STRING; // string, enum, any (JSON text)
    }
  }

  @SuppressWarnings("unchecked")
  private static void load(String model, String file) {
    try (InputStream in =
        SemconvSpans.class.getResourceAsStream("/semconv-1.41.1/model/" + model + "/" + file)) {
      if (in == null) {
        return;
      }
      Map<String, Object> doc = new Yaml().load(in);
      for (Map<String, Object> group : (List<Map<String, Object>>) doc.get("groups")) {
        groups.put((String) group.get("id"), group);
        if (file.equals("registry.yaml")) {
          for (Map<String, Object> attribute :
              (List<Map<String, Object>>) group.getOrDefault("attributes", List.of())) {
            Object type = attribute.get("type");
            registryTypes.put(
                (String) attribute.get("id"), type instanceof Map ? "enum" : (String) type);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
