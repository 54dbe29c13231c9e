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
  private final OrderReportStore orders;
  private final BusinessClock clock;
  private final ReportSettings settings;

  public Reports(ReportStore store, OrderReportStore orders, BusinessClock clock, ReportSettings settings) {
    this.store = store;
    this.orders = orders;
    this.clock = clock;
    this.settings = settings;
  }

  /** AR aging as of {@code asOf} (today if empty): the books now for today or later, as they stood that day for a past day. */
  public CompletionStage<ArAging.Report> aging(String tenantId, Optional<LocalDate> asOf, ArAging.Basis basis, Filter filter) {
    LocalDate day = asOf.orElse(clock.today());
    boolean byIssue = basis == ArAging.Basis.ISSUE;
    CompletionStage<List<ReportStore.OpenLine>> open = day.isBefore(clock.today())
        ? asOf(tenantId, day, filter).thenApply(all -> covered(all, filter).stream().map(c -> ReportStore.OpenLine.of(c, byIssue)).toList())
        : open(tenantId, filter, byIssue);
    return open.thenApply(all -> ArAging.ofOpen(all, day, basis, settings.agingBuckets(tenantId)));
  }

  public CompletionStage<Dso.Report> dso(String tenantId, LocalDate from, LocalDate to, Filter filter) {
    return customerIds(tenantId, filter).thenCompose(ids -> inSteps(ids,
        id -> store.asOf(tenantId, id, from.minusDays(1))
            .thenCombine(store.asOf(tenantId, id, to), (b, e) -> new Dso.Ends(b.orElse(null), e.orElse(null)))))
        .thenApply(ends -> Dso.of(from, to,
            ends.stream().filter(e -> e.end() != null && filter.covers(e.end().customerId(), e.end().totals())).toList()));
  }

  public CompletionStage<CashFlow.Report> cashFlow(String tenantId, LocalDate from, LocalDate to, Filter filter) {
    return store.days(tenantId, from, to).thenCombine(open(tenantId, filter, false), (days, current) -> CashFlow.of(from, to, clock.today(),
        days.stream().filter(d -> filter.covers(d.customerId(), d.flows())).toList(), current));
  }

  public CompletionStage<CustomerValue.Report> customerValue(String tenantId, int top, Filter filter) {
    return store.customers(tenantId).thenCombine(open(tenantId, filter, false), (all, open) -> CustomerValue.of(covered(all, filter),
        open.stream().collect(java.util.stream.Collectors.toMap(ReportStore.OpenLine::customerId, o -> o.open().total())), top));
  }

  /** Sales of the orders placed from {@code from} to {@code to} (both included). */
  public CompletionStage<Sales.Report> sales(String tenantId, LocalDate from, LocalDate to, Sales.By by, Sales.Group group, Filter filter) {
    return placed(tenantId, from, to, filter).thenApply(rows -> Sales.of(from, to, by, group, rows));
  }

  /** Cycle times of the orders placed in the period, beside those of the period of equal length before it. */
  public CompletionStage<CycleTime.Report> cycleTime(String tenantId, LocalDate from, LocalDate to, boolean comparePrevious, Filter filter) {
    LocalDate[] before = previous(from, to);
    CompletionStage<CycleTime.Period> now = placed(tenantId, from, to, filter).thenApply(rows -> CycleTime.of(from, to, rows));
    if (!comparePrevious) {
      return now.thenApply(p -> new CycleTime.Report(p, null));
    }
    return now.thenCombine(placed(tenantId, before[0], before[1], filter).thenApply(rows -> CycleTime.of(before[0], before[1], rows)),
        CycleTime.Report::new);
  }

  /** Straight-through and auto-match rates of the period, beside the period of equal length before it. */
  public CompletionStage<Automation.Report> automation(String tenantId, LocalDate from, LocalDate to, Filter filter) {
    LocalDate[] before = previous(from, to);
    return automationOf(tenantId, from, to, filter).thenCombine(automationOf(tenantId, before[0], before[1], filter), Automation.Report::new);
  }

  private CompletionStage<Automation.Period> automationOf(String tenantId, LocalDate from, LocalDate to, Filter filter) {
    return placed(tenantId, from, to, filter).thenCombine(store.days(tenantId, from, to),
        (rows, days) -> Automation.of(from, to, rows, days.stream().filter(d -> filter.covers(d.customerId(), d.flows())).toList()));
  }

  /** A page of the tenant's orders, newest first. */
  public CompletionStage<OrderReportStore.Page> orders(String tenantId, OrderReportStore.Query query, String pageToken, int limit) {
    return orders.list(tenantId, query, pageToken, limit, MAX_SCAN);
  }

  /** A page of the tenant's invoices issued from {@code from} to {@code to}, newest first. */
  public CompletionStage<InvoiceRow.Page> invoices(String tenantId, InvoiceRow.Query query, LocalDate from, LocalDate to, String pageToken,
      int limit) {
    return store.invoices(tenantId, query, from, to, pageToken, limit, MAX_SCAN);
  }

  /** Rows a page of the order list reads at most; a sparse filter answers fewer orders and a next page. */
  public static final int MAX_SCAN = 5_000;

  /** The period of equal length that ends the day before {@code from}. */
  static LocalDate[] previous(LocalDate from, LocalDate to) {
    long days = java.time.temporal.ChronoUnit.DAYS.between(from, to) + 1;
    return new LocalDate[] {from.minusDays(days), from.minusDays(1)};
  }

  private CompletionStage<List<OrderRow>> placed(String tenantId, LocalDate from, LocalDate to, Filter filter) {
    return orders.placedBetween(tenantId, start(from), end(to)).thenApply(rows -> rows.stream()
        .filter(r -> (filter.customerId() == null || filter.customerId().equals(r.customerId()))
            && (filter.currency() == null || filter.currency().equals(r.currency())))
        .toList());
  }

  /** The first instant of a (UTC) day. */
  public static java.time.Instant start(LocalDate day) {
    return day.atStartOfDay().toInstant(java.time.ZoneOffset.UTC);
  }

  /** The last millisecond of a (UTC) day (Cassandra keeps milliseconds). */
  public static java.time.Instant end(LocalDate day) {
    return start(day.plusDays(1)).minusMillis(1);
  }

  public CompletionStage<List<ReportStore.Lag>> lags() {
    return store.lags();
  }

  public LocalDate today() {
    return clock.today();
  }

  private CompletionStage<List<ReportStore.CustomerTotals>> asOf(String tenantId, LocalDate day, Filter filter) {
    return customerIds(tenantId, filter).thenCompose(ids -> inSteps(ids, id -> store.asOf(tenantId, id, day)))
        .thenApply(found -> found.stream().flatMap(Optional::stream).toList());
  }

  /** How many reads of a past day run at once: a tenant's thousands of customers do not flood the driver. */
  private static final int PARALLEL_READS = 64;

  /** {@code read} of every item, {@link #PARALLEL_READS} at a time, in order. */
  public static <T, R> CompletionStage<List<R>> inSteps(List<T> items, Function<T, CompletionStage<R>> read) {
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

  /** What the filter's customers have open now in its currency (report_open: no JSON to parse). */
  private CompletionStage<List<ReportStore.OpenLine>> open(String tenantId, Filter filter, boolean byIssue) {
    return store.open(tenantId, filter.customerId(), byIssue)
        .thenApply(all -> all.stream().filter(c -> filter.currency() == null || filter.currency().equals(c.currency())).toList());
  }

  /** The filter's customers (every customer with a book; the currency is checked on what is read for each). */
  private CompletionStage<List<String>> customerIds(String tenantId, Filter filter) {
    return store.open(tenantId, filter.customerId(), false).thenApply(all -> all.stream().map(ReportStore.OpenLine::customerId).toList());
  }

  private static List<ReportStore.CustomerTotals> covered(List<ReportStore.CustomerTotals> all, Filter filter) {
    Predicate<ReportStore.CustomerTotals> covers = c -> filter.covers(c.customerId(), c.totals());
    return all.stream().filter(covers).toList();
  }
}
