package dev.o2c.support;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.o2c.infra.O2cConfig;
import dev.o2c.infra.Ports;
import dev.o2c.infra.cassandra.CassandraSettings;
import dev.o2c.infra.cassandra.EmbeddedCassandra;
import dev.o2c.infra.cassandra.EmbeddedCassandraSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The real Cassandra node of the integration tests: started once per test JVM on free ports,
 * from the same launcher and cassandra.yaml the server uses, with a fresh data directory; stopped
 * when the JVM ends. Set O2C_TEST_CASSANDRA_CONTACT_POINTS to run the tests against an external
 * node instead. Each test class takes a keyspace of its own.
 */
public final class TestCassandra {

  private static String contactPoint;

  private TestCassandra() {}

  /** The "host:port" of the test node, starting it on first use. */
  public static synchronized String contactPoint() {
    if (contactPoint == null) {
      String external = System.getenv("O2C_TEST_CASSANDRA_CONTACT_POINTS");
      contactPoint = external != null && !external.isBlank() ? external : startNode();
    }
    return contactPoint;
  }

  /**
   * The server's configuration for one test class: its own keyspace (created by the server from
   * the shipped DDL), the test node, ports chosen by the system, and any further overrides.
   */
  public static Config serverConfig(String keyspace, Map<String, Object> overrides) {
    Config base =
        ConfigFactory.parseMap(overrides)
            .withFallback(
                ConfigFactory.parseMap(
                    Map.of(
                        "o2c.cassandra.keyspace", keyspace,
                        "o2c.cassandra.contact-points", contactPoint(),
                        "o2c.cassandra.apply-schema", "on",
                        "o2c.http.port", 0,
                        "pekko.management.http.port", 0,
                        "pekko.remote.artery.canonical.port", 0)));
    Config loaded = O2cConfig.load(base);
    return O2cConfig.forActorSystem(loaded, CassandraSettings.fromConfig(loaded).contactPoints());
  }

  public static Config serverConfig(String keyspace) {
    return serverConfig(keyspace, Map.of());
  }

  /** Applies the shipped DDL for {@code keyspace} through the system's journal session, and waits. */
  public static void applySchema(org.apache.pekko.actor.typed.ActorSystem<?> system, String keyspace) {
    org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSessionRegistry.get(system)
        .sessionFor(dev.o2c.O2cServer.CASSANDRA_SESSION)
        .underlying()
        .thenCompose(session -> dev.o2c.infra.cassandra.CassandraSchema.apply(
            session, keyspace, "{'class': 'SimpleStrategy', 'replication_factor': 1}"))
        .toCompletableFuture()
        .orTimeout(120, java.util.concurrent.TimeUnit.SECONDS)
        .join();
  }

  private static String startNode() {
    Path dir = Path.of(System.getProperty("o2c.test.cassandra.dir", "target/it-cassandra")).toAbsolutePath();
    deleteRecursively(dir);
    EmbeddedCassandraSettings settings =
        new EmbeddedCassandraSettings(
            dir,
            Ports.freePort(),
            Ports.freePort(),
            Ports.freePort(),
            "1g",
            Path.of(System.getProperty("o2c.test.cassandra.classpath-file", "target/cassandra.classpath")).toAbsolutePath(),
            Duration.ofSeconds(180),
            Duration.ofSeconds(60));
    EmbeddedCassandra node = EmbeddedCassandra.start(settings);
    Runtime.getRuntime().addShutdownHook(new Thread(node::stop, "test-cassandra-stop"));
    return node.contactPoint();
  }

  /** Removes a directory tree (test data only). */
  public static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The contact points as the driver's config list. */
  public static List<String> contactPoints() {
    return CassandraSettings.parseContactPoints(contactPoint());
  }
}
