package dev.o2c.infra.cassandra;

import com.typesafe.config.Config;
import dev.o2c.infra.O2cConfig;
import java.util.concurrent.CountDownLatch;

/**
 * A Cassandra node on its own, outside any server: what the fault test (ops/fault-test.sh) uses as
 * an "external cluster" that it can stop and start while a server uses it. Same launcher,
 * cassandra.yaml and settings as the embedded node ({@code o2c.cassandra.embedded.*}, env
 * {@code O2C_CASSANDRA_*}); SIGTERM stops it cleanly.
 *
 * <p>{@code java -cp target/o2c-server.jar dev.o2c.infra.cassandra.StandaloneCassandra}
 */
public final class StandaloneCassandra {

  private StandaloneCassandra() {}

  public static void main(String[] args) throws InterruptedException {
    Config config = O2cConfig.load();
    EmbeddedCassandra node = EmbeddedCassandra.start(EmbeddedCassandraSettings.fromConfig(config.getConfig("o2c.cassandra.embedded")));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      node.stop();
      stopped.countDown();
    }, "o2c-standalone-cassandra-stop"));
    System.out.println("Cassandra node answers CQL on " + node.contactPoint() + " (pid " + node.pid() + "); stop with SIGTERM");
    stopped.await();
  }
}
