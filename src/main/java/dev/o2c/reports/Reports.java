package dev.o2c.reports;

import dev.o2c.infra.BusinessClock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The money reports of a tenant, from the report read models: nothing is recomputed from the
 * ledger at request time. Each report may be narrowed to one customer and to one currency.
 */
public final class Reports {

  /** Which customers and currency a report covers ({@code null}: all). */
  public record Filter(String customerId, String currency) {

    boolean covers(String customer, Totals totals) {
      return (customerId == null || customerId.equals(customer)) && (currency == null || currency.equals(totals.currency()));
    }
  }

  private final ReportStore store;
  private final BusinessClock clock;
  private final ReportSettings settings;

  public Reports(ReportStore store, BusinessClock clock, ReportSettings settings) {
    this.store = store;
    this.clock = clock;
    this.settings = settings;
  }

  /** AR aging as of {@code asOf} (today if empty): the books now for today or later, as they stood that day for a past day. */
  public CompletionStage<ArAging.Report> aging(String tenantId, Optional<LocalDate> asOf, ArAging.Basis basis, Filter filter) {
    LocalDate day = asOf.orElse(clock.today());
    CompletionStage<List<ReportStore.CustomerTotals>> customers = day.isBefore(clock.today())
        ? asOf(tenantId, day, filter)
        : store.customers(tenantId);
    return customers.thenApply(all -> ArAging.of(covered(all, filter), day, basis, settings.agingBuckets(tenantId)));
  }

  public CompletionStage<Dso.Report> dso(String tenantId, LocalDate from, LocalDate to, Filter filter) {
    return store.customers(tenantId).thenCompose(all -> inSteps(
        all.stream().filter(c -> filter.customerId() == null || filter.customerId().equals(c.customerId())).toList(),
        c -> store.asOf(tenantId, c.customerId(), from.minusDays(1))
            .thenCombine(store.asOf(tenantId, c.customerId(), to), (b, e) -> new Dso.Ends(b.orElse(null), e.orElse(null)))))
        .thenApply(ends -> Dso.of(from, to,
            ends.stream().filter(e -> e.end() != null && filter.covers(e.end().customerId(), e.end().totals())).toList()));
  }

  public CompletionStage<CashFlow.Report> cashFlow(String tenantId, LocalDate from, LocalDate to, Filter filter) {
    return store.days(tenantId, from, to).thenCombine(store.customers(tenantId), (days, current) -> CashFlow.of(from, to, clock.today(),
        days.stream().filter(d -> filter.covers(d.customerId(), d.flows())).toList(), covered(current, filter)));
  }

  public CompletionStage<CustomerValue.Report> customerValue(String tenantId, int top, Filter filter) {
    return store.customers(tenantId).thenApply(all -> CustomerValue.of(covered(all, filter), top));
  }

  public CompletionStage<List<ReportStore.Lag>> lags() {
    return store.lags();
  }

  public LocalDate today() {
    return clock.today();
  }

  private CompletionStage<List<ReportStore.CustomerTotals>> asOf(String tenantId, LocalDate day, Filter filter) {
    return store.customers(tenantId).thenCompose(all -> inSteps(
            all.stream().filter(c -> filter.customerId() == null || filter.customerId().equals(c.customerId())).toList(),
            c -> store.asOf(tenantId, c.customerId(), day)))
        .thenApply(found -> found.stream().flatMap(Optional::stream).toList());
  }

  /** How many reads of a past day run at once: a tenant's thousands of customers do not flood the driver. */
  private static final int PARALLEL_READS = 64;

  /** {@code read} of every item, {@link #PARALLEL_READS} at a time, in order. */
  static <T, R> CompletionStage<List<R>> inSteps(List<T> items, Function<T, CompletionStage<R>> read) {
    CompletionStage<List<R>> all = CompletableFuture.completedFuture(new ArrayList<>());
    for (int from = 0; from < items.size(); from += PARALLEL_READS) {
      List<T> step = items.subList(from, Math.min(items.size(), from + PARALLEL_READS));
      all = all.thenCompose(done -> {
        List<CompletableFuture<R>> reads = step.stream().map(item -> read.apply(item).toCompletableFuture()).toList();
        return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new)).thenApply(x -> {
          reads.forEach(r -> done.add(r.join()));
          return done;
        });
      });
    }
    return all;
  }

  private static List<ReportStore.CustomerTotals> covered(List<ReportStore.CustomerTotals> all, Filter filter) {
    Predicate<ReportStore.CustomerTotals> covers = c -> filter.covers(c.customerId(), c.totals());
    return all.stream().filter(covers).toList();
  }
}
