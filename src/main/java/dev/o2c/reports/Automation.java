package dev.o2c.reports;

import dev.o2c.money.Money;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * How much runs without a hand, in plain Java. Straight-through: of the orders placed in a period
 * that reached PAID, those with no manual step — no approval, no manual allocation, no credit
 * note. Auto-match: of the cash applied to invoices in the period, the share the rules applied
 * (REFERENCE, EXACT_AMOUNT, EXACT_SUM, OLDEST_FIRST, TOLERANCE, ACCOUNT_CREDIT) rather than a
 * person (MANUAL), per currency and rule. Rates to four decimals (0.9512 = 95.12 %), null with
 * nothing to rate.
 */
public final class Automation {

  static final Set<String> RULES = Set.of("REFERENCE", "EXACT_AMOUNT", "EXACT_SUM", "OLDEST_FIRST", "TOLERANCE", "ACCOUNT_CREDIT");

  public record Cash(String currency, BigDecimal applied, BigDecimal byRules, BigDecimal rate, Map<String, BigDecimal> byRule) {}

  public record Period(LocalDate from, LocalDate to, long paidOrders, long straightThrough, BigDecimal straightThroughRate, long approved,
      long manualAllocation, long creditNote, List<Cash> cash) {}

  public record Report(Period period, Period previous) {

    public Csv csv() {
      List<List<Object>> rows = new ArrayList<>();
      for (Period p : previous == null ? List.of(period) : List.of(period, previous)) {
        rows.add(java.util.Arrays.asList(p.from(), p.to(), "orders", p.paidOrders(), p.straightThrough(), p.straightThroughRate(), null));
        for (Cash c : p.cash()) {
          rows.add(java.util.Arrays.asList(p.from(), p.to(), "cash:" + c.currency(), c.applied(), c.byRules(), c.rate(), c.byRule()));
        }
      }
      return new Csv(List.of("from", "to", "what", "total", "automatic", "rate", "byRule"), rows);
    }
  }

  private Automation() {}

  public static Period of(LocalDate from, LocalDate to, List<OrderRow> orders, List<ReportStore.DayFlows> days) {
    long paid = 0;
    long straight = 0;
    long approved = 0;
    long manual = 0;
    long credit = 0;
    for (OrderRow o : orders) {
      if (o.paidAt() == null) {
        continue;
      }
      paid++;
      approved += o.approved() ? 1 : 0;
      manual += o.manualAllocation() ? 1 : 0;
      credit += o.creditNote() ? 1 : 0;
      if (!o.approved() && !o.manualAllocation() && !o.creditNote()) {
        straight++;
      }
    }
    Map<String, TreeMap<String, BigDecimal>> byCurrency = new TreeMap<>();
    for (ReportStore.DayFlows d : days) {
      if (d.flows().currency() == null) {
        continue;
      }
      d.flows().applied().forEach((rule, amount) -> {
        if (!rule.equals("UNAPPLIED")) {
          byCurrency.computeIfAbsent(d.flows().currency(), k -> new TreeMap<>()).merge(rule, amount, BigDecimal::add);
        }
      });
    }
    List<Cash> cash = new ArrayList<>();
    byCurrency.forEach((currency, rules) -> {
      BigDecimal zero = Money.zero(currency);
      BigDecimal all = zero;
      BigDecimal auto = zero;
      for (var e : rules.entrySet()) {
        all = all.add(e.getValue());
        if (RULES.contains(e.getKey())) {
          auto = auto.add(e.getValue());
        }
      }
      cash.add(new Cash(currency, all, auto, rate(auto, all), rules));
    });
    return new Period(from, to, paid, straight, rate(BigDecimal.valueOf(straight), BigDecimal.valueOf(paid)), approved, manual, credit, cash);
  }

  static BigDecimal rate(BigDecimal part, BigDecimal whole) {
    return whole.signum() == 0 ? null : part.divide(whole, 4, RoundingMode.HALF_UP);
  }
}
