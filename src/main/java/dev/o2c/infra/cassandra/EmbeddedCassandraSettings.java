package dev.o2c.infra.cassandra;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Settings of the local Cassandra node the server starts when no external cluster is configured
 * ({@code o2c.cassandra.embedded} in config/persistence.conf).
 */
public record EmbeddedCassandraSettings(
    Path dataDir,
    int cqlPort,
    int storagePort,
    int jmxPort,
    String heap,
    Path classpathFile,
    Duration startTimeout,
    Duration stopTimeout) {

  public static EmbeddedCassandraSettings fromConfig(Config embedded) {
    return new EmbeddedCassandraSettings(
        Path.of(embedded.getString("data-dir")).toAbsolutePath().normalize(),
        embedded.getInt("cql-port"),
        embedded.getInt("storage-port"),
        embedded.getInt("jmx-port"),
        embedded.getString("heap"),
        Path.of(embedded.getString("classpath-file")).toAbsolutePath().normalize(),
        embedded.getDuration("start-timeout"),
        embedded.getDuration("stop-timeout"));
  }

  /** The contact point ("host:port") of this node's CQL listener. */
  public String contactPoint() {
    return "127.0.0.1:" + cqlPort;
  }
}
