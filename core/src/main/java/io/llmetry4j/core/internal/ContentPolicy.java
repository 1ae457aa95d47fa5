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
  @Nullable private final Function<String, String> redactor;
  private final AtomicBoolean redactorFailureLogged = new AtomicBoolean();

  public ContentPolicy(
      boolean capture, int maxLength, @Nullable Function<String, String> redactor) {
    this.capture = capture;
    this.maxLength = maxLength;
    this.redactor = redactor;
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
    if (!capture || value == null) {
      return null;
    }
    String redacted = value;
    if (redactor != null) {
      try {
        redacted = redactor.apply(value);
      } catch (RuntimeException e) {
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
      if (redacted == null) {
        return null;
      }
    }
    return truncate(redacted, maxLength);
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
        + ", redactor="
        + (redactor == null ? "none" : "set")
        + '}';
  }
}
