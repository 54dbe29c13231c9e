package dev.o2c.support;

import dev.o2c.reporting.Alert;
import dev.o2c.reporting.AlertStore;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.Done;

/** Alerts in memory, for route tests that run without Cassandra. */
public final class InMemoryAlertStore implements AlertStore {

  private final Map<String, Map<String, Alert>> byTenant = new ConcurrentHashMap<>();

  @Override
  public CompletionStage<Done> save(String tenantId, Alert alert) {
    byTenant.computeIfAbsent(tenantId, t -> new ConcurrentHashMap<>()).put(alert.alertId(), alert);
    return CompletableFuture.completedFuture(Done.getInstance());
  }

  @Override
  public CompletionStage<List<Alert>> recent(String tenantId, LocalDate today, int days, int limit) {
    LocalDate oldest = today.minusDays(days - 1L);
    List<Alert> found = byTenant.getOrDefault(tenantId, Map.of()).values().stream()
        .filter(a -> !LocalDate.ofInstant(a.raisedAt(), ZoneOffset.UTC).isBefore(oldest))
        .sorted(Comparator.comparing(Alert::raisedAt).reversed())
        .limit(limit)
        .toList();
    return CompletableFuture.completedFuture(found);
  }
}
