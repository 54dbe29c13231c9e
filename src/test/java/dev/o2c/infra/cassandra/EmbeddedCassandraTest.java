package dev.o2c.infra.cassandra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.o2c.infra.PortInUseException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedCassandraTest {

  @TempDir Path dir;

  private EmbeddedCassandraSettings settings(int cql, int storage, int jmx, Path classpathFile) {
    return new EmbeddedCassandraSettings(
        dir.resolve("node"), cql, storage, jmx, "1g", classpathFile, Duration.ofSeconds(5), Duration.ofSeconds(5));
  }

  private static String shippedYaml() throws Exception {
    return Files.readString(Path.of("config/cassandra/cassandra.yaml"), StandardCharsets.UTF_8);
  }

  @Test
  void the_yaml_gets_the_ports_and_directories_of_the_settings() throws Exception {
    String yaml = EmbeddedCassandra.renderYaml(shippedYaml(), settings(19042, 17000, 17199, dir));
    Path node = dir.resolve("node");
    assertTrue(yaml.contains("native_transport_port: 19042"), yaml);
    assertTrue(yaml.contains("storage_port: 17000"), yaml);
    assertTrue(yaml.contains("- seeds: \"127.0.0.1:17000\""), yaml);
    assertTrue(yaml.contains("  - " + node.resolve("data")), yaml);
    assertTrue(yaml.contains("commitlog_directory: " + node.resolve("commitlog")), yaml);
    assertTrue(yaml.contains("hints_directory: " + node.resolve("hints")), yaml);
    assertFalse(yaml.contains(": 9042") || yaml.contains(":7000") || yaml.contains(": 7000"), "no default port is left behind");
  }

  @Test
  void the_shipped_yaml_acknowledges_writes_only_after_the_commit_log_is_on_disk() throws Exception {
    String yaml = shippedYaml();
    assertTrue(yaml.contains("\ncommitlog_sync: group\n"));
    assertTrue(yaml.contains("\ncommitlog_sync_group_window: 5ms\n"));
    assertTrue(yaml.contains("\nlisten_address: 127.0.0.1\n"));
    assertTrue(yaml.contains("\nrpc_address: 127.0.0.1\n"));
  }

  @Test
  void a_template_that_lost_a_key_is_an_error_not_a_silent_default() throws Exception {
    String broken = shippedYaml().replace("native_transport_port: 9042\n", "");
    var e = assertThrows(IllegalStateException.class, () -> EmbeddedCassandra.renderYaml(broken, settings(1, 2, 3, dir)));
    assertTrue(e.getMessage().contains("native_transport_port"));
  }

  @Test
  void the_child_jvm_runs_the_watchdog_main_with_the_java17_flags() {
    var command = EmbeddedCassandra.command(settings(19042, 17000, 17199, dir), "/m2/cassandra-all-5.0.6.jar");
    assertEquals(CassandraMain.class.getName(), command.get(command.size() - 1));
    assertTrue(command.contains("java.base/sun.nio.ch=ALL-UNNAMED"));
    assertTrue(command.contains("-Dcassandra.jmx.local.port=17199"));
    assertTrue(command.contains("-Xmx1g"));
    String classpath = command.get(command.indexOf("-cp") + 1);
    assertTrue(classpath.startsWith("/m2/cassandra-all-5.0.6.jar"), "Cassandra's own jars come first");
  }

  @Test
  void a_taken_cql_port_fails_at_once_naming_port_and_setting() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 0, InetAddress.getByName("127.0.0.1"))) {
      int port = taken.getLocalPort();
      var e = assertThrows(PortInUseException.class, () -> EmbeddedCassandra.start(settings(port, 0, 0, dir.resolve("cp"))));
      assertTrue(e.getMessage().contains("Port " + port), e.getMessage());
      assertTrue(e.getMessage().contains("o2c.cassandra.embedded.cql-port (env O2C_CASSANDRA_CQL_PORT)"), e.getMessage());
    }
  }

  @Test
  void a_missing_classpath_file_says_how_to_build_it() {
    var e = assertThrows(IllegalStateException.class, () -> EmbeddedCassandra.start(settings(0, 0, 0, dir.resolve("none"))));
    assertTrue(e.getMessage().contains("mvn -B -DskipTests package"), e.getMessage());
    assertTrue(e.getMessage().contains("O2C_CASSANDRA_CONTACT_POINTS"), e.getMessage());
  }
}
