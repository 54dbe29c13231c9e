package dev.o2c.infra;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The test-mode business clock (o2c.test-clock.enabled): the machine's time plus an offset that
 * an operator or a load test moves forward over HTTP, so that due dates pass and dunning can be
 * seen end to end. It never goes backwards: events must not be dated before earlier ones. The
 * offset is this node's: in a cluster, move the clock of every node.
 */
public final class AdjustableClock implements BusinessClock {

  private final Clock base;
  private final AtomicReference<Duration> offset = new AtomicReference<>(Duration.ZERO);

  public AdjustableClock(Clock base) {
    this.base = base;
  }

  public AdjustableClock() {
    this(Clock.systemUTC());
  }

  @Override
  public Instant now() {
    return base.instant().plus(offset.get());
  }

  /**
   * Moves business time forward to {@code date} (the time of day stays); a date before today is
   * refused with an IllegalArgumentException.
   */
  public void moveTo(LocalDate date) {
    offset.updateAndGet(current -> {
      LocalDate today = LocalDate.ofInstant(base.instant().plus(current), ZoneOffset.UTC);
      if (date.isBefore(today)) {
        throw new IllegalArgumentException("Business time only moves forward: today is " + today + ", not after " + date);
      }
      return current.plus(ChronoUnit.DAYS.between(today, date), ChronoUnit.DAYS);
    });
  }
}
