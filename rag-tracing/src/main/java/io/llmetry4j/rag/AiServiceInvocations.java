package io.llmetry4j.rag;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.invocation.InvocationContext;
import dev.langchain4j.observability.api.event.AiServiceCompletedEvent;
import dev.langchain4j.observability.api.event.AiServiceErrorEvent;
import dev.langchain4j.observability.api.event.AiServiceStartedEvent;
import dev.langchain4j.observability.api.event.InputGuardrailExecutedEvent;
import dev.langchain4j.observability.api.listener.AiServiceCompletedListener;
import dev.langchain4j.observability.api.listener.AiServiceErrorListener;
import dev.langchain4j.observability.api.listener.AiServiceListener;
import dev.langchain4j.observability.api.listener.AiServiceStartedListener;
import dev.langchain4j.observability.api.listener.InputGuardrailExecutedListener;
import io.opentelemetry.context.Context;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.annotation.Nullable;

/**
 * The OpenTelemetry context of each running call of one AI Service, taken where LangChain4j starts
 * the call (its started event fires on the caller's thread, inside the {@code invoke_agent} span of
 * {@link TracingAiService} when there is one) and dropped when the call completes or fails. It lets
 * work LangChain4j moves elsewhere find its parent: guardrail events fired from a streaming
 * callback (by the invocation id they carry), and {@code @Moderate}'s moderation, which LangChain4j
 * runs on its default executor with nothing but the messages (by the user message it moderates).
 */
final class AiServiceInvocations {

  /**
   * Calls tracked at once; beyond that the oldest is forgotten, so that a call whose end
   * LangChain4j never reports cannot grow the map (its late work then has no parent here).
   */
  static final int MAX_TRACKED = 256;

  /** One running call. */
  private static final class Running {
    final Context context;
    @Nullable final UserMessage userMessage;
    // Set on the caller's thread by an input guardrail's rewrite, read on the executor's.
    @Nullable volatile UserMessage rewritten;

    Running(Context context, @Nullable UserMessage userMessage) {
      this.context = context;
      this.userMessage = userMessage;
    }
  }

  // Insertion-ordered, so that the eldest is the one forgotten; guarded by itself.
  private final Map<UUID, Running> running =
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<UUID, Running> eldest) {
          return size() > MAX_TRACKED;
        }
      };

  /** The listeners that keep this up to date, to register on the AI Service builder. */
  List<AiServiceListener<?>> listeners() {
    List<AiServiceListener<?>> listeners = new ArrayList<>();
    listeners.add((AiServiceStartedListener) this::started);
    listeners.add((AiServiceCompletedListener) this::completed);
    listeners.add((AiServiceErrorListener) this::failed);
    listeners.add((InputGuardrailExecutedListener) this::inputGuardrailExecuted);
    return listeners;
  }

  private void started(AiServiceStartedEvent event) {
    try {
      UUID id = invocationId(event.invocationContext());
      if (id != null) {
        Running call = new Running(Context.current(), event.userMessage());
        synchronized (running) {
          running.put(id, call);
        }
      }
    } catch (Throwable e) {
      // An event LangChain4j built differently: the call is just not tracked.
    }
  }

  private void completed(AiServiceCompletedEvent event) {
    try {
      ended(event.invocationContext());
    } catch (Throwable e) {
      // Forgotten later, with the eldest.
    }
  }

  private void failed(AiServiceErrorEvent event) {
    try {
      ended(event.invocationContext());
    } catch (Throwable e) {
      // Forgotten later, with the eldest.
    }
  }

  private void ended(@Nullable InvocationContext invocation) {
    try {
      UUID id = invocationId(invocation);
      if (id != null) {
        synchronized (running) {
          running.remove(id);
        }
      }
    } catch (Throwable e) {
      // Forgotten later, with the eldest.
    }
  }

  private void inputGuardrailExecuted(InputGuardrailExecutedEvent event) {
    try {
      if (!event.result().hasRewrittenResult()) {
        return;
      }
      Running call = find(invocationId(event.invocationContext()));
      if (call != null) {
        // The message the call goes on with (and moderates) is an equal copy of this one.
        call.rewritten = event.rewrittenUserMessage();
      }
    } catch (Throwable e) {
      // No rewrite known: a rewritten call's moderation may then lack its parent.
    }
  }

  /** The context the call of {@code invocation} started in, or null when it is not tracked. */
  @Nullable
  Context contextOf(@Nullable InvocationContext invocation) {
    Running call = find(invocationId(invocation));
    return call == null ? null : call.context;
  }

  /**
   * The context of the running call whose user message is the last user message of {@code
   * messages}: the very instance first, else the one running call with an equal message (a rewrite,
   * or a chat memory that copies messages). Null when none or several calls match: a wrong parent
   * is worse than none.
   */
  @Nullable
  Context contextOfMessages(@Nullable List<?> messages) {
    UserMessage moderated = lastUserMessage(messages);
    if (moderated == null) {
      return null;
    }
    synchronized (running) {
      for (Running call : running.values()) {
        if (call.userMessage == moderated || call.rewritten == moderated) {
          return call.context;
        }
      }
      Context match = null;
      for (Running call : running.values()) {
        if (moderated.equals(call.userMessage) || moderated.equals(call.rewritten)) {
          if (match != null) {
            return null;
          }
          match = call.context;
        }
      }
      return match;
    }
  }

  /** How many calls are tracked now. */
  int trackedCount() {
    synchronized (running) {
      return running.size();
    }
  }

  @Nullable
  private Running find(@Nullable UUID id) {
    if (id == null) {
      return null;
    }
    synchronized (running) {
      return running.get(id);
    }
  }

  @Nullable
  private static UUID invocationId(@Nullable InvocationContext invocation) {
    try {
      return invocation == null ? null : invocation.invocationId();
    } catch (Throwable e) {
      return null;
    }
  }

  @Nullable
  private static UserMessage lastUserMessage(@Nullable List<?> messages) {
    if (messages == null) {
      return null;
    }
    for (int i = messages.size() - 1; i >= 0; i--) {
      Object message = messages.get(i);
      if (message instanceof UserMessage) {
        return (UserMessage) message;
      }
      if (!(message instanceof ChatMessage)) {
        return null;
      }
    }
    return null;
  }
}
