package dev.o2c.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Sales, cycle time and automation on worked sets of orders whose figures are written by hand. */
class OrderReportsTest {

  static final Instant T = Instant.parse("2026-12-01T09:00:00Z");

  static OrderRow order(String id, String customer, String channel, Instant placed, String status, String net, String gross,
      List<OrderRow.Line> lines) {
    long units = lines.stream().mapToLong(OrderRow.Line::quantity).sum();
    return new OrderRow(id, customer, channel, null, "EUR", status, List.of(), null, units, new BigDecimal(net), new BigDecimal(gross), lines,
        "inv-" + id, placed, placed, placed, false, null, null, null, null, false, false);
  }

  static OrderRow.Line line(String sku, long quantity, String net) {
    return new OrderRow.Line(sku, quantity, new BigDecimal(net));
  }

  @Test
  void sales_per_day_and_channel_leave_out_rejected_and_cancelled_orders() {
    List<OrderRow> orders = List.of(
        order("a", "c1", "web", T, "VERIFIED", "100.00", "119.00", List.of(line("W", 2, "100.00"))),
        order("b", "c2", "web", T.plusSeconds(3600), "SHIPPED", "50.00", "59.50", List.of(line("G", 1, "50.00"))),
        order("c", "c1", "store", T.plus(Duration.ofDays(1)), "DELIVERED", "10.00", "11.90", List.of(line("W", 1, "10.00"))),
        order("d", "c1", "web", T, "CANCELLED", "999.00", "999.00", List.of(line("W", 9, "999.00"))),
        order("e", "c1", "web", T, "REJECTED", "999.00", "999.00", List.of(line("W", 9, "999.00"))));
    var report = Sales.of(LocalDate.parse("2026-12-01"), LocalDate.parse("2026-12-02"), Sales.By.DAY, Sales.Group.CHANNEL, orders);
    var eur = report.currencies().get(0);
    assertEquals(3, eur.orders());
    assertEquals(4, eur.units());
    assertEquals("160.00", eur.net().toPlainString());
    assertEquals("30.40", eur.tax().toPlainString());
    assertEquals("190.40", eur.gross().toPlainString());
    assertEquals(List.of(
        new Sales.Row("2026-12-01", "web", 2, 3, new BigDecimal("150.00"), new BigDecimal("28.50"), new BigDecimal("178.50")),
        new Sales.Row("2026-12-02", "store", 1, 1, new BigDecimal("10.00"), new BigDecimal("1.90"), new BigDecimal("11.90"))), eur.rows());
  }

  @Test
  void by_sku_an_orders_tax_is_shared_over_its_lines_to_the_cent() {
    // 10.00 of tax over lines of 1.00, 1.00 and 1.00: 3.33, 3.33 and the rest, 3.34.
    assertEquals(List.of(new BigDecimal("3.33"), new BigDecimal("3.33"), new BigDecimal("3.34")),
        Sales.shares(new BigDecimal("10.00"), List.of(line("A", 1, "1.00"), line("B", 1, "1.00"), line("C", 1, "1.00")), 2));
    var order = order("a", "c1", "web", T, "VERIFIED", "3.00", "13.00", List.of(line("A", 1, "1.00"), line("B", 1, "1.00"),
        line("C", 1, "1.00")));
    var bySku = Sales.of(LocalDate.parse("2026-12-01"), LocalDate.parse("2026-12-31"), Sales.By.MONTH, Sales.Group.SKU, List.of(order));
    var rows = bySku.currencies().get(0).rows();
    assertEquals(List.of("A", "B", "C"), rows.stream().map(Sales.Row::group).toList());
    assertEquals("2026-12", rows.get(0).period());
    assertEquals(new BigDecimal("13.00"), rows.stream().map(Sales.Row::gross).reduce(BigDecimal.ZERO, BigDecimal::add));
    assertEquals(1, bySku.currencies().get(0).orders(), "one order, in three rows");
  }

  @Test
  void weeks_are_named_by_their_monday() {
    assertEquals("2026-11-30", Sales.period(LocalDate.parse("2026-12-06"), Sales.By.WEEK));
    assertEquals("2026-12-07", Sales.period(LocalDate.parse("2026-12-07"), Sales.By.WEEK));
  }

  @Test
  void cycle_times_are_nearest_rank_percentiles_over_the_orders_that_reached_each_stage() {
    // Five orders paid 1, 2, 3, 4 and 10 days after placement; one not paid yet.
    List<OrderRow> orders = new java.util.ArrayList<>();
    int[] days = {1, 2, 3, 4, 10};
    for (int i = 0; i < days.length; i++) {
      OrderRow o = order("o" + i, "c", "web", T, "DELIVERED", "1.00", "1.00", List.of());
      orders.add(OrderRow.Change.none().paid(T.plus(Duration.ofDays(days[i]))).shipped(T.plus(Duration.ofHours(i + 1))).applyTo(o));
    }
    orders.add(order("open", "c", "web", T, "VERIFIED", "1.00", "1.00", List.of()));
    var period = CycleTime.of(LocalDate.parse("2026-12-01"), LocalDate.parse("2026-12-31"), orders);
    assertEquals(6, period.orders());
    var toPaid = period.stages().get(0);
    assertEquals("placedToPaid", toPaid.stage());
    assertEquals(5, toPaid.count());
    long day = Duration.ofDays(1).toMillis();
    // nearest rank of 5: p50 -> 3rd (3 days), p90 -> 5th (10 days), p99 -> 5th
    assertEquals(3 * day, toPaid.p50Millis());
    assertEquals(10 * day, toPaid.p90Millis());
    assertEquals(10 * day, toPaid.p99Millis());
    var verifiedToShipped = period.stages().get(2);
    assertEquals(5, verifiedToShipped.count());
    assertEquals(Duration.ofHours(3).toMillis(), verifiedToShipped.p50Millis());
    var delivered = period.stages().get(3);
    assertEquals(0, delivered.count());
    assertNull(delivered.p50Millis());
    var none = CycleTime.of(LocalDate.parse("2026-11-01"), LocalDate.parse("2026-11-30"), List.of());
    assertNull(none.stages().get(0).p50Millis());
  }

  @Test
  void straight_through_counts_paid_orders_with_no_hand_and_auto_match_the_cash_the_rules_applied() {
    OrderRow plain = OrderRow.Change.none().paid(T).applyTo(order("a", "c", "web", T, "VERIFIED", "1.00", "1.00", List.of()));
    OrderRow approved = OrderRow.Change.none().paid(T).verified(T, true).applyTo(order("b", "c", "web", T, "VERIFIED", "1.00", "1.00",
        List.of()));
    OrderRow manual = OrderRow.Change.none().paid(T).flags(true, null).applyTo(order("c", "c", "web", T, "VERIFIED", "1.00", "1.00",
        List.of()));
    OrderRow plain2 = OrderRow.Change.none().paid(T).applyTo(order("d", "c", "web", T, "VERIFIED", "1.00", "1.00", List.of()));
    OrderRow unpaid = order("e", "c", "web", T, "VERIFIED", "1.00", "1.00", List.of());
    Totals flows = new Totals();
    flows.currency = "EUR";
    flows.applied.putAll(Map.of("REFERENCE", new BigDecimal("300.00"), "MANUAL", new BigDecimal("100.00"),
        "UNAPPLIED", new BigDecimal("50.00")));
    var p = Automation.of(LocalDate.parse("2026-12-01"), LocalDate.parse("2026-12-31"), List.of(plain, approved, manual, plain2, unpaid),
        List.of(new ReportStore.DayFlows(LocalDate.parse("2026-12-01"), "c", flows)));
    assertEquals(4, p.paidOrders());
    assertEquals(2, p.straightThrough());
    assertEquals("0.5000", p.straightThroughRate().toPlainString());
    assertEquals(1, p.approved());
    assertEquals(1, p.manualAllocation());
    var cash = p.cash().get(0);
    // 300.00 by rules of 400.00 applied (the unapplied 50.00 is not applied cash)
    assertEquals("400.00", cash.applied().toPlainString());
    assertEquals("300.00", cash.byRules().toPlainString());
    assertEquals("0.7500", cash.rate().toPlainString());
    assertNull(Automation.of(LocalDate.parse("2026-12-01"), LocalDate.parse("2026-12-31"), List.of(unpaid), List.of()).straightThroughRate());
  }

  @Test
  void the_previous_period_is_as_long_and_ends_the_day_before() {
    LocalDate[] p = Reports.previous(LocalDate.parse("2026-12-01"), LocalDate.parse("2026-12-30"));
    assertEquals(LocalDate.parse("2026-11-01"), p[0]);
    assertEquals(LocalDate.parse("2026-11-30"), p[1]);
  }
}
