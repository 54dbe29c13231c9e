package dev.o2c.infra.cassandra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The restart policy of the embedded node, and the supervisor that follows it (with a node that is a stand-in). */
class NodeSupervisorTest {

  private static final long SECOND = 1_000_000_000L;

  @Test
  void the_backoff_doubles_up_to_its_ceiling_and_the_policy_gives_up_past_its_limit_within_the_window() {
    var policy = new RestartPolicy(4, Duration.ofMinutes(10), Duration.ofSeconds(1), Duration.ofSeconds(3));
    assertEquals(Optional.of(Duration.ofSeconds(1)), policy.nextRestart(0));
    assertEquals(Optional.of(Duration.ofSeconds(2)), policy.nextRestart(10 * SECOND));
    assertEquals(Optional.of(Duration.ofSeconds(3)), policy.nextRestart(20 * SECOND), "4 s capped at 3");
    assertEquals(Optional.of(Duration.ofSeconds(3)), policy.nextRestart(30 * SECOND));
    assertEquals(Optional.empty(), policy.nextRestart(40 * SECOND), "a fifth death within 10 minutes");
  }

  @Test
  void restarts_older_than_the_window_no_longer_count() {
    var policy = new RestartPolicy(2, Duration.ofMinutes(1), Duration.ofSeconds(1), Duration.ofSeconds(30));
    assertTrue(policy.nextRestart(0).isPresent());
    assertEquals(Optional.of(Duration.ofSeconds(2)), policy.nextRestart(30 * SECOND));
    assertEquals(Optional.empty(), policy.nextRestart(50 * SECOND));
    assertEquals(Optional.of(Duration.ofSeconds(2)), policy.nextRestart(61 * SECOND),
        "the death at 0 left the window; the one at 30 s is still in it");
  }

  @Test
  void no_restarts_allowed_gives_up_at_the_first_death_and_a_bad_policy_stops_the_start() {
    assertEquals(Optional.empty(), new RestartPolicy(0, Duration.ofMinutes(1), Duration.ZERO, Duration.ZERO).nextRestart(0));
    assertThrows(IllegalArgumentException.class, () -> new RestartPolicy(-1, Duration.ofMinutes(1), Duration.ZERO, Duration.ZERO));
    assertThrows(IllegalArgumentException.class,
        () -> new RestartPolicy(1, Duration.ofMinutes(1), Duration.ofSeconds(2), Duration.ofSeconds(1)));
  }

  /** A node whose deaths the test decides; each restart succeeds unless told to fail. */
  private static final class FakeNode implements NodeSupervisor.Node {
    final BlockingQueue<Integer> deaths = new LinkedBlockingQueue<>();
    final AtomicInteger restarts = new AtomicInteger();
    final List<Boolean> restartOutcomes = new CopyOnWriteArrayList<>();
    volatile boolean stopping;
    volatile int failingRestarts;

    @Override
    public int awaitExit() throws InterruptedException {
      return deaths.take();
    }

    @Override
    public boolean stopping() {
      return stopping;
    }

    @Override
    public void restart() {
      restarts.incrementAndGet();
      if (failingRestarts > 0) {
        failingRestarts--;
        restartOutcomes.add(false);
        throw new IllegalStateException("did not answer CQL");
      }
      restartOutcomes.add(true);
    }

    @Override
    public long pid() {
      return 42;
    }
  }

  private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertTrue(condition.getAsBoolean());
  }

  @Test
  void a_node_that_dies_is_started_again_and_a_failed_start_is_retried() throws Exception {
    var node = new FakeNode();
    var gaveUp = new CountDownLatch(1);
    try (var supervisor = new NodeSupervisor(node, new RestartPolicy(5, Duration.ofMinutes(10), Duration.ZERO, Duration.ZERO),
        gaveUp::countDown).start()) {
      node.deaths.add(137);
      await(() -> node.restarts.get() == 1);
      node.failingRestarts = 2;
      node.deaths.add(137);
      await(() -> node.restarts.get() == 4);
      assertEquals(List.of(true, false, false, true), node.restartOutcomes);
      assertEquals(1, gaveUp.getCount(), "it did not give up");
    }
  }

  @Test
  void past_the_policy_it_gives_up_once_and_a_node_stopped_on_purpose_is_not_restarted() throws Exception {
    var node = new FakeNode();
    var gaveUp = new AtomicInteger();
    try (var supervisor = new NodeSupervisor(node, new RestartPolicy(1, Duration.ofMinutes(10), Duration.ZERO, Duration.ZERO),
        gaveUp::incrementAndGet).start()) {
      node.deaths.add(137);
      await(() -> node.restarts.get() == 1);
      node.deaths.add(137);
      await(() -> gaveUp.get() == 1);
      Thread.sleep(100);
      assertEquals(1, node.restarts.get(), "no second restart");
      assertEquals(1, gaveUp.get());
    }

    var stopped = new FakeNode();
    try (var supervisor = new NodeSupervisor(stopped, new RestartPolicy(5, Duration.ofMinutes(10), Duration.ZERO, Duration.ZERO),
        () -> { }).start()) {
      stopped.stopping = true;
      stopped.deaths.add(0);
      Thread.sleep(200);
      assertFalse(stopped.restarts.get() > 0, "a stop asked for is not a death");
    }
  }
}
