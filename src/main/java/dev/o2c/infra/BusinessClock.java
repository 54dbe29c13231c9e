package dev.o2c.infra;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * The server's clock for business time: event timestamps, issue and due dates. Injected
 * everywhere a time is taken, so that tests (and the test-mode clock of the operators) can set it.
 * Business dates are UTC dates.
 */
public interface BusinessClock {

  Instant now();

  default LocalDate today() {
    return LocalDate.ofInstant(now(), ZoneOffset.UTC);
  }

  /** The machine's clock. */
  static BusinessClock system() {
    Clock utc = Clock.systemUTC();
    return utc::instant;
  }
}
