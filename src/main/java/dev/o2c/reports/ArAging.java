package dev.o2c.reports;

import dev.o2c.money.Money;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Accounts receivable aging, in plain Java: each customer's open balances as of a day, in buckets
 * of days past due (basis DUE) or since issue (basis ISSUE) — current (0 or fewer), then up to each
 * edge ({@code [30, 60, 90]}: 1-30, 31-60, 61-90) and past the last (90+) — per customer and in
 * total, per currency; unapplied cash and account credit beside them.
 */
public final class ArAging {

  /** Which date an invoice ages from. */
  public enum Basis { DUE, ISSUE }

  /** One customer's (or the total's) buckets, in the order of {@link Report#buckets()}. */
  public record Line(String customerId, List<BigDecimal> buckets, BigDecimal total, BigDecimal unapplied, BigDecimal accountCredit) {}

  /** The aging of one currency. */
  public record Currency(String currency, Line total, List<Line> customers) {}

  public record Report(LocalDate asOf, String basis, List<String> buckets, List<Currency> currencies) {

    public Csv csv() {
      List<String> header = new ArrayList<>(List.of("asOf", "basis", "currency", "customerId"));
      header.addAll(buckets);
      header.addAll(List.of("total", "unapplied", "accountCredit"));
      List<List<Object>> rows = new ArrayList<>();
      for (Currency c : currencies) {
        for (Line line : c.customers()) {
          rows.add(row(c.currency(), line));
        }
        rows.add(row(c.currency(), c.total()));
      }
      return new Csv(header, rows);
    }

    private List<Object> row(String currency, Line line) {
      List<Object> row = new ArrayList<>(List.of(asOf, basis, currency, line.customerId() == null ? "TOTAL" : line.customerId()));
      row.addAll(line.buckets());
      row.addAll(List.of(line.total(), line.unapplied(), line.accountCredit()));
      return row;
    }
  }

  private ArAging() {}

  /** The bucket names for these edges: current, 1-30, 31-60, 61-90, 90+ for [30, 60, 90]. */
  public static List<String> bucketNames(List<Integer> edges) {
    List<String> names = new ArrayList<>(List.of("current"));
    int from = 1;
    for (int edge : edges) {
      names.add(from + "-" + edge);
      from = edge + 1;
    }
    names.add(edges.get(edges.size() - 1) + "+");
    return names;
  }

  /** The bucket of an invoice {@code days} past its date. */
  static int bucket(long days, List<Integer> edges) {
    return bucket(days, edges.stream().mapToInt(Integer::intValue).toArray());
  }

  private static int bucket(long days, int[] edges) {
    if (days <= 0) {
      return 0;
    }
    for (int i = 0; i < edges.length; i++) {
      if (days <= edges[i]) {
        return i + 1;
      }
    }
    return edges.length + 1;
  }

  /** The aging of these customers' totals (each as of {@code asOf}), largest total first. */
  public static Report of(List<ReportStore.CustomerTotals> customers, LocalDate asOf, Basis basis, List<Integer> edges) {
    return ofOpen(customers.stream().map(c -> ReportStore.OpenLine.of(c, basis == Basis.ISSUE)).toList(), asOf, basis, edges);
  }

  /** The aging of what these customers have open (as of {@code asOf}), largest total first. */
  public static Report ofOpen(List<ReportStore.OpenLine> customers, LocalDate asOf, Basis basis, List<Integer> edges) {
    int[] edge = edges.stream().mapToInt(Integer::intValue).toArray();
    int n = edge.length + 2;
    long day = asOf.toEpochDay();
    Map<String, List<Line>> byCurrency = new TreeMap<>();
    for (ReportStore.OpenLine c : customers) {
      if (c.currency() == null) {
        continue;
      }
      BigDecimal zero = Money.zero(c.currency());
      BigDecimal[] buckets = new BigDecimal[n];
      java.util.Arrays.fill(buckets, zero);
      OpenBalances open = c.open();
      BigDecimal total = zero;
      for (int i = 0; i < open.size(); i++) {
        int b = bucket(day - open.epochDay(i), edge);
        buckets[b] = buckets[b].add(open.amount(i));
        total = total.add(open.amount(i));
      }
      if (total.signum() == 0 && c.unapplied().signum() == 0 && c.accountCredit().signum() == 0) {
        continue; // nothing open: not a line of the report
      }
      byCurrency.computeIfAbsent(c.currency(), k -> new ArrayList<>())
          .add(new Line(c.customerId(), List.of(buckets), total, zero.add(c.unapplied()), zero.add(c.accountCredit())));
    }
    List<Currency> currencies = new ArrayList<>();
    for (var e : byCurrency.entrySet()) {
      BigDecimal zero = Money.zero(e.getKey());
      List<BigDecimal> sums = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        sums.add(zero);
      }
      BigDecimal total = zero;
      BigDecimal unapplied = zero;
      BigDecimal credit = zero;
      for (Line line : e.getValue()) {
        for (int i = 0; i < n; i++) {
          sums.set(i, sums.get(i).add(line.buckets().get(i)));
        }
        total = total.add(line.total());
        unapplied = unapplied.add(line.unapplied());
        credit = credit.add(line.accountCredit());
      }
      List<Line> lines = new ArrayList<>(e.getValue());
      lines.sort(Comparator.comparing(Line::total).reversed().thenComparing(Line::customerId));
      currencies.add(new Currency(e.getKey(), new Line(null, sums, total, unapplied, credit), lines));
    }
    return new Report(asOf, basis.name().toLowerCase(java.util.Locale.ROOT), bucketNames(edges), currencies);
  }
}
