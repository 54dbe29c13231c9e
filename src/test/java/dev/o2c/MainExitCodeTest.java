package dev.o2c;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.pekko.actor.CoordinatedShutdown;
import org.junit.jupiter.api.Test;

/** The process's exit code tells a supervisor whether the node chose to stop. */
class MainExitCodeTest {

  @Test
  void a_node_downed_by_the_split_brain_resolver_exits_non_zero_and_a_chosen_stop_exits_zero() {
    assertEquals(2, Main.exitCode(CoordinatedShutdown.clusterDowningReason()));
    assertEquals(3, Main.exitCode(CoordinatedShutdown.clusterJoinUnsuccessfulReason()));
    assertEquals(0, Main.exitCode(CoordinatedShutdown.jvmExitReason()));
    assertEquals(0, Main.exitCode(CoordinatedShutdown.clusterLeavingReason()));
    assertEquals(4, Main.exitCode(Main.DatabaseLost.INSTANCE), "the embedded Cassandra node could not be kept running");
    assertEquals(1, Main.exitCode(CoordinatedShutdown.unknownReason()));
    assertEquals(1, Main.exitCode(null), "terminated without coordinated shutdown");
  }
}
