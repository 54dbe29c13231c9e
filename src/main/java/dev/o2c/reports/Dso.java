package dev.o2c.reports;

import dev.o2c.money.Money;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Days sales outstanding over a period, per currency, in plain Java: the receivables open at its
 * end ÷ the credit sales of the period (invoices issued, less those voided) × its days; with the
 * figures it came from. No credit sales: no DSO ({@code null}).
 */
public final class Dso {

  /** A customer's totals at the end of the day before the period and at its end (either may be missing). */
  public record Ends(ReportStore.CustomerTotals before, ReportStore.CustomerTotals end) {}

  public record Currency(String currency, BigDecimal receivables, BigDecimal creditSales, long days, BigDecimal dso) {}

  public record Report(LocalDate from, LocalDate to, long days, List<Currency> currencies) {

    public Csv csv() {
      List<List<Object>> rows = new ArrayList<>();
      currencies.forEach(c -> rows.add(List.of(from, to, c.currency(), c.receivables(), c.creditSales(), c.days(),
          c.dso() == null ? "" : c.dso())));
      return new Csv(List.of("from", "to", "currency", "receivables", "creditSales", "days", "dso"), rows);
    }
  }

  private Dso() {}

  public static Report of(LocalDate from, LocalDate to, List<Ends> customers) {
    long days = ChronoUnit.DAYS.between(from, to) + 1;
    Map<String, BigDecimal[]> sums = new TreeMap<>();
    for (Ends c : customers) {
      Totals end = c.end() == null ? null : c.end().totals();
      if (end == null || end.currency() == null) {
        continue;
      }
      Totals before = c.before() == null ? null : c.before().totals();
      BigDecimal sales = end.invoiced().subtract(end.voided());
      if (before != null) {
        sales = sales.subtract(before.invoiced().subtract(before.voided()));
      }
      BigDecimal[] s = sums.computeIfAbsent(end.currency(), k -> new BigDecimal[] {Money.zero(k), Money.zero(k)});
      s[0] = s[0].add(end.open());
      s[1] = s[1].add(sales);
    }
    List<Currency> out = new ArrayList<>();
    sums.forEach((currency, s) -> out.add(new Currency(currency, s[0], s[1], days,
        s[1].signum() <= 0 ? null : s[0].multiply(BigDecimal.valueOf(days)).divide(s[1], 1, RoundingMode.HALF_UP))));
    return new Report(from, to, days, out);
  }
}
