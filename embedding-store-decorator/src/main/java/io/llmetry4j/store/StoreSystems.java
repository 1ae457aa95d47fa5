package io.llmetry4j.store;

import io.llmetry4j.core.internal.ClassNameRules;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code db.system.name} of an embedding store, inferred from its class name so that no store
 * module is a dependency. The in-memory store gets {@value #IN_MEMORY} (a custom value: it is no
 * database) and spans of kind INTERNAL.
 */
final class StoreSystems {

  static final String IN_MEMORY = "langchain4j.in_memory";

  // Checked in order against the lowercased simple class name.
  private static final ClassNameRules BY_NAME =
      new ClassNameRules(
          List.of(
              Map.entry("inmemory", IN_MEMORY),
              Map.entry("milvus", "milvus"),
              Map.entry("pgvector", "postgresql"),
              Map.entry("qdrant", "qdrant"),
              Map.entry("chroma", "chroma"),
              Map.entry("opensearch", "opensearch"),
              Map.entry("elasticsearch", "elasticsearch"),
              Map.entry("redis", "redis"),
              Map.entry("neo4j", "neo4j"),
              Map.entry("mongodb", "mongodb"),
              Map.entry("pinecone", "pinecone"),
              Map.entry("weaviate", "weaviate"),
              Map.entry("cassandra", "cassandra"),
              Map.entry("astradb", "cassandra")));

  private StoreSystems() {}

  static String systemName(Class<?> storeClass) {
    String known = BY_NAME.match(storeClass.getSimpleName());
    if (known != null) {
      return known;
    }
    String name = storeClass.getSimpleName().toLowerCase(Locale.ROOT).replace("embeddingstore", "");
    return name.isEmpty() ? "other" : name;
  }

  static boolean isInProcess(String systemName) {
    return IN_MEMORY.equals(systemName);
  }
}
