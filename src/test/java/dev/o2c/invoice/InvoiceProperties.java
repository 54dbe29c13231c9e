package dev.o2c.invoice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.o2c.money.Money;
import dev.o2c.order.OrderLine;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Money invariants of invoices: a draft's total is its subtotal plus the sum of its rounded line
 * taxes, every amount at the currency's scale; and whatever is applied (never above the balance),
 * paid + credited + written off + balance = total with 0 &lt;= balance &lt;= total after every event.
 */
class InvoiceProperties {

  private static final Instant T0 = Instant.parse("2026-11-02T09:00:00Z");

  /** An order's lines in a currency, each line with its own tax rate. */
  record Order(String currency, List<OrderLine> lines, List<BigDecimal> percents) {}

  /** A drawn application: its kind and a fraction (0, 1] of the balance it takes. */
  record Draw(Application.Kind kind, BigDecimal fraction) {}

  private static Arbitrary<String> currencies() {
    return Arbitraries.of("EUR", "JPY", "KWD");
  }

  /** Tax percents from 0 to 100 with up to three decimals; 8.875 and the whole rates are edge cases. */
  private static Arbitrary<BigDecimal> percents() {
    return Arbitraries.integers().between(0, 100_000).map(thousandths -> BigDecimal.valueOf(thousandths, 3))
        .edgeCases(edges -> edges.add(new BigDecimal("8.875")).add(new BigDecimal("19")).add(new BigDecimal("7"))
            .add(BigDecimal.ZERO).add(new BigDecimal("100")));
  }

  /** Unit prices with exactly the currency's decimals, up to 100,000 major units. */
  private static Arbitrary<BigDecimal> prices(String currency) {
    int scale = Money.scale(currency);
    long max = 100_000L * BigInteger.TEN.pow(scale).longValueExact();
    return Arbitraries.longs().between(1, max).map(minor -> BigDecimal.valueOf(minor, scale));
  }

  @Provide
  Arbitrary<Order> orders() {
    return currencies().flatMap(currency -> {
      var line = Combinators.combine(Arbitraries.longs().between(1, 1000), prices(currency), percents()).as(List::<Object>of);
      return line.list().ofMinSize(1).ofMaxSize(10).map(drawn -> {
        var lines = new ArrayList<OrderLine>();
        var percents = new ArrayList<BigDecimal>();
        for (int i = 0; i < drawn.size(); i++) {
          long quantity = (Long) drawn.get(i).get(0);
          var price = (BigDecimal) drawn.get(i).get(1);
          lines.add(new OrderLine(i + 1, "SKU-" + i, quantity, price, price.multiply(BigDecimal.valueOf(quantity)), "C" + i));
          percents.add((BigDecimal) drawn.get(i).get(2));
        }
        return new Order(currency, lines, percents);
      });
    });
  }

  @Property(tries = 500)
  void the_total_is_the_subtotal_plus_the_sum_of_line_taxes_and_every_amount_has_the_currency_scale(@ForAll("orders") Order order) {
    var codes = new java.util.HashMap<String, BigDecimal>();
    for (int i = 0; i < order.lines().size(); i++) {
      codes.put("C" + i, order.percents().get(i));
    }
    var rates = new TaxRates(BigDecimal.ZERO, Map.copyOf(codes));
    int scale = Money.scale(order.currency());

    var draft = InvoiceDraft.of("ord_p", "cust-p", null, order.currency(), order.lines(), rates, LocalDate.parse("2026-11-02"), 30);

    var orderTotal = order.lines().stream().map(OrderLine::lineTotal).reduce(BigDecimal.ZERO, BigDecimal::add);
    var lineTaxes = draft.lines().stream().map(InvoiceLine::tax).reduce(BigDecimal.ZERO, BigDecimal::add);
    assertEquals(0, orderTotal.compareTo(draft.subtotal()), "subtotal = order total");
    assertEquals(0, lineTaxes.compareTo(draft.tax()), "tax = sum of line taxes");
    assertEquals(0, draft.subtotal().add(lineTaxes).compareTo(draft.total()), "total = subtotal + line taxes");
    assertEquals(scale, draft.subtotal().scale(), "subtotal scale");
    assertEquals(scale, draft.tax().scale(), "tax scale");
    assertEquals(scale, draft.total().scale(), "total scale");
    for (int i = 0; i < draft.lines().size(); i++) {
      var l = draft.lines().get(i);
      var exact = l.net().multiply(order.percents().get(i)).divide(BigDecimal.valueOf(100));
      assertEquals(scale, l.tax().scale(), "line tax scale");
      assertEquals(scale, l.net().scale(), "line net scale");
      assertEquals(scale, l.gross().scale(), "line gross scale");
      assertEquals(0, l.net().add(l.tax()).compareTo(l.gross()), "gross = net + tax");
      // Rounded half up: within half a minor unit of the exact tax, and a tie goes up.
      var difference = l.tax().subtract(exact);
      var half = BigDecimal.ONE.movePointLeft(scale).divide(BigDecimal.valueOf(2));
      assertTrue(difference.compareTo(half.negate()) > 0 && difference.compareTo(half) <= 0,
          () -> "tax " + l.tax() + " is not " + exact + " rounded half up");
    }
  }

  // --- Applications on an invoice state -----------------------------------------------------------

  @Provide
  Arbitrary<Draw> draws() {
    var kinds = Arbitraries.of(Application.Kind.PAYMENT, Application.Kind.CREDIT_NOTE);
    var fractions = Arbitraries.integers().between(1, 1000).map(permille -> BigDecimal.valueOf(permille, 3))
        .edgeCases(edges -> edges.add(BigDecimal.ONE));
    return Combinators.combine(kinds, fractions).as(Draw::new);
  }

  @Provide
  Arbitrary<BigDecimal> minorUnits() {
    return Arbitraries.longs().between(1, 10_000_000L).map(BigDecimal::valueOf).edgeCases(edges -> edges.add(BigDecimal.ONE));
  }

  @Property(tries = 500)
  void after_every_application_paid_plus_credited_plus_written_off_plus_balance_is_the_total(
      @ForAll("currencies3") String currency, @ForAll("minorUnits") BigDecimal totalMinor,
      @ForAll("drawList") List<Draw> draws) {
    int scale = Money.scale(currency);
    var total = totalMinor.movePointLeft(scale).setScale(scale);
    var state = InvoiceState.EMPTY.apply(issued(currency, total))
        .apply(new Invoice.DunningRaised(DunningLevel.REMINDER, 3, T0));
    assertInvariants(state, total, scale, false);

    boolean applied = false;
    for (int i = 0; i < draws.size() && state.balance().signum() > 0; i++) {
      var draw = draws.get(i);
      // At least one minor unit, never above the balance.
      var amount = state.balance().multiply(draw.fraction()).setScale(scale, java.math.RoundingMode.DOWN)
          .max(BigDecimal.ONE.movePointLeft(scale)).min(state.balance());
      state = state.apply(new Invoice.Applied(
          new Application("app-" + i, draw.kind(), amount, "ref-" + i, null, null, T0.plusSeconds(i))));
      applied = true;
      assertInvariants(state, total, scale, applied);
    }
  }

  @Provide
  Arbitrary<String> currencies3() {
    return currencies();
  }

  @Provide
  Arbitrary<List<Draw>> drawList() {
    return draws().list().ofMinSize(0).ofMaxSize(12);
  }

  private static void assertInvariants(InvoiceState state, BigDecimal total, int scale, boolean anythingApplied) {
    var sum = state.amountPaid().add(state.amountCredited()).add(state.amountWrittenOff()).add(state.balance());
    assertEquals(0, sum.compareTo(total), () -> "paid + credited + written off + balance = " + sum + ", total " + total);
    assertTrue(state.balance().signum() >= 0, "balance >= 0");
    assertTrue(state.balance().compareTo(total) <= 0, "balance <= total");
    assertEquals(scale, state.balance().scale(), "balance scale");
    assertEquals(scale, state.amountPaid().scale(), "paid scale");
    assertEquals(scale, state.amountCredited().scale(), "credited scale");
    assertEquals(scale, state.amountWrittenOff().scale(), "written-off scale");
    var paidFromApplications = state.applications().stream().filter(a -> a.kind() == Application.Kind.PAYMENT)
        .map(Application::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
    var creditedFromApplications = state.applications().stream().filter(a -> a.kind() == Application.Kind.CREDIT_NOTE)
        .map(Application::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
    assertEquals(0, paidFromApplications.compareTo(state.amountPaid()), "paid = sum of payments");
    assertEquals(0, creditedFromApplications.compareTo(state.amountCredited()), "credited = sum of credit notes");

    var status = state.status();
    assertEquals(!anythingApplied, status == InvoiceStatus.ISSUED, () -> "ISSUED iff nothing applied, was " + status);
    assertEquals(state.balance().signum() == 0, status == InvoiceStatus.PAID, () -> "PAID iff balance 0, was " + status);
    if (anythingApplied && state.balance().signum() > 0) {
      assertEquals(InvoiceStatus.PARTIALLY_PAID, status);
    }
    // Dunning (raised to REMINDER after issue) resets once nothing is owed.
    assertEquals(status == InvoiceStatus.PAID ? DunningLevel.NONE : DunningLevel.REMINDER, state.dunningLevel());
  }

  private static Invoice.Issued issued(String currency, BigDecimal total) {
    var line = new InvoiceLine(1, "SKU", 1, total, total, null, BigDecimal.ZERO, Money.zero(currency), total);
    return new Invoice.Issued("inv_p", "INV-2026-000001", "ord_p", "cust-p", null, currency, List.of(line), total,
        Money.zero(currency), total, LocalDate.parse("2026-11-02"), LocalDate.parse("2026-12-02"), T0);
  }
}
