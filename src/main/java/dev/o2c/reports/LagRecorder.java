package dev.o2c.reports;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;

/**
 * How far behind one report projection instance is: after each group, the lag of each of its
 * events (its write time to now) goes into a one-minute window, and the instance's row of
 * {@code report_lag} is written (GET /v1/reports/lag). One per handler instance.
 */
final class LagRecorder {

  private final ReportStore store;
  private final String projection;
  private final String instance;
  private final Clock clock;
  private final LagWindow window = new LagWindow(60_000);

  LagRecorder(ReportStore store, String projection, String instance, Clock clock) {
    this.store = store;
    this.projection = projection;
    this.instance = instance;
    this.clock = clock;
  }

  /** Records a group whose events were written at {@code writeTimes} (epoch millis). */
  CompletionStage<Done> handled(List<Long> writeTimes) {
    long now = clock.millis();
    long last = 0;
    for (long written : writeTimes) {
      window.add(now, Math.max(0, now - written));
      last = Math.max(last, written);
    }
    return store.saveLag(new ReportStore.Lag(projection, instance, Instant.ofEpochMilli(last), Instant.ofEpochMilli(now),
        Math.max(0, now - last), window.p99(), window.size()));
  }
}
