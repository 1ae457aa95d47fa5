package io.llmetry4j.core.testing;

import org.junit.jupiter.api.Assumptions;

/**
 * Where the PostgreSQL + pgvector of the tests runs: {@code LLMETRY4J_PG_HOST}, {@code _PORT},
 * {@code _DATABASE}, {@code _USER}, {@code _PASSWORD} ({@code .ci/run} starts one and sets them).
 * Without them the tests skip, except under CI ({@code CI=true}), where they fail.
 */
public record PostgresCoordinates(
    String host, int port, String database, String user, String password) {

  public static PostgresCoordinates require() {
    String host = System.getenv("LLMETRY4J_PG_HOST");
    if (host == null) {
      String message =
          "No PostgreSQL with pgvector: set LLMETRY4J_PG_HOST, LLMETRY4J_PG_PORT,"
              + " LLMETRY4J_PG_DATABASE, LLMETRY4J_PG_USER and LLMETRY4J_PG_PASSWORD"
              + " (`bash .ci/run` starts one on 127.0.0.1)";
      if ("true".equals(System.getenv("CI"))) {
        throw new IllegalStateException(message + "; under CI the database is required");
      }
      Assumptions.abort(message);
    }
    return new PostgresCoordinates(
        host,
        Integer.parseInt(System.getenv("LLMETRY4J_PG_PORT")),
        System.getenv("LLMETRY4J_PG_DATABASE"),
        System.getenv("LLMETRY4J_PG_USER"),
        System.getenv("LLMETRY4J_PG_PASSWORD"));
  }
}
