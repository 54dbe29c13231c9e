package dev.o2c.support;

import dev.o2c.infra.BusinessClock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A business clock that stands still until a test sets or advances it. Entities read it on their
 * own threads, hence the atomic reference.
 */
public final class TestClock implements BusinessClock {

  private final AtomicReference<Instant> now;

  public TestClock(Instant start) {
    this.now = new AtomicReference<>(start);
  }

  public static TestClock at(String isoInstant) {
    return new TestClock(Instant.parse(isoInstant));
  }

  @Override
  public Instant now() {
    return now.get();
  }

  public void set(Instant instant) {
    now.set(instant);
  }

  /** Moves the clock forward and returns the new time. */
  public Instant advance(Duration by) {
    return now.updateAndGet(t -> t.plus(by));
  }
}
