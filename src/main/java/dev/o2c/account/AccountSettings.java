package dev.o2c.account;

import com.typesafe.config.Config;
import java.time.Duration;

/**
 * Settings of customer accounts ({@code o2c.customers}): snapshots, batches, and the healing of
 * orders that lost their record of a placement.
 */
public record AccountSettings(
    int snapshotEvery, Duration placementCheckInterval, Duration placementConfirmAfter, Duration orderAskTimeout,
    int placementsPerCheck, int tagBuckets, int maxBatch, Duration confirmationDelay) {

  public static AccountSettings fromConfig(Config config) {
    Config c = config.getConfig("o2c.customers");
    return new AccountSettings(
        c.getInt("snapshot-every"),
        c.getDuration("placement-check-interval"),
        c.getDuration("placement-confirm-after"),
        c.getDuration("order-ask-timeout"),
        c.getInt("placements-per-check"),
        c.getInt("tag-buckets"),
        c.getInt("max-batch"),
        c.getDuration("confirmation-delay"));
  }
}
