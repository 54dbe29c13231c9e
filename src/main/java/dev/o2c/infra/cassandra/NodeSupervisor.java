package dev.o2c.infra.cassandra;

import java.time.Duration;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the embedded Cassandra node on a thread of its own (never a Pekko dispatcher) and starts
 * it again when it dies without being asked to stop — a crash, an out-of-memory exit, a kill -9 —
 * as its {@link RestartPolicy} allows. When the policy gives up, or a restart fails past it, it
 * calls {@code onGiveUp} once: the server then shuts down and exits non-zero.
 *
 * <p>While the node is down the server stays up: requests that need Cassandra answer 503 with
 * Retry-After, readiness is false, and the driver reconnects when the node is back.
 */
public final class NodeSupervisor implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(NodeSupervisor.class);

  /** What the supervisor needs of a node: wait for its death, and start it again. */
  public interface Node {
    /** Blocks until the current process of the node exits; its exit code. */
    int awaitExit() throws InterruptedException;

    /** Whether the node was asked to stop (then its exit is no failure). */
    boolean stopping();

    /** Starts the node again and blocks until it answers CQL; throws when it cannot. */
    void restart();

    long pid();
  }

  private final Node node;
  private final RestartPolicy policy;
  private final Runnable onGiveUp;
  private final LongSupplier nanoTime;
  private final Thread thread;
  private volatile boolean closed;

  public NodeSupervisor(Node node, RestartPolicy policy, Runnable onGiveUp) {
    this(node, policy, onGiveUp, System::nanoTime);
  }

  NodeSupervisor(Node node, RestartPolicy policy, Runnable onGiveUp, LongSupplier nanoTime) {
    this.node = node;
    this.policy = policy;
    this.onGiveUp = onGiveUp;
    this.nanoTime = nanoTime;
    this.thread = new Thread(this::watch, "o2c-embedded-cassandra-supervisor");
    this.thread.setDaemon(true);
  }

  public NodeSupervisor start() {
    thread.start();
    return this;
  }

  private void watch() {
    try {
      while (!closed) {
        int code = node.awaitExit();
        if (closed || node.stopping()) {
          return;
        }
        log.error("The embedded Cassandra node (pid {}) died with exit code {}; requests that need it answer 503 until it is back",
            node.pid(), code);
        if (!restartWithBackoff()) {
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Restarts until one start succeeds (true) or the policy gives up (false, after onGiveUp). */
  private boolean restartWithBackoff() throws InterruptedException {
    while (!closed) {
      Optional<Duration> wait = policy.nextRestart(nanoTime.getAsLong());
      if (wait.isEmpty()) {
        log.error("The embedded Cassandra node died more than {} times within {}: giving up; the server exits",
            policy.maxRestarts(), policy.within());
        onGiveUp.run();
        return false;
      }
      log.warn("Starting the embedded Cassandra node again in {} ms", wait.get().toMillis());
      Thread.sleep(wait.get().toMillis());
      if (closed || node.stopping()) {
        return false;
      }
      try {
        node.restart();
        log.warn("The embedded Cassandra node is back (pid {}); the server reconnects to it", node.pid());
        return true;
      } catch (RuntimeException e) {
        log.error("Starting the embedded Cassandra node again failed: {}", e.getMessage());
      }
    }
    return false;
  }

  /** Stops watching (the node is being stopped on purpose). */
  @Override
  public void close() {
    closed = true;
    thread.interrupt();
  }
}
