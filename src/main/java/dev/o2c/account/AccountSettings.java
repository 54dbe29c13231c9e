package dev.o2c.account;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * Settings of customer accounts ({@code o2c.customers}): snapshots, and the healing of
 * reservations whose order never came to exist.
 */
public record AccountSettings(
    int snapshotEvery, Duration reservationCheckInterval, Duration reservationConfirmAfter, Duration orderAskTimeout,
    int reservationsPerCheck, int tagBuckets) {

  public static AccountSettings fromConfig(Config config) {
    Config c = config.getConfig("o2c.customers");
    return new AccountSettings(
        c.getInt("snapshot-every"),
        c.getDuration("reservation-check-interval"),
        c.getDuration("reservation-confirm-after"),
        c.getDuration("order-ask-timeout"),
        c.getInt("reservations-per-check"),
        c.getInt("tag-buckets"));
  }
}
