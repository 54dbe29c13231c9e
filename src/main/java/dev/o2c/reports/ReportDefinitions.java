package dev.o2c.reports;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/** A tenant's saved report definitions ({@code report_definitions}). */
public interface ReportDefinitions {

  /** Saves the definition unless one has its id; gives the one stored under the id (this one, or the one before). */
  CompletionStage<ReportDefinition> saveIfAbsent(String tenantId, ReportDefinition definition);

  CompletionStage<Optional<ReportDefinition>> get(String tenantId, String definitionId);

  /** The tenant's definitions, by name. */
  CompletionStage<List<ReportDefinition>> list(String tenantId);

  /** Deletes it; true if there was one. */
  CompletionStage<Boolean> delete(String tenantId, String definitionId);

  /** Definitions in memory (servers without Cassandra). */
  static ReportDefinitions inMemory() {
    ConcurrentHashMap<String, ReportDefinition> all = new ConcurrentHashMap<>();
    return new ReportDefinitions() {
      @Override
      public CompletionStage<ReportDefinition> saveIfAbsent(String tenantId, ReportDefinition d) {
        return CompletableFuture.completedFuture(all.computeIfAbsent(tenantId + "/" + d.definitionId(), k -> d));
      }

      @Override
      public CompletionStage<Optional<ReportDefinition>> get(String tenantId, String id) {
        return CompletableFuture.completedFuture(Optional.ofNullable(all.get(tenantId + "/" + id)));
      }

      @Override
      public CompletionStage<List<ReportDefinition>> list(String tenantId) {
        return CompletableFuture.completedFuture(all.entrySet().stream().filter(e -> e.getKey().startsWith(tenantId + "/"))
            .map(java.util.Map.Entry::getValue).sorted(java.util.Comparator.comparing(ReportDefinition::name)).toList());
      }

      @Override
      public CompletionStage<Boolean> delete(String tenantId, String id) {
        return CompletableFuture.completedFuture(all.remove(tenantId + "/" + id) != null);
      }
    };
  }
}
