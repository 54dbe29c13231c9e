package dev.o2c.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import dev.o2c.O2cServer;
import dev.o2c.support.TestCassandra;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSessionRegistry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Events go through the real Cassandra journal: an entity persists, the whole ActorSystem stops,
 * and a new ActorSystem recovers exactly the same state from the journal and its snapshot.
 */
class JournalRecoveryIT {

  private static final String KEYSPACE = "journal_recovery_it";
  private static Config config;

  @BeforeAll
  static void schema() {
    config = TestCassandra.serverConfig(KEYSPACE);
    ActorTestKit kit = ActorTestKit.create("schema", config);
    try {
      TestCassandra.applySchema(kit.system(), KEYSPACE);
      // Applying it again changes nothing and does not fail: every statement is IF NOT EXISTS.
      TestCassandra.applySchema(kit.system(), KEYSPACE);
    } finally {
      kit.shutdownTestKit();
    }
  }

  private static Tally.State add(ActorTestKit kit, ActorRef<Tally.Command> tally, String amount) {
    TestProbe<StatusReply<Tally.State>> probe = kit.createTestProbe();
    tally.tell(new Tally.Add(new BigDecimal(amount), probe.getRef()));
    StatusReply<Tally.State> reply = probe.receiveMessage(Duration.ofSeconds(15));
    assertTrue(reply.isSuccess(), () -> "add failed: " + reply);
    return reply.getValue();
  }

  private static Tally.State get(ActorTestKit kit, ActorRef<Tally.Command> tally) {
    TestProbe<Tally.State> probe = kit.createTestProbe();
    tally.tell(new Tally.Get(probe.getRef()));
    return probe.receiveMessage(Duration.ofSeconds(15));
  }

  @Test
  void a_new_actor_system_recovers_the_state_from_the_cassandra_journal() {
    ActorTestKit first = ActorTestKit.create("first", config);
    Tally.State before;
    try {
      ActorRef<Tally.Command> tally = first.spawn(Tally.create("recovered"));
      for (String amount : List.of("10.00", "0.10", "0.20", "1.05", "99.99", "3.00", "7.50")) {
        before = add(first, tally, amount);
      }
      before = get(first, tally);
      assertEquals(0, new BigDecimal("121.84").compareTo(before.total()));
      assertEquals(7, before.count());
    } finally {
      first.shutdownTestKit();
    }

    ActorTestKit second = ActorTestKit.create("second", config);
    try {
      Tally.State after = get(second, second.spawn(Tally.create("recovered")));
      assertEquals(before, after);
      // The journal is the real one: seven rows for this entity in the messages table.
      long rows =
          CassandraSessionRegistry.get(second.system())
              .sessionFor(O2cServer.CASSANDRA_SESSION)
              .selectAll(
                  "SELECT sequence_nr FROM " + KEYSPACE + ".messages WHERE persistence_id = ? AND partition_nr = 0",
                  "Tally|recovered")
              .toCompletableFuture()
              .join()
              .size();
      assertEquals(7, rows);
      long snapshots =
          CassandraSessionRegistry.get(second.system())
              .sessionFor(O2cServer.CASSANDRA_SESSION)
              .selectAll("SELECT sequence_nr FROM " + KEYSPACE + ".snapshots WHERE persistence_id = ?", "Tally|recovered")
              .toCompletableFuture()
              .join()
              .size();
      assertEquals(1, snapshots, "a snapshot was taken after the fifth event");
    } finally {
      second.shutdownTestKit();
    }
  }

  @Test
  void a_stopped_entity_recovers_in_the_same_system_and_a_rejected_command_stores_nothing() {
    ActorTestKit kit = ActorTestKit.create("restart", config);
    try {
      ActorRef<Tally.Command> tally = kit.spawn(Tally.create("stopped"));
      add(kit, tally, "5.00");
      TestProbe<StatusReply<Tally.State>> rejected = kit.createTestProbe();
      tally.tell(new Tally.Add(new BigDecimal("-1.00"), rejected.getRef()));
      assertTrue(rejected.receiveMessage(Duration.ofSeconds(15)).isError());
      kit.stop(tally, Duration.ofSeconds(10));

      Tally.State recovered = get(kit, kit.spawn(Tally.create("stopped")));
      assertEquals(new Tally.State(new BigDecimal("5.00"), 1), recovered);
    } finally {
      kit.shutdownTestKit();
    }
  }
}
