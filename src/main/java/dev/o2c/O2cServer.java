package dev.o2c;

import com.typesafe.config.Config;
import dev.o2c.http.ApiGateway;
import dev.o2c.http.HealthRoutes;
import dev.o2c.http.GuardedHttpServer;
import dev.o2c.http.HttpSettings;
import dev.o2c.http.TenantRoutes;
import dev.o2c.infra.BusinessClock;
import dev.o2c.infra.AdjustableClock;
import dev.o2c.invoice.CassandraDunningSchedule;
import dev.o2c.invoice.CassandraInvoiceStore;
import dev.o2c.account.CassandraAccountArchive;
import dev.o2c.payment.CassandraPaymentStore;
import dev.o2c.reporting.CassandraAlertStore;
import dev.o2c.reports.CassandraOrderReportStore;
import dev.o2c.reports.CassandraReportDefinitions;
import dev.o2c.reports.CassandraReportStore;
import dev.o2c.infra.cassandra.CassandraSchema;
import dev.o2c.infra.cassandra.CassandraSettings;
import dev.o2c.infra.health.CassandraRoundTrip;
import dev.o2c.infra.health.ClusterMemberUp;
import dev.o2c.infra.health.Readiness;
import dev.o2c.tenancy.ApiKeys;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.management.javadsl.PekkoManagement;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSessionRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running O2C node: the ActorSystem (a Pekko Cluster member with Cluster Sharding and Pekko
 * Persistence on Cassandra), pekko-management, and the HTTP API. Wiring only; each bounded
 * context owns its entities and routes.
 */
public final class O2cServer {

  static {
    // Also when the server is started without Main (embedded, tests): see CommonPool.
    CommonPool.ensureParallelism();
  }

  private static final Logger log = LoggerFactory.getLogger(O2cServer.class);

  /** The ActorSystem's name; part of every cluster address (pekko://o2c@host:port). */
  public static final String SYSTEM_NAME = "o2c";

  /** Config path of the Cassandra session the journal, the snapshot store and the server share. */
  public static final String CASSANDRA_SESSION = "pekko.persistence.cassandra";

  private static final Duration STARTUP_STEP_TIMEOUT = Duration.ofSeconds(90);
  /** Creating the keyspace's 40-odd tables on a fresh node of a busy 2-core machine has taken over 90 s. */
  private static final Duration SCHEMA_TIMEOUT = Duration.ofSeconds(180);

  private final ActorSystem<Void> system;
  private final GuardedHttpServer binding;

  private O2cServer(ActorSystem<Void> system, GuardedHttpServer binding) {
    this.system = system;
    this.binding = binding;
  }

  /**
   * Starts a node with the given (fully resolved) configuration and blocks the calling thread,
   * never a dispatcher thread, until the HTTP API is bound. On any failure the ActorSystem is
   * terminated and the cause rethrown.
   */
  public static O2cServer start(Config config, CassandraSettings cassandra) {
    HttpSettings http = HttpSettings.fromConfig(config);
    ApiKeys apiKeys = ApiKeys.fromConfig(config);
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), SYSTEM_NAME, config);
    try {
      CassandraSession session = CassandraSessionRegistry.get(system).sessionFor(CASSANDRA_SESSION);
      if (cassandra.shouldApplySchema()) {
        await(
            session.underlying().thenCompose(cql -> CassandraSchema.apply(cql, cassandra.keyspace(), cassandra.replication())),
            "applying the schema of keyspace " + cassandra.keyspace(), SCHEMA_TIMEOUT);
      }

      Cluster cluster = Cluster.get(system);
      if (config.getStringList("pekko.cluster.seed-nodes").isEmpty()) {
        cluster.manager().tell(Join.create(cluster.selfMember().address()));
      }

      await(PekkoManagement.get(system).start(), "starting pekko-management");

      Readiness readiness =
          new Readiness(
              List.of(
                  new ClusterMemberUp(system),
                  new CassandraRoundTrip(session, cassandra.keyspace(), cluster.selfMember().address().toString())),
              Duration.ofSeconds(3));
      BusinessClock clock = config.getBoolean("o2c.test-clock.enabled") ? new AdjustableClock() : BusinessClock.system();
      Contexts.Stores stores = new Contexts.Stores(
          new CassandraAlertStore(session, cassandra.keyspace()),
          new CassandraInvoiceStore(session, cassandra.keyspace()),
          new CassandraDunningSchedule(session, cassandra.keyspace()),
          new CassandraPaymentStore(session, cassandra.keyspace()),
          new CassandraAccountArchive(system, session, cassandra.keyspace()),
          new CassandraReportStore(session, cassandra.keyspace()),
          new CassandraOrderReportStore(session, cassandra.keyspace()),
          new CassandraReportDefinitions(session, cassandra.keyspace()));
      List<TenantRoutes> contexts = Contexts.start(system, config, http, clock, stores, config.getBoolean("o2c.projections.enabled"));
      ApiGateway gateway = new ApiGateway(http, apiKeys, new HealthRoutes(http, readiness), contexts);

      // On shutdown: unbind, let in-flight requests finish within the drain timeout, then go on
      // to leave the cluster. (GuardedHttpServer: Pekko HTTP's server with a guard in front of
      // its request parser.)
      GuardedHttpServer binding =
          await(GuardedHttpServer.bind(system, http.host(), http.port(), gateway.route()),
              "binding HTTP to " + http.host() + ":" + http.port());
      log.info("HTTP API bound to {}", binding.localAddress());
      return new O2cServer(system, binding);
    } catch (RuntimeException e) {
      system.terminate();
      try {
        system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // Already failing; the original cause is what matters.
      }
      throw e;
    }
  }

  public ActorSystem<Void> system() {
    return system;
  }

  /** The address the HTTP API is bound to. */
  public InetSocketAddress httpAddress() {
    return binding.localAddress();
  }

  /** Runs coordinated shutdown: stop accepting, drain, leave the cluster, terminate. */
  public CompletionStage<Done> stop() {
    return CoordinatedShutdown.get(system).runAll(CoordinatedShutdown.unknownReason());
  }

  private static <T> T await(CompletionStage<T> stage, String what) {
    return await(stage, what, STARTUP_STEP_TIMEOUT);
  }

  private static <T> T await(CompletionStage<T> stage, String what, Duration timeout) {
    try {
      return stage.toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("Failed " + what + ": " + e.getCause().getMessage(), e.getCause());
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("Timed out " + what + " after " + timeout, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted " + what, e);
    }
  }
}
