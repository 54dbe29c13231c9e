package dev.o2c.infra.cassandra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class CassandraSchemaTest {

  @Test
  void every_cql_file_in_config_is_applied_in_order() throws Exception {
    try (Stream<Path> files = Files.list(Path.of("config/cql"))) {
      List<String> names = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".cql")).sorted().toList();
      assertEquals(names, CassandraSchema.FILES);
    }
  }

  @Test
  void the_keyspace_takes_the_configured_name_and_replication() {
    List<String> statements = CassandraSchema.statements("acme_ks", "{'class': 'NetworkTopologyStrategy', 'dc1': 3}");
    assertEquals(
        "CREATE KEYSPACE IF NOT EXISTS acme_ks WITH replication = {'class': 'NetworkTopologyStrategy', 'dc1': 3}",
        statements.get(0));
  }

  @Test
  void every_table_is_qualified_with_the_keyspace_and_idempotent() {
    List<String> statements = CassandraSchema.statements("acme_ks", "{'class': 'SimpleStrategy', 'replication_factor': 1}");
    for (String statement : statements.subList(1, statements.size())) {
      assertTrue(statement.startsWith("CREATE TABLE IF NOT EXISTS acme_ks."), statement);
    }
    for (String table : List.of("messages", "tag_views", "tag_write_progress", "tag_scanning", "metadata",
        "all_persistence_ids", "snapshots", "offset_store", "projection_management", "health_check", "alerts",
        "invoice_references", "customer_invoices", "customer_open_invoices", "dunning_schedule", "dunning_runs",
        "payments_awaiting_reference")) {
      assertTrue(statements.stream().anyMatch(s -> s.startsWith("CREATE TABLE IF NOT EXISTS acme_ks." + table + " ")),
          "missing table " + table);
    }
  }

  @Test
  void comments_are_skipped_and_statements_split_on_semicolons() {
    assertEquals(
        List.of("CREATE TABLE IF NOT EXISTS a (x int PRIMARY KEY)", "CREATE TABLE IF NOT EXISTS b (\n  y int PRIMARY KEY)"),
        CassandraSchema.split("-- one\nCREATE TABLE IF NOT EXISTS a (x int PRIMARY KEY);\n\n-- two\nCREATE TABLE IF NOT EXISTS b (\n  y int PRIMARY KEY);\n"));
  }

  @Test
  void anything_but_idempotent_creation_is_refused() {
    assertThrows(IllegalStateException.class, () -> CassandraSchema.qualify("DROP TABLE messages", "ks", "{}", "x.cql"));
    assertThrows(IllegalStateException.class, () -> CassandraSchema.qualify("CREATE TABLE messages (a int PRIMARY KEY)", "ks", "{}", "x.cql"));
    assertThrows(IllegalStateException.class, () -> CassandraSchema.split("CREATE TABLE IF NOT EXISTS a (x int PRIMARY KEY)"));
  }
}
