package io.llmetry4j.core.internal;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.annotation.Nullable;

/**
 * Decides whether content is captured and shapes each captured value (redact, then truncate).
 *
 * <p>Not public API: shared by the llmetry4j modules, may change without notice.
 */
public final class ContentPolicy {

  private static final Logger logger = Logger.getLogger(ContentPolicy.class.getName());

  private final boolean capture;
  private final int maxLength;
  private final int spanBudget;
  @Nullable private final Function<String, String> redactor;
  private final AtomicBoolean redactorFailureLogged = new AtomicBoolean();

  public ContentPolicy(
      boolean capture, int maxLength, @Nullable Function<String, String> redactor) {
    this(capture, maxLength, Integer.MAX_VALUE, redactor);
  }

  /**
   * @param spanBudget characters of content one span may carry, over all its content attributes; a
   *     value is then never longer than half of it
   */
  public ContentPolicy(
      boolean capture, int maxLength, int spanBudget, @Nullable Function<String, String> redactor) {
    this.capture = capture;
    this.spanBudget = spanBudget;
    this.maxLength = Math.max(1, Math.min(maxLength, spanBudget / 2));
    this.redactor = redactor;
  }

  /** Characters of content one span may carry, over all its content attributes. */
  public int spanBudget() {
    return spanBudget;
  }

  public boolean capture() {
    return capture;
  }

  public int maxLength() {
    return maxLength;
  }

  /**
   * The value as it may be recorded, or {@code null} when capture is off, the value is null or the
   * redactor failed. Redaction runs first, so that a secret cut in half by truncation is still
   * found.
   */
  @Nullable
  public String apply(@Nullable String value) {
    return apply(value, maxLength);
  }

  /** As {@link #apply(String)}, cut at {@code limit} characters where that is below the maximum. */
  @Nullable
  public String apply(@Nullable String value, int limit) {
    String redacted = redact(value);
    return redacted == null ? null : truncate(redacted, Math.min(limit, maxLength));
  }

  /**
   * A value the conventions expect as JSON text (tool-call arguments), as it may be recorded: the
   * redacted text itself when it is JSON and fits, else a JSON string holding the text (truncated
   * as {@link #apply} does), so that what is recorded always parses. Null as for {@link #apply}.
   */
  @Nullable
  public String applyJson(@Nullable String value, int limit) {
    String redacted = redact(value);
    if (redacted == null) {
      return null;
    }
    int max = Math.min(limit, maxLength);
    if (redacted.length() <= max && JsonSyntax.isValid(redacted)) {
      return redacted;
    }
    return JsonWriter.quote(truncate(redacted, max));
  }

  /** The value through the redactor; null when capture is off or the redactor drops it. */
  @Nullable
  private String redact(@Nullable String value) {
    if (!capture || value == null) {
      return null;
    }
    String redacted = value;
    if (redactor != null) {
      try {
        redacted = redactor.apply(value);
      } catch (Throwable e) {
        // Only the class name: the message of a redactor's exception may quote the content.
        if (redactorFailureLogged.compareAndSet(false, true)) {
          logger.log(
              Level.WARNING,
              "llmetry4j: contentRedactor threw {0}; the value was dropped. Further failures are"
                  + " not logged.",
              e.getClass().getName());
        }
        return null;
      }
    }
    return redacted;
  }

  public static String truncate(String value, int maxLength) {
    if (value.length() <= maxLength) {
      return value;
    }
    int cut = maxLength;
    // Do not split a surrogate pair: half a character is not valid UTF-16 on the wire.
    if (cut > 0 && Character.isHighSurrogate(value.charAt(cut - 1))) {
      cut--;
    }
    return value.substring(0, cut) + truncationMarker(value.length());
  }

  public static String truncationMarker(int originalLength) {
    return "...[truncated, " + originalLength + " chars]";
  }

  @Override
  public String toString() {
    return "ContentPolicy{capture="
        + capture
        + ", maxLength="
        + maxLength
        + ", spanBudget="
        + spanBudget
        + ", redactor="
        + (redactor == null ? "none" : "set")
        + '}';
  }
}
