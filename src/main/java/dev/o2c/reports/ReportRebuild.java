package dev.o2c.reports;

import dev.o2c.infra.TaggedProjections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.projection.ProjectionId;
import org.apache.pekko.projection.javadsl.ProjectionManagement;

/**
 * Rebuilds a tenant's reports from the journal: the report projections are paused, the tenant's
 * books and totals deleted, the offsets cleared (they start again from the first event) and
 * resumed. Other tenants' books have every event already and skip them; the tenant's are made
 * again from its first event, the same rows as before. Order rows are not deleted: each event
 * writes the same values again.
 */
public final class ReportRebuild {

  private final ActorSystem<?> system;
  private final ReportStore store;
  private final List<ProjectionId> ids;

  public ReportRebuild(ActorSystem<?> system, ReportStore store, int accountTagBuckets, int orderTagBuckets) {
    this.system = system;
    this.store = store;
    List<ProjectionId> all = new java.util.ArrayList<>(TaggedProjections.ids(LedgerReportProjection.NAME, "account", accountTagBuckets));
    all.addAll(TaggedProjections.ids(OrderReportProjection.NAME, "order", orderTagBuckets));
    this.ids = List.copyOf(all);
  }

  /** Starts the rebuild; done once the projection runs again from the first event (the rows follow as it catches up). */
  public CompletionStage<List<String>> rebuild(String tenantId) {
    ProjectionManagement management = ProjectionManagement.get(system);
    return each(id -> management.pause(id))
        .thenCompose(paused -> store.deleteTenant(tenantId))
        .thenCompose(deleted -> each(id -> management.clearOffset(id)))
        .thenCompose(cleared -> each(id -> management.resume(id)))
        .thenApply(resumed -> ids.stream().map(id -> id.id()).toList());
  }

  private CompletionStage<Void> each(java.util.function.Function<ProjectionId, CompletionStage<?>> step) {
    return CompletableFuture.allOf(ids.stream().map(id -> step.apply(id).toCompletableFuture()).toArray(CompletableFuture[]::new));
  }
}
