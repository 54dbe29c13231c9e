package dev.o2c.infra.cassandra;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/**
 * When a dead embedded Cassandra node is started again: at most {@code maxRestarts} times within
 * {@code within}, after a backoff that doubles from {@code minBackoff} to {@code maxBackoff} with
 * each restart still inside that window. Past the limit: give up (the server then exits non-zero
 * so that its supervisor starts it afresh). From {@code o2c.cassandra.embedded.restart}.
 */
public final class RestartPolicy {

  private final int maxRestarts;
  private final Duration within;
  private final Duration minBackoff;
  private final Duration maxBackoff;
  private final Deque<Long> restarts = new ArrayDeque<>();

  public RestartPolicy(int maxRestarts, Duration within, Duration minBackoff, Duration maxBackoff) {
    if (maxRestarts < 0 || within.isNegative() || minBackoff.isNegative() || maxBackoff.compareTo(minBackoff) < 0) {
      throw new IllegalArgumentException("o2c.cassandra.embedded.restart: max-restarts >= 0 and min-backoff <= max-backoff");
    }
    this.maxRestarts = maxRestarts;
    this.within = within;
    this.minBackoff = minBackoff;
    this.maxBackoff = maxBackoff;
  }

  public static RestartPolicy fromConfig(Config restart) {
    return new RestartPolicy(restart.getInt("max-restarts"), restart.getDuration("within"), restart.getDuration("min-backoff"),
        restart.getDuration("max-backoff"));
  }

  /**
   * The node died at {@code nowNanos} (a monotonic clock): how long to wait before starting it
   * again, or empty when it has been restarted {@code maxRestarts} times within the window already.
   */
  public synchronized Optional<Duration> nextRestart(long nowNanos) {
    while (!restarts.isEmpty() && nowNanos - restarts.peekFirst() > within.toNanos()) {
      restarts.removeFirst();
    }
    if (restarts.size() >= maxRestarts) {
      return Optional.empty();
    }
    int recent = restarts.size();
    restarts.addLast(nowNanos);
    Duration backoff = minBackoff.multipliedBy(1L << Math.min(recent, 20));
    return Optional.of(backoff.compareTo(maxBackoff) > 0 ? maxBackoff : backoff);
  }

  public int maxRestarts() {
    return maxRestarts;
  }

  public Duration within() {
    return within;
  }
}
