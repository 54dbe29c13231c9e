package dev.o2c.infra.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import com.datastax.oss.driver.api.core.cql.SimpleStatement;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shipped DDL (config/cql, packaged as /cql on the classpath), applied in file order.
 *
 * <p>The files are written without a keyspace so that an operator can run them with
 * {@code cqlsh -k <keyspace>}; here every table is qualified with the configured keyspace, and the
 * keyspace statement takes the configured name and replication. Every statement is
 * {@code IF NOT EXISTS}: applying the schema again changes nothing.
 */
public final class CassandraSchema {

  private static final Logger log = LoggerFactory.getLogger(CassandraSchema.class);

  /** The DDL files in the order they are applied; a unit test keeps this list and config/cql in step. */
  public static final List<String> FILES =
      List.of(
          "000-keyspace.cql", "001-journal.cql", "002-snapshots.cql", "003-projections.cql", "010-o2c.cql",
          "020-read-models.cql", "030-invoicing.cql", "040-payments.cql", "050-archive.cql", "060-reports.cql");

  /** Driver execution profile with a timeout long enough for schema agreement (persistence.conf). */
  public static final String DDL_PROFILE = "o2c-ddl";

  private static final Pattern CREATE_KEYSPACE =
      Pattern.compile("(?is)^CREATE KEYSPACE IF NOT EXISTS \\w+\\s+WITH\\s+replication\\s*=\\s*\\{[^}]*}$");
  private static final Pattern CREATE_OBJECT =
      Pattern.compile("(?is)^(CREATE (?:TABLE|TYPE|INDEX) IF NOT EXISTS )(\\w+)(.*)$");

  private CassandraSchema() {}

  /** Every statement of the shipped DDL for this keyspace and replication, in order. */
  public static List<String> statements(String keyspace, String replication) {
    List<String> result = new ArrayList<>();
    for (String file : FILES) {
      for (String statement : split(resource("/cql/" + file))) {
        result.add(qualify(statement, keyspace, replication, file));
      }
    }
    return result;
  }

  /** Applies the DDL, one statement after another, without blocking the calling thread. */
  public static CompletionStage<Void> apply(CqlSession session, String keyspace, String replication) {
    List<String> statements = statements(keyspace, replication);
    CompletionStage<Void> chain = CompletableFuture.completedFuture(null);
    for (String statement : statements) {
      chain =
          chain.thenCompose(
              ignored ->
                  session
                      .executeAsync(SimpleStatement.newInstance(statement).setExecutionProfileName(DDL_PROFILE))
                      .thenAccept(rs -> {}));
    }
    return chain.thenRun(() -> log.info("Schema of keyspace {} applied ({} statements)", keyspace, statements.size()));
  }

  static String qualify(String statement, String keyspace, String replication, String file) {
    if (CREATE_KEYSPACE.matcher(statement).matches()) {
      return "CREATE KEYSPACE IF NOT EXISTS " + keyspace + " WITH replication = " + replication;
    }
    Matcher matcher = CREATE_OBJECT.matcher(statement);
    if (matcher.matches()) {
      return matcher.group(1) + keyspace + "." + matcher.group(2) + matcher.group(3);
    }
    throw new IllegalStateException(
        file + " may only hold CREATE KEYSPACE/TABLE/TYPE/INDEX IF NOT EXISTS statements, found: " + statement);
  }

  /** Statements end with ';' at the end of a line; '--' starts a comment line. */
  static List<String> split(String cql) {
    List<String> statements = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : cql.split("\n")) {
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("--")) {
        continue;
      }
      current.append(current.length() == 0 ? "" : "\n").append(line.stripTrailing());
      if (trimmed.endsWith(";")) {
        String statement = current.toString().strip();
        statements.add(statement.substring(0, statement.length() - 1).strip());
        current.setLength(0);
      }
    }
    if (!current.toString().isBlank()) {
      throw new IllegalStateException("CQL ends without ';': " + current);
    }
    return statements;
  }

  private static String resource(String name) {
    try (InputStream in = CassandraSchema.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("DDL resource " + name + " is missing from the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
