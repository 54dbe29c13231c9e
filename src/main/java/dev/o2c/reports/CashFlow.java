package dev.o2c.reports;

import dev.o2c.money.Money;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Cash flow over a period, per currency, in plain Java: the cash received each day and how it was
 * applied (by the rule that applied it: REFERENCE, EXACT_AMOUNT, EXACT_SUM, OLDEST_FIRST,
 * TOLERANCE, ACCOUNT_CREDIT — unapplied cash applied to a new invoice — and MANUAL; UNAPPLIED what
 * was left over when it came), refunds and reversals; and the receipts expected each day from
 * today on, from the open invoices' due dates, with what is overdue today beside them.
 */
public final class CashFlow {

  public record Day(LocalDate day, BigDecimal received, Map<String, BigDecimal> appliedByRule, BigDecimal refunded, BigDecimal reversed,
      BigDecimal expected) {}

  public record Currency(String currency, BigDecimal received, BigDecimal expected, BigDecimal overdue, List<Day> days) {}

  public record Report(LocalDate from, LocalDate to, LocalDate today, List<Currency> currencies) {

    public Csv csv() {
      List<String> rules = List.of("REFERENCE", "EXACT_AMOUNT", "EXACT_SUM", "OLDEST_FIRST", "TOLERANCE", "ACCOUNT_CREDIT", "MANUAL",
          "UNAPPLIED");
      List<String> header = new ArrayList<>(List.of("currency", "day", "received"));
      header.addAll(rules);
      header.addAll(List.of("refunded", "reversed", "expected"));
      List<List<Object>> rows = new ArrayList<>();
      for (Currency c : currencies) {
        for (Day d : c.days()) {
          List<Object> row = new ArrayList<>(List.of(c.currency(), d.day(), d.received()));
          rules.forEach(r -> row.add(d.appliedByRule().getOrDefault(r, Money.zero(c.currency()))));
          row.addAll(List.of(d.refunded(), d.reversed(), d.expected()));
          rows.add(row);
        }
      }
      return new Csv(header, rows);
    }
  }

  private CashFlow() {}

  /** From each day's flows and what every customer has open now ({@code current}, by due date). */
  public static Report of(LocalDate from, LocalDate to, LocalDate today, List<ReportStore.DayFlows> flows,
      List<ReportStore.OpenLine> current) {
    Map<String, TreeMap<LocalDate, Day>> byCurrency = new TreeMap<>();
    Map<String, BigDecimal> overdue = new TreeMap<>();
    for (ReportStore.DayFlows f : flows) {
      Totals t = f.flows();
      if (t.currency() == null) {
        continue;
      }
      Day d = day(byCurrency, t.currency(), f.day());
      Map<String, BigDecimal> rules = new TreeMap<>(d.appliedByRule());
      t.applied().forEach((rule, amount) -> rules.merge(rule, amount, BigDecimal::add));
      put(byCurrency, t.currency(), new Day(d.day(), d.received().add(t.received()), rules, d.refunded().add(t.refunded()),
          d.reversed().add(t.reversed()), d.expected()));
    }
    long first = Math.max(from.toEpochDay(), today.toEpochDay());
    for (ReportStore.OpenLine c : current) {
      if (c.currency() == null) {
        continue;
      }
      OpenBalances open = c.open();
      for (int i = 0; i < open.size(); i++) {
        int due = open.epochDay(i);
        if (due < today.toEpochDay()) {
          overdue.merge(c.currency(), open.amount(i), BigDecimal::add);
        } else if (due >= first && due <= to.toEpochDay()) {
          Day d = day(byCurrency, c.currency(), LocalDate.ofEpochDay(due));
          put(byCurrency, c.currency(), new Day(d.day(), d.received(), d.appliedByRule(), d.refunded(), d.reversed(),
              d.expected().add(open.amount(i))));
        }
      }
      if (overdue.containsKey(c.currency())) {
        byCurrency.computeIfAbsent(c.currency(), k -> new TreeMap<>());
      }
    }
    List<Currency> out = new ArrayList<>();
    byCurrency.forEach((currency, days) -> {
      BigDecimal zero = Money.zero(currency);
      BigDecimal received = zero;
      BigDecimal expected = zero;
      for (Day d : days.values()) {
        received = received.add(d.received());
        expected = expected.add(d.expected());
      }
      out.add(new Currency(currency, received, expected, zero.add(overdue.getOrDefault(currency, zero)), List.copyOf(days.values())));
    });
    return new Report(from, to, today, out);
  }

  private static Day day(Map<String, TreeMap<LocalDate, Day>> byCurrency, String currency, LocalDate day) {
    BigDecimal zero = Money.zero(currency);
    return byCurrency.computeIfAbsent(currency, k -> new TreeMap<>())
        .computeIfAbsent(day, k -> new Day(day, zero, Map.of(), zero, zero, zero));
  }

  private static void put(Map<String, TreeMap<LocalDate, Day>> byCurrency, String currency, Day d) {
    byCurrency.get(currency).put(d.day(), d);
  }
}
