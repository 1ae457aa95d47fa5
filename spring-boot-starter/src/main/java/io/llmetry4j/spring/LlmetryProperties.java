package io.llmetry4j.spring;

import javax.annotation.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code llmetry4j.*} properties. OpenTelemetry's own settings stay under {@code otel.*} with
 * their OpenTelemetry meanings ({@code otel.exporter.otlp.endpoint}, {@code
 * otel.resource.attributes}, ...); they are used only when llmetry4j starts the OpenTelemetry SDK
 * itself (no {@code OpenTelemetry} bean, no agent).
 */
@ConfigurationProperties(prefix = "llmetry4j")
public class LlmetryProperties {

  /** Whether llmetry4j traces anything: false means no spans, no SDK, no wrapper. */
  private boolean enabled = true;

  /**
   * Whether prompts, answers, documents, queries and tool arguments are recorded on spans. Off by
   * default: content may be personal or secret.
   */
  private boolean captureContent = false;

  /** The longest content value recorded, in characters; longer values are cut with a marker. */
  @Nullable private Integer maxContentLength;

  /** Also record the attributes OpenLLMetry (traceloop-sdk) emits, for views built on them. */
  private boolean openllmetryCompat = false;

  /**
   * A file of the token prices you pay (see TokenPrices for its form): priced calls then carry
   * llmetry4j.usage.cost, agents and workflows the sum. None by default: no cost.
   */
  @Nullable private String tokenPrices;

  /** Which LangChain4j components are traced. */
  private final Components components = new Components();

  /** Tencent Cloud APM, used when llmetry4j starts the OpenTelemetry SDK itself. */
  private final TencentApm tencentApm = new TencentApm();

  /** The local trace viewer: a page on this machine showing the application's recent traces. */
  private final Viewer viewer = new Viewer();

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public boolean isCaptureContent() {
    return captureContent;
  }

  public void setCaptureContent(boolean captureContent) {
    this.captureContent = captureContent;
  }

  @Nullable
  public Integer getMaxContentLength() {
    return maxContentLength;
  }

  public void setMaxContentLength(@Nullable Integer maxContentLength) {
    this.maxContentLength = maxContentLength;
  }

  @Nullable
  public String getTokenPrices() {
    return tokenPrices;
  }

  public void setTokenPrices(@Nullable String tokenPrices) {
    this.tokenPrices = tokenPrices;
  }

  public boolean isOpenllmetryCompat() {
    return openllmetryCompat;
  }

  public void setOpenllmetryCompat(boolean openllmetryCompat) {
    this.openllmetryCompat = openllmetryCompat;
  }

  public Components getComponents() {
    return components;
  }

  public TencentApm getTencentApm() {
    return tencentApm;
  }

  public Viewer getViewer() {
    return viewer;
  }

  /** One switch per traced component; all on by default. */
  public static class Components {
    /** The chat listener that LangChain4j's starters pass to the chat models they create. */
    private boolean chatListener = true;

    /** Wrap the application's EmbeddingModel beans. */
    private boolean embeddingModel = true;

    /** Wrap the application's EmbeddingStore beans. */
    private boolean embeddingStore = true;

    /** Wrap the application's ContentRetriever beans. */
    private boolean contentRetriever = true;

    /**
     * Wrap the application's ChatModel beans, so that the model's HTTP call is a child of its chat
     * span.
     */
    private boolean chatModel = true;

    /**
     * Wrap the application's StreamingChatModel beans (the model's HTTP call under the chat span,
     * streaming data, chunk timing).
     */
    private boolean streamingChatModel = true;

    /** Trace the application's AI Services (interfaces annotated with @AiService). */
    private boolean aiService = true;

    /** Trace the tools of those AI Services (one execute_tool span per execution). */
    private boolean tools = true;

    /**
     * Trace LangChain4j agentic systems (langchain4j-agentic): an AgenticTracing bean to build
     * supervisors and agents with, and every sequence, parallel, loop and conditional workflow the
     * application builds traced with its sub-agents.
     */
    private boolean agentic = true;

    /**
     * Wrap the application's McpTransport beans (langchain4j-mcp): one CLIENT span per MCP request,
     * with the trace context sent to the server.
     */
    private boolean mcp = true;

    /**
     * Record the input and output guardrails of @AiService AI Services as gen_ai.guardrail.result
     * events on the span they guard.
     */
    private boolean guardrails = true;

    /** Wrap the application's ModerationModel beans (one apply_guardrail span per moderation). */
    private boolean moderation = true;

    /**
     * Wrap the application's ScoringModel beans (re-rankers: one rerank span per scoreAll, the call
     * of LangChain4j's re-ranking aggregator, with the provider, the documents scored and their
     * scores).
     */
    private boolean scoringModel = true;

    /**
     * Wrap the application's RetrievalAugmentor beans (one retrieval_augmentation span per
     * augmentation, the retrievals and model calls of the caller's thread under it).
     */
    private boolean retrievalAugmentor = true;

    /**
     * Wrap the application's WebSearchEngine beans (one web_search span per search, with the engine
     * and the result count).
     */
    private boolean webSearchEngine = true;

    public boolean isScoringModel() {
      return scoringModel;
    }

    public void setScoringModel(boolean scoringModel) {
      this.scoringModel = scoringModel;
    }

    public boolean isRetrievalAugmentor() {
      return retrievalAugmentor;
    }

    public void setRetrievalAugmentor(boolean retrievalAugmentor) {
      this.retrievalAugmentor = retrievalAugmentor;
    }

    public boolean isWebSearchEngine() {
      return webSearchEngine;
    }

    public void setWebSearchEngine(boolean webSearchEngine) {
      this.webSearchEngine = webSearchEngine;
    }

    public boolean isAgentic() {
      return agentic;
    }

    public void setAgentic(boolean agentic) {
      this.agentic = agentic;
    }

    public boolean isMcp() {
      return mcp;
    }

    public void setMcp(boolean mcp) {
      this.mcp = mcp;
    }

    public boolean isGuardrails() {
      return guardrails;
    }

    public void setGuardrails(boolean guardrails) {
      this.guardrails = guardrails;
    }

    public boolean isModeration() {
      return moderation;
    }

    public void setModeration(boolean moderation) {
      this.moderation = moderation;
    }

    public boolean isTools() {
      return tools;
    }

    public void setTools(boolean tools) {
      this.tools = tools;
    }

    public boolean isChatListener() {
      return chatListener;
    }

    public void setChatListener(boolean chatListener) {
      this.chatListener = chatListener;
    }

    public boolean isEmbeddingModel() {
      return embeddingModel;
    }

    public void setEmbeddingModel(boolean embeddingModel) {
      this.embeddingModel = embeddingModel;
    }

    public boolean isEmbeddingStore() {
      return embeddingStore;
    }

    public void setEmbeddingStore(boolean embeddingStore) {
      this.embeddingStore = embeddingStore;
    }

    public boolean isContentRetriever() {
      return contentRetriever;
    }

    public void setContentRetriever(boolean contentRetriever) {
      this.contentRetriever = contentRetriever;
    }

    public boolean isChatModel() {
      return chatModel;
    }

    public void setChatModel(boolean chatModel) {
      this.chatModel = chatModel;
    }

    public boolean isStreamingChatModel() {
      return streamingChatModel;
    }

    public void setStreamingChatModel(boolean streamingChatModel) {
      this.streamingChatModel = streamingChatModel;
    }

    public boolean isAiService() {
      return aiService;
    }

    public void setAiService(boolean aiService) {
      this.aiService = aiService;
    }
  }

  /** The Tencent Cloud APM preset: endpoint, token and host name of the APM access guide. */
  public static class TencentApm {
    /** The reporting endpoint (gRPC, port 4317) from the APM console. */
    @Nullable private String endpoint;

    /** The token of the business system; never logged. */
    @Nullable private String token;

    /** host.name shown in the APM's views; the machine's name by default. */
    @Nullable private String hostName;

    @Nullable
    public String getEndpoint() {
      return endpoint;
    }

    public void setEndpoint(@Nullable String endpoint) {
      this.endpoint = endpoint;
    }

    @Nullable
    public String getToken() {
      return token;
    }

    public void setToken(@Nullable String token) {
      this.token = token;
    }

    @Nullable
    public String getHostName() {
      return hostName;
    }

    public void setHostName(@Nullable String hostName) {
      this.hostName = hostName;
    }

    @Override
    public String toString() {
      // Spring prints bound properties on failures: the token never.
      return "TencentApm{endpoint="
          + endpoint
          + ", token="
          + (token == null ? "unset" : "set")
          + ", hostName="
          + hostName
          + '}';
    }
  }

  /**
   * The local trace viewer. The numbers are bound as text and read by llmetry4j, so that a wrong
   * value fails naming the property without repeating the value.
   */
  public static class Viewer {
    /**
     * Whether to keep the application's finished spans in memory and serve the local trace viewer's
     * page, whose address is logged at startup. For development: with capture-content on, the page
     * shows prompts and answers.
     */
    private boolean enabled = false;

    /** The viewer's port; 0 picks a free one. */
    private String port = "0";

    /** The address the viewer binds; an address other than loopback needs an access token. */
    private String host = "127.0.0.1";

    /**
     * A token of at least 16 characters that every request to the viewer must carry (open the page
     * with ?token=<token> appended); required when the host is not loopback. Never logged.
     */
    @Nullable private String accessToken;

    /** The most traces kept; beyond it the oldest are dropped. */
    private String maxTraces = "1000";

    /**
     * The most memory the kept spans may take (e.g. 64MB); beyond it the oldest traces are dropped.
     */
    private String maxBytes = "64MB";

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public String getPort() {
      return port;
    }

    public void setPort(String port) {
      this.port = port;
    }

    public String getHost() {
      return host;
    }

    public void setHost(String host) {
      this.host = host;
    }

    @Nullable
    public String getAccessToken() {
      return accessToken;
    }

    public void setAccessToken(@Nullable String accessToken) {
      this.accessToken = accessToken;
    }

    public String getMaxTraces() {
      return maxTraces;
    }

    public void setMaxTraces(String maxTraces) {
      this.maxTraces = maxTraces;
    }

    public String getMaxBytes() {
      return maxBytes;
    }

    public void setMaxBytes(String maxBytes) {
      this.maxBytes = maxBytes;
    }

    @Override
    public String toString() {
      // Spring prints bound properties on failures: the token never, nor values that may hold one.
      return "Viewer{enabled="
          + enabled
          + ", accessToken="
          + (accessToken == null ? "unset" : "set")
          + '}';
    }
  }
}
