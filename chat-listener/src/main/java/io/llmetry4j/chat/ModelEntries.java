package io.llmetry4j.chat;

import io.llmetry4j.core.internal.GenAiMetricAttributes;
import io.llmetry4j.core.internal.SemconvAttributes;
import java.util.concurrent.ConcurrentHashMap;
import javax.annotation.Nullable;

/**
 * Per request model, what every call to it shares: the span name and the metric attribute sets.
 * Built on first use and kept (bounded), so a call formats no string and builds no attributes.
 */
final class ModelEntries {

  /** Past this many distinct models, entries are built per call rather than kept. */
  private static final int MAX_MODELS = 256;

  private static final String NO_MODEL = "";

  @Nullable private final String serverAddress;
  @Nullable private final Integer serverPort;
  private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

  ModelEntries(@Nullable String serverAddress, @Nullable Integer serverPort) {
    this.serverAddress = serverAddress;
    this.serverPort = serverPort;
  }

  /** The entry of {@code model} as served by {@code callProvider}. */
  Entry get(String callProvider, @Nullable String model) {
    String key = model == null ? NO_MODEL : model;
    Entry entry = entries.get(key);
    if (entry != null && entry.provider.equals(callProvider)) {
      return entry;
    }
    Entry created = new Entry(callProvider, model, serverAddress, serverPort);
    if (entries.size() < MAX_MODELS) {
      entries.put(key, created);
    }
    return created;
  }

  static final class Entry {
    final String provider;
    final String spanName;
    final GenAiMetricAttributes metricAttributes;

    Entry(
        String provider,
        @Nullable String model,
        @Nullable String serverAddress,
        @Nullable Integer serverPort) {
      this.provider = provider;
      this.spanName = model == null ? "chat" : "chat " + model;
      this.metricAttributes =
          new GenAiMetricAttributes(
              SemconvAttributes.OperationName.CHAT, provider, model, serverAddress, serverPort);
    }
  }
}
