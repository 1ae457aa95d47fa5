package io.llmetry4j.core.internal;

import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import javax.annotation.Nullable;

/**
 * What an {@code invoke_agent} call shares with the chat and tool spans under it, through the
 * context: its conversation id (semconv wants {@code gen_ai.conversation.id} on them "when
 * available"), and the model provider its first chat call reports, for an agent span that was not
 * told its provider.
 *
 * <p>Not public API: shared by the llmetry4j modules, may change without notice.
 */
public final class AgentContext {

  private static final ContextKey<AgentContext> KEY = ContextKey.named("llmetry4j-agent");

  private final String agentName;
  @Nullable private final String conversationId;
  @Nullable private volatile String reportedProvider;

  public AgentContext(String agentName, @Nullable String conversationId) {
    this.agentName = agentName;
    this.conversationId = conversationId;
  }

  /** {@code gen_ai.agent.name} of the agent (on tool spans under it, newest conventions). */
  public String agentName() {
    return agentName;
  }

  /** The agent call {@code context} is inside, or null. */
  @Nullable
  public static AgentContext from(Context context) {
    return context.get(KEY);
  }

  public Context storeIn(Context context) {
    return context.with(KEY, this);
  }

  @Nullable
  public String conversationId() {
    return conversationId;
  }

  /** Called by a chat call under this agent: the first provider reported is kept. */
  public void reportProvider(String provider) {
    if (reportedProvider == null) {
      reportedProvider = provider;
    }
  }

  @Nullable
  public String reportedProvider() {
    return reportedProvider;
  }
}
