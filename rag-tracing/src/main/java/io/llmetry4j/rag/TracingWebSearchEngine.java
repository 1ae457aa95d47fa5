package io.llmetry4j.rag;

import static java.util.Objects.requireNonNull;

import dev.langchain4j.web.search.WebSearchEngine;
import dev.langchain4j.web.search.WebSearchRequest;
import dev.langchain4j.web.search.WebSearchResults;
import io.llmetry4j.core.LlmTelemetry;
import io.llmetry4j.core.internal.Forwarding;
import io.llmetry4j.core.internal.Instrumentation;
import io.llmetry4j.core.internal.Operation;
import io.llmetry4j.core.internal.SemconvAttributes;
import io.llmetry4j.core.internal.ServerAddress;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import java.util.Locale;
import javax.annotation.Nullable;

/**
 * Wraps a {@link WebSearchEngine} (Tavily, Google, SearXNG, ...) so that each search is a {@code
 * web_search {engine}} span (CLIENT) with the engine, the results asked for and the results
 * returned; under a {@code WebSearchContentRetriever} that is itself traced ({@link
 * TracingContentRetriever}), the span is a child of its {@code retrieval {data source}} span.
 *
 * <pre>{@code
 * ContentRetriever web = TracingContentRetriever.wrap(telemetry,
 *     WebSearchContentRetriever.builder()
 *         .webSearchEngine(TracingWebSearchEngine.wrap(telemetry, tavily))
 *         .maxResults(3)
 *         .build(),
 *     "web");
 * }</pre>
 *
 * <p>Semconv 1.41.1 has no web-search operation: the span's name and keys are llmetry4j's own
 * ({@code llmetry4j.web_search.*}); the search terms are content ({@code
 * gen_ai.retrieval.query.text}, with content capture on only).
 */
public final class TracingWebSearchEngine {

  /** llmetry4j's own: the engine, from its LangChain4j module ({@code tavily}, {@code google}). */
  static final AttributeKey<String> ENGINE = AttributeKey.stringKey("llmetry4j.web_search.engine");

  /** llmetry4j's own: the results asked for. */
  static final AttributeKey<Long> MAX_RESULTS =
      AttributeKey.longKey("llmetry4j.web_search.max_results");

  /** llmetry4j's own: the results the engine returned. */
  static final AttributeKey<Long> RESULT_COUNT =
      AttributeKey.longKey("llmetry4j.web_search.result_count");

  private TracingWebSearchEngine() {}

  public static WebSearchEngine wrap(LlmTelemetry telemetry, WebSearchEngine engine) {
    return builder(telemetry, engine).build();
  }

  public static Builder builder(LlmTelemetry telemetry, WebSearchEngine engine) {
    return new Builder(telemetry, engine);
  }

  /** One search: its terms and the results asked for. */
  static final class Search {
    @Nullable final String terms;
    @Nullable final Integer maxResults;

    Search(@Nullable String terms, @Nullable Integer maxResults) {
      this.terms = terms;
      this.maxResults = maxResults;
    }

    static Search of(@Nullable Object argument) {
      if (argument instanceof WebSearchRequest) {
        WebSearchRequest request = (WebSearchRequest) argument;
        return new Search(request.searchTerms(), request.maxResults());
      }
      return new Search(argument == null ? null : argument.toString(), null);
    }
  }

  private static final class Attributes implements Operation.Extractor<Search, WebSearchResults> {
    private final Instrumentation instrumentation;
    private final Builder settings;

    Attributes(Instrumentation instrumentation, Builder settings) {
      this.instrumentation = instrumentation;
      this.settings = settings;
    }

    @Override
    public void onStart(SpanBuilder span, Search search) {
      span.setAttribute(ENGINE, settings.engineName);
      if (search.maxResults != null) {
        span.setAttribute(MAX_RESULTS, (long) search.maxResults);
      }
      if (settings.serverAddress != null) {
        span.setAttribute(SemconvAttributes.SERVER_ADDRESS, settings.serverAddress);
        span.setAttribute(SemconvAttributes.SERVER_PORT, (long) settings.serverPort);
      }
    }

    @Override
    public void onRecordingStart(Span span, Search search) {
      instrumentation.recordContent(
          span, SemconvAttributes.GEN_AI_RETRIEVAL_QUERY_TEXT, search.terms);
    }

    @Override
    public void onEnd(
        Span span, Search search, @Nullable WebSearchResults results, @Nullable Throwable error) {
      if (results != null && results.results() != null) {
        span.setAttribute(RESULT_COUNT, (long) results.results().size());
      }
    }
  }

  /** Builder of a traced web search engine. */
  public static final class Builder {
    private final LlmTelemetry telemetry;
    private final WebSearchEngine engine;
    private String engineName;
    @Nullable private String serverAddress;
    private int serverPort;

    private Builder(LlmTelemetry telemetry, WebSearchEngine engine) {
      this.telemetry = requireNonNull(telemetry, "telemetry");
      this.engine = requireNonNull(engine, "engine");
      this.engineName = engineOf(engine);
    }

    /** {@code llmetry4j.web_search.engine}, e.g. {@code "tavily"}. */
    public Builder engineName(String engineName) {
      this.engineName = requireNonNull(engineName, "engineName");
      return this;
    }

    /** The server of {@code baseUrl}, the URL the engine was built with. */
    public Builder baseUrl(String baseUrl) {
      ServerAddress server = ServerAddress.of(baseUrl, "baseUrl");
      this.serverAddress = server.host();
      this.serverPort = server.port();
      return this;
    }

    public WebSearchEngine build() {
      Instrumentation instrumentation = Instrumentation.of(telemetry);
      String spanName = "web_search " + engineName;
      Operation<Search, WebSearchResults> operation =
          Operation.<Search, WebSearchResults>builder(
                  instrumentation, SpanKind.CLIENT, search -> spanName)
              .addExtractor(new Attributes(instrumentation, this))
              .build();
      // Both search methods: a delegate's own search(String) may not go through search(request).
      return Forwarding.wrap(
          WebSearchEngine.class,
          engine,
          method ->
              method.getName().equals("search") && method.getParameterCount() == 1
                  ? (delegate, self, invocation, args) ->
                      operation.call(
                          Search.of(args[0]),
                          () -> (WebSearchResults) invocation.invoke(delegate, args))
                  : null);
    }

    /** The engine of a LangChain4j web search engine, from its package. */
    private static String engineOf(WebSearchEngine engine) {
      String name = engine.getClass().getName();
      String prefix = "dev.langchain4j.web.search.";
      if (name.startsWith(prefix)) {
        String rest = name.substring(prefix.length());
        int dot = rest.indexOf('.');
        if (dot > 0) {
          return rest.substring(0, dot).toLowerCase(Locale.ROOT);
        }
      }
      return engine.getClass().getSimpleName();
    }
  }
}
