package dev.o2c.reports;

import dev.o2c.money.Money;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Customer value, in plain Java: per customer, the cash they paid (received, less refunds and
 * reversals), what they were invoiced (less voids), their invoiced orders, the average order,
 * their first and last order, and the days they take to pay on average (over invoices settled with
 * cash); ranked by cash paid, per currency.
 */
public final class CustomerValue {

  public record Line(
      int rank, String customerId, BigDecimal totalPaid, BigDecimal totalInvoiced, long orders, BigDecimal averageOrder,
      LocalDate firstOrder, LocalDate lastOrder, BigDecimal averageDaysToPay, BigDecimal open) {}

  public record Currency(String currency, List<Line> customers) {}

  public record Report(int top, List<Currency> currencies) {

    public Csv csv() {
      List<List<Object>> rows = new ArrayList<>();
      for (Currency c : currencies) {
        for (Line l : c.customers()) {
          List<Object> row = new ArrayList<>(List.of(c.currency(), l.rank(), l.customerId(), l.totalPaid(), l.totalInvoiced(), l.orders()));
          row.add(l.averageOrder());
          row.add(l.firstOrder());
          row.add(l.lastOrder());
          row.add(l.averageDaysToPay());
          row.add(l.open());
          rows.add(row);
        }
      }
      return new Csv(List.of("currency", "rank", "customerId", "totalPaid", "totalInvoiced", "orders", "averageOrder", "firstOrder",
          "lastOrder", "averageDaysToPay", "open"), rows);
    }
  }

  private CustomerValue() {}

  /** From every customer's running totals and what each has open now ({@code open}, by customer id). */
  public static Report of(List<ReportStore.CustomerTotals> customers, Map<String, BigDecimal> open, int top) {
    Map<String, List<Line>> byCurrency = new TreeMap<>();
    for (ReportStore.CustomerTotals c : customers) {
      Totals t = c.totals();
      if (t.currency() == null) {
        continue;
      }
      int scale = Money.scale(t.currency());
      BigDecimal zero = Money.zero(t.currency());
      BigDecimal paid = zero.add(t.received()).subtract(t.refunded()).subtract(t.reversed());
      BigDecimal invoiced = zero.add(t.invoiced()).subtract(t.voided());
      BigDecimal average = t.invoices() == 0 ? null : invoiced.divide(BigDecimal.valueOf(t.invoices()), scale, RoundingMode.HALF_EVEN);
      BigDecimal days = t.paidInvoices() == 0 ? null
          : BigDecimal.valueOf(t.daysToPay()).divide(BigDecimal.valueOf(t.paidInvoices()), 1, RoundingMode.HALF_UP);
      byCurrency.computeIfAbsent(t.currency(), k -> new ArrayList<>()).add(new Line(0, c.customerId(), paid, invoiced, t.invoices(), average,
          t.firstInvoice(), t.lastInvoice(), days, zero.add(open.getOrDefault(c.customerId(), BigDecimal.ZERO))));
    }
    List<Currency> out = new ArrayList<>();
    byCurrency.forEach((currency, lines) -> {
      lines.sort(Comparator.comparing(Line::totalPaid).reversed().thenComparing(Line::customerId));
      List<Line> ranked = new ArrayList<>();
      for (int i = 0; i < Math.min(top, lines.size()); i++) {
        Line l = lines.get(i);
        ranked.add(new Line(i + 1, l.customerId(), l.totalPaid(), l.totalInvoiced(), l.orders(), l.averageOrder(), l.firstOrder(),
            l.lastOrder(), l.averageDaysToPay(), l.open()));
      }
      out.add(new Currency(currency, ranked));
    });
    return new Report(top, out);
  }
}
