package dev.o2c.account;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * When settled invoices and finished payments leave a customer account's state
 * ({@code o2c.customers.archive}): untouched for {@code after}, looked for every {@code interval}
 * while the account is active, at most {@code maxItems} per round.
 */
public record ArchiveSettings(boolean enabled, Duration after, Duration interval, int maxItems) {

  /** Nothing leaves (tests of other things). */
  public static final ArchiveSettings OFF = new ArchiveSettings(false, Duration.ofDays(3650), Duration.ofHours(1), 1);

  public static ArchiveSettings fromConfig(Config config) {
    Config c = config.getConfig("o2c.customers.archive");
    return new ArchiveSettings(c.getBoolean("enabled"), c.getDuration("after"), c.getDuration("interval"), c.getInt("max-items"));
  }
}
