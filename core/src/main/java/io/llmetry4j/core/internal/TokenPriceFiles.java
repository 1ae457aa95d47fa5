package io.llmetry4j.core.internal;

import io.llmetry4j.core.TokenPrices;
import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import javax.annotation.Nullable;

/**
 * The token prices of a file a setting names (the bootstrap's environment variable, the starter's
 * property), read at start-up: one that cannot be read or parsed fails naming the setting, the file
 * and the line (a path is no secret; a price is not content).
 *
 * <p>Not public API: shared by the llmetry4j modules, may change without notice.
 */
public final class TokenPriceFiles {

  private TokenPriceFiles() {}

  /** The prices of {@code file}, or null when it is unset or blank. */
  @Nullable
  public static TokenPrices load(String setting, @Nullable String file) {
    if (file == null || file.isBlank()) {
      return null;
    }
    String path = file.strip();
    try {
      return TokenPrices.load(Path.of(path));
    } catch (IOException | InvalidPathException e) {
      throw new IllegalArgumentException(setting + ": " + path + " cannot be read", e);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(setting + ": " + e.getMessage(), e);
    }
  }
}
