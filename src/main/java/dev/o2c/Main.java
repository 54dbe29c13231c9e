package dev.o2c;

import com.typesafe.config.Config;
import dev.o2c.http.HttpSettings;
import dev.o2c.infra.O2cConfig;
import dev.o2c.infra.Ports;
import dev.o2c.infra.cassandra.CassandraSettings;
import dev.o2c.infra.cassandra.EmbeddedCassandra;
import dev.o2c.infra.cassandra.NodeSupervisor;
import dev.o2c.infra.cassandra.RestartPolicy;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the O2C server: configuration, the embedded Cassandra node unless an external cluster is
 * configured, then {@link O2cServer}. SIGTERM or Ctrl-C runs coordinated shutdown (stop accepting,
 * drain, leave the cluster) and then stops the embedded node.
 *
 * <p>Arguments: {@code --apply-schema} applies config/cql to an external cluster too.
 */
public final class Main {

  static {
    // Before anything touches CompletableFuture: Pekko's Java asks answer with Scala's
    // CompletableFuture bridge, which runs every continuation (thenApply, thenCompose, ...) on the
    // default async executor. With the common pool's parallelism below 2 — the JDK's default on a
    // 2-core machine (cores - 1) — that executor is a new thread per task: profiled at 150 threads
    // a second at 50 orders/s, with multi-second p99s. See docs/performance.md.
    CommonPool.ensureParallelism();
  }

  private static final Logger log = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) {
    try {
      run(Arrays.asList(args));
    } catch (RuntimeException e) {
      log.error("The O2C server could not start: {}", e.getMessage(), e.getCause() == null ? null : e);
      System.err.println("\nThe O2C server could not start: " + e.getMessage());
      System.exit(1);
    }
  }

  private static void run(List<String> args) {
    for (String arg : args) {
      if (!arg.equals("--apply-schema")) {
        throw new IllegalArgumentException("Unknown argument '" + arg + "'. Known: --apply-schema");
      }
    }
    Config config = O2cConfig.load();
    CassandraSettings cassandra = CassandraSettings.fromConfig(config);
    if (args.contains("--apply-schema")) {
      cassandra = cassandra.withApplySchema(CassandraSettings.ApplySchema.ON);
    }
    StartGuards.check(config, cassandra);
    HttpSettings http = HttpSettings.fromConfig(config);
    Ports.requireFree(
        List.of(
            new Ports.Need(http.host(), http.port(), "HTTP API", "o2c.http.port (env O2C_HTTP_PORT)"),
            new Ports.Need(
                config.getString("pekko.management.http.hostname"),
                config.getInt("pekko.management.http.port"),
                "cluster management over HTTP",
                "pekko.management.http.port (env O2C_MANAGEMENT_PORT)"),
            new Ports.Need(
                config.getString("pekko.remote.artery.canonical.hostname"),
                config.getInt("pekko.remote.artery.canonical.port"),
                "Pekko Cluster remoting",
                "pekko.remote.artery.canonical.port (env O2C_REMOTE_PORT)")));

    AtomicReference<O2cServer> server = new AtomicReference<>();
    EmbeddedCassandra node = null;
    List<String> contactPoints = cassandra.contactPoints();
    if (cassandra.embeddedNode()) {
      node = EmbeddedCassandra.start(cassandra.embedded());
      contactPoints = List.of(node.contactPoint());
      EmbeddedCassandra started = node;
      // Runs beside Pekko's own shutdown hook (coordinated shutdown): the node stops only after
      // the ActorSystem has terminated, so the journal never loses its database mid-write.
      Runtime.getRuntime()
          .addShutdownHook(new Thread(() -> stopAfterServer(server.get(), started), "o2c-embedded-cassandra-stop"));
    }
    try {
      server.set(O2cServer.start(O2cConfig.forActorSystem(config, contactPoints), cassandra));
    } catch (RuntimeException e) {
      if (node != null) {
        node.stop();
      }
      throw e;
    }
    if (node != null) {
      // The node is started again when it dies; when that keeps failing the server exits (code 4).
      var system = server.get().system();
      new NodeSupervisor(node, RestartPolicy.fromConfig(config.getConfig("o2c.cassandra.embedded.restart")),
          () -> org.apache.pekko.actor.CoordinatedShutdown.get(system).runAll(DatabaseLost.INSTANCE)).start();
    }
    // A node that leaves the cluster, or is downed by the split brain resolver, ends its process
    // so that a supervisor (systemd, Kubernetes) can start a fresh one — with a non-zero code when
    // it did not choose to stop, so that restart-on-failure restarts it.
    server.get().system().getWhenTerminated().thenRun(() -> {
      var reason = org.apache.pekko.actor.CoordinatedShutdown.get(server.get().system()).getShutdownReason();
      int code = exitCode(reason.orElse(null));
      log.info("ActorSystem terminated ({}); the process exits with code {}", reason.map(Object::toString).orElse("no reason given"), code);
      System.exit(code);
    });
    printBanner(config, http, cassandra, contactPoints);
  }

  /** Why a server stops when its embedded Cassandra node died more often than it may be restarted. */
  static final class DatabaseLost implements org.apache.pekko.actor.CoordinatedShutdown.Reason {
    static final DatabaseLost INSTANCE = new DatabaseLost();

    @Override
    public String toString() {
      return "DatabaseLost (the embedded Cassandra node could not be kept running)";
    }
  }

  /**
   * Exit codes: 0 a chosen stop (SIGTERM, a graceful leave); 2 downed by the cluster; 3 no seed
   * node answered; 4 the embedded Cassandra node could not be kept running; 1 otherwise.
   */
  static int exitCode(org.apache.pekko.actor.CoordinatedShutdown.Reason reason) {
    if (reason instanceof DatabaseLost) {
      return 4;
    }
    if (reason instanceof org.apache.pekko.actor.CoordinatedShutdown.JvmExitReason$
        || reason instanceof org.apache.pekko.actor.CoordinatedShutdown.ClusterLeavingReason$) {
      return 0;
    }
    if (reason instanceof org.apache.pekko.actor.CoordinatedShutdown.ClusterDowningReason$) {
      return 2;
    }
    if (reason instanceof org.apache.pekko.actor.CoordinatedShutdown.ClusterJoinUnsuccessfulReason$) {
      return 3;
    }
    return 1;
  }

  private static void stopAfterServer(O2cServer server, EmbeddedCassandra node) {
    if (server != null) {
      try {
        server.system().getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
      } catch (Exception e) {
        log.warn("The ActorSystem did not terminate within 60 s; stopping Cassandra anyway");
      }
    }
    node.stop();
  }

  private static void printBanner(Config config, HttpSettings http, CassandraSettings cassandra, List<String> contactPoints) {
    String base = "http://" + http.host() + ":" + http.port();
    StringBuilder banner = new StringBuilder("\nO2C server started\n");
    banner.append("  API base URL:  ").append(base).append("   (readiness: ").append(base).append("/health/ready)\n");
    banner.append("  Profile:       ").append(O2cConfig.profile(com.typesafe.config.ConfigFactory.empty()))
        .append(config.getObject("o2c.tenants").isEmpty() ? "   (no tenant configured in o2c.tenants: every /v1 request is 401)" : "")
        .append('\n');
    if (config.hasPath("o2c.tenants.dev.api-keys")) {
      List<? extends Config> devKeys = config.getConfigList("o2c.tenants.dev.api-keys");
      for (int i = 0; i < devKeys.size(); i++) {
        Config key = devKeys.get(i);
        banner.append(i == 0 ? "  API key:       " : "                 ").append(key.hasPath("key") ? key.getString("key") : "(configured by its SHA-256)")
            .append("   (roles ").append(String.join(", ", key.getStringList("roles")))
            .append(i == 0 ? "; tenant 'dev'; send it as header X-API-Key)\n" : ")\n");
      }
    }
    banner.append("  Management:    http://").append(config.getString("pekko.management.http.hostname")).append(':')
        .append(config.getInt("pekko.management.http.port")).append("/cluster/members\n");
    if (cassandra.embeddedNode()) {
      banner.append("  Cassandra:     embedded node on ").append(contactPoints.get(0))
          .append(", data in ").append(cassandra.embedded().dataDir()).append('\n');
    } else {
      banner.append("  Cassandra:     external cluster ").append(String.join(",", contactPoints)).append('\n');
    }
    banner.append("  Keyspace:      ").append(cassandra.keyspace()).append("\nStop with Ctrl-C.\n");
    System.out.println(banner);
  }
}
