package dev.o2c.reporting;

import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;

/** Where alerts are kept for {@code GET /v1/alerts}. */
public interface AlertStore {

  /** Writes (or rewrites: the id decides) one alert of a tenant. */
  CompletionStage<Done> save(String tenantId, Alert alert);

  /** Up to {@code limit} alerts, newest first, from {@code today} back over {@code days} days. */
  CompletionStage<List<Alert>> recent(String tenantId, LocalDate today, int days, int limit);
}
