package dev.o2c.invoice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.o2c.account.CustomerAccount;
import dev.o2c.account.CustomerState;
import dev.o2c.account.LedgerDecisions;
import dev.o2c.account.LedgerResult;
import dev.o2c.account.Receivable;
import dev.o2c.account.RefundResult;
import dev.o2c.infra.ValidationException;
import dev.o2c.money.Money;
import dev.o2c.order.OrderLine;
import dev.o2c.payment.Allocation;
import dev.o2c.payment.ChosenAllocation;
import dev.o2c.payment.PaymentLedgerResult;
import dev.o2c.payment.PaymentRequests;
import dev.o2c.payment.PaymentSettings;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * Money invariants of invoices. A draft's total is its subtotal plus the sum of its rounded line
 * taxes, every amount at the currency's scale. And on the ledger that holds invoices (the
 * customer's account): whatever is tried against an invoice (credit notes, payments naming it,
 * manual allocations, refunds of what is left over) with amounts within its balance, of all of
 * it, over it, negative, zero or with more decimals than the currency has, an amount that must
 * not be is refused (by the request's validation, as the API does before anything reaches the
 * account, or by the account) and persists nothing; and after every event the account accepts,
 * paid + credited + written off + balance = total and 0 &lt;= balance &lt;= total on every invoice.
 */
class InvoiceProperties {

  private static final Instant T0 = Instant.parse("2026-11-02T09:00:00Z");

  /** An order's lines in a currency, each line with its own tax rate. */
  record Order(String currency, List<OrderLine> lines, List<BigDecimal> percents) {}

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

  // --- The ledger of invoices: what is applied to them, and amounts that must not be ----------------

  /** What is tried against an invoice. */
  enum What {
    CREDIT_NOTE,
    PAYMENT,
    ALLOCATION,
    REFUND
  }

  /**
   * The amount tried: a part of the invoice's balance (of the unapplied cash, for a refund), all
   * of it, more than it, or hostile: negative, zero, or with one decimal more than the currency has.
   */
  enum Amount {
    PART,
    WHOLE,
    OVER,
    NEGATIVE,
    ZERO,
    TOO_MANY_DECIMALS;

    boolean hostile() {
      return this == NEGATIVE || this == ZERO || this == TOO_MANY_DECIMALS;
    }
  }

  record Attempt(What what, Amount amount, int pick, int permille) {}

  @Provide
  Arbitrary<List<Long>> invoiceTotals() {
    return Arbitraries.longs().between(1, 10_000_000L).edgeCases(edges -> edges.add(1L)).list().ofMinSize(1).ofMaxSize(3);
  }

  @Provide
  Arbitrary<List<Attempt>> attempts() {
    var attempt = Combinators.combine(Arbitraries.of(What.class), Arbitraries.of(Amount.class), Arbitraries.integers().between(0, 99),
        Arbitraries.integers().between(1, 1000).edgeCases(edges -> edges.add(1000))).as(Attempt::new);
    return attempt.list().ofMinSize(1).ofMaxSize(25);
  }

  @Provide
  Arbitrary<String> ledgerCurrencies() {
    return currencies();
  }

  @Property(tries = 300)
  void hostile_amounts_are_refused_and_every_invoice_adds_up_after_every_accepted_event(
      @ForAll("ledgerCurrencies") String currency, @ForAll("invoiceTotals") List<Long> totals, @ForAll("attempts") List<Attempt> attempts) {
    var ledger = new LedgerRun(currency, totals);
    ledger.assertInvoicesAddUp(() -> "after the invoices were issued");

    for (int i = 0; i < attempts.size(); i++) {
      ledger.now = T0.plusSeconds(60L * (i + 1));
      ledger.attempt(attempts.get(i), "attempt " + i + " " + attempts.get(i));
    }
  }

  /** One customer's account with a few open invoices, each already at the first dunning step. */
  private static final class LedgerRun {
    private static final LocalDate ISSUED = LocalDate.parse("2026-11-02");
    /** No tolerance (nothing written off), and nothing paid from leftovers automatically. */
    private static final PaymentSettings.Tenant PAYMENTS = new PaymentSettings.Tenant(Map.of(), null, false);

    final String currency;
    final int scale;
    final BigDecimal minorUnit;
    CustomerState state;
    Instant now = T0;
    int ids;

    LedgerRun(String currency, List<Long> totals) {
      this.currency = currency;
      this.scale = Money.scale(currency);
      this.minorUnit = BigDecimal.ONE.movePointLeft(scale);
      state = CustomerState.EMPTY.apply(new CustomerAccount.Created(
          "cust-p", "Prop", null, currency, new BigDecimal("100000000000"), 30, null, "hash", "test", T0));
      for (int i = 0; i < totals.size(); i++) {
        var total = BigDecimal.valueOf(totals.get(i), scale);
        var zero = Money.zero(currency);
        var number = InvoiceNumbers.format("INV", 2026, i + 1);
        var line = new InvoiceLine(1, "SKU", 1, total, total, null, BigDecimal.ZERO, zero, total);
        state = state.apply(new CustomerAccount.InvoiceIssued("inv_" + i, number, "ord_" + i, null, currency, List.of(line), total, zero,
            total, ISSUED, ISSUED.plusDays(30), T0));
        state = state.apply(new CustomerAccount.DunningLevelRaised("inv_" + i, number, DunningLevel.REMINDER, 3, false, T0));
      }
    }

    void attempt(Attempt attempt, String what) {
      var invoices = new ArrayList<>(state.receivables().keySet());
      invoices.addAll(state.settled().keySet());
      invoices.sort(null);
      var invoice = state.invoice(invoices.get(attempt.pick() % invoices.size()));
      var outcome = switch (attempt.what()) {
        case CREDIT_NOTE -> creditNote(attempt, invoice, what);
        case PAYMENT -> payment(attempt, invoice, what);
        case ALLOCATION -> allocation(attempt, invoice, what);
        case REFUND -> refund(attempt, what);
      };
      Statistics.label("outcomes").collect(attempt.what(), attempt.amount(), outcome);
    }

    BigDecimal amount(Amount kind, BigDecimal base, int permille) {
      var part = base.multiply(BigDecimal.valueOf(permille, 3)).setScale(scale, RoundingMode.DOWN).max(minorUnit);
      return switch (kind) {
        case PART -> part;
        case WHOLE -> base.max(minorUnit);
        case OVER -> base.add(minorUnit.multiply(BigDecimal.valueOf(permille)));
        case NEGATIVE -> part.negate();
        case ZERO -> Money.zero(currency);
        case TOO_MANY_DECIMALS -> part.add(minorUnit.movePointLeft(1));
      };
    }

    /** Runs the API's validation of a request; null when it refused the request (which must then be hostile). */
    <T> T validated(Amount kind, BigDecimal amount, Supplier<T> validation, String what) {
      try {
        T valid = validation.get();
        assertFalse(kind.hostile(), () -> "the hostile amount " + amount.toPlainString() + " got past the request's validation: " + what);
        return valid;
      } catch (ValidationException e) {
        assertTrue(kind.hostile(), () -> "the amount " + amount.toPlainString() + " was refused: " + e.errors() + ": " + what);
        assertTrue(e.errors().stream().anyMatch(error -> error.field().endsWith("amount")), () -> e.errors() + ": " + what);
        return null;
      }
    }

    String creditNote(Attempt attempt, Receivable invoice, String what) {
      var amount = amount(attempt.amount(), invoice.balance(), attempt.permille());
      var view = assertInstanceOf(InvoiceResult.Ok.class, LedgerDecisions.invoice(state, invoice.invoiceId())).invoice();
      var valid = validated(attempt.amount(), amount,
          () -> CreditNoteRequests.amount(new CreditNoteRequests.Create(amount, null, "goodwill"), view), what);
      if (valid == null) {
        return "refused by the request";
      }
      var before = state;
      var outcome = LedgerDecisions.issueCreditNote(state, invoice.invoiceId(), "cn_" + ++ids, valid, "goodwill", now);
      var note = assertInstanceOf(LedgerResult.CreditNote.class, outcome.reply(), what).creditNote();
      accept(outcome, what);
      // Never below zero: what is more than the balance goes to the customer's good.
      var applied = valid.min(invoice.balance());
      assertMoney(applied, note.appliedToInvoice(), what);
      assertMoney(valid.subtract(applied), note.toAccountCredit(), what);
      assertMoney(invoice.balance().subtract(applied), state.invoice(invoice.invoiceId()).balance(), what);
      assertMoney(before.accountCredit().add(valid).subtract(applied), state.accountCredit(), what);
      return "accepted";
    }

    String payment(Attempt attempt, Receivable invoice, String what) {
      var amount = amount(attempt.amount(), invoice.balance(), attempt.permille());
      var valid = validated(attempt.amount(), amount, () -> PaymentRequests.validate(
          new PaymentRequests.Create("cust-p", amount, currency, ISSUED, null, null, "Invoice " + invoice.invoiceNumber()), ISSUED), what);
      if (valid == null) {
        return "refused by the request";
      }
      var before = state;
      var outcome = LedgerDecisions.applyPayment(state, "pay_" + ++ids, valid.amount(), currency, ISSUED, valid.remittanceInfo(), PAYMENTS,
          now);
      assertInstanceOf(PaymentLedgerResult.Ok.class, outcome.reply(), what);
      accept(outcome, what);
      // A payment never takes more from an invoice than it owes: what is left over stays unapplied.
      var applied = assertInstanceOf(CustomerAccount.PaymentApplied.class, outcome.events().get(0));
      var allocated = BigDecimal.ZERO;
      for (Allocation a : applied.allocations()) {
        assertTrue(a.amount().signum() > 0 && a.amount().compareTo(before.invoice(a.invoiceId()).balance()) <= 0, () -> a + ": " + what);
        allocated = allocated.add(a.amount());
      }
      assertMoney(valid.amount(), allocated.add(applied.unapplied()), what);
      assertMoney(before.unappliedCash().add(applied.unapplied()), state.unappliedCash(), what);
      return "accepted";
    }

    String allocation(Attempt attempt, Receivable invoice, String what) {
      var amount = amount(attempt.amount(), invoice.balance(), attempt.permille());
      var valid = validated(attempt.amount(), amount, () -> PaymentRequests.validate(
          new PaymentRequests.Allocate(List.of(new PaymentRequests.AllocationRequest(invoice.invoiceId(), amount))), currency), what);
      if (valid == null) {
        return "refused by the request";
      }
      // The money of a payment the account has not seen yet: exactly what is allocated.
      var chosen = valid.get(0).amount();
      var outcome = LedgerDecisions.allocate(state, "pay_" + ++ids, chosen, currency, ISSUED, List.<ChosenAllocation>of(valid.get(0)), now);
      boolean open = state.receivables().containsKey(invoice.invoiceId());
      if (!open || chosen.compareTo(invoice.balance()) > 0) {
        assertTrue(attempt.amount() == Amount.OVER || invoice.balance().signum() == 0, what);
        assertInstanceOf(PaymentLedgerResult.Failed.class, outcome.reply(), () -> "an allocation over the balance: " + what);
        assertEquals(List.of(), outcome.events(), () -> "a refused allocation persists nothing: " + what);
        return "refused by the account";
      }
      assertInstanceOf(PaymentLedgerResult.Ok.class, outcome.reply(), what);
      accept(outcome, what);
      assertMoney(invoice.balance().subtract(chosen), state.invoice(invoice.invoiceId()).balance(), what);
      return "accepted";
    }

    String refund(Attempt attempt, String what) {
      var cash = state.unappliedCash();
      var amount = amount(attempt.amount(), cash, attempt.permille());
      var valid = validated(attempt.amount(), amount, () -> PaymentRequests.validate(new PaymentRequests.Refund(amount, currency, "IBAN")),
          what);
      if (valid == null) {
        return "refused by the request";
      }
      var outcome = LedgerDecisions.refund(state, "ref_" + ++ids, valid.amount(), currency, now);
      if (valid.amount().compareTo(cash) > 0) {
        assertInstanceOf(RefundResult.Failed.class, outcome.reply(), () -> "a refund over the unapplied cash: " + what);
        assertEquals(List.of(), outcome.events(), () -> "a refused refund persists nothing: " + what);
        return "refused by the account";
      }
      assertInstanceOf(RefundResult.Ok.class, outcome.reply(), what);
      accept(outcome, what);
      assertMoney(cash.subtract(valid.amount()), state.unappliedCash(), what);
      return "accepted";
    }

    /** Applies an accepted decision's events one by one, as they are replayed; every invoice adds up after each. */
    void accept(LedgerDecisions.Outcome<?> outcome, String what) {
      assertFalse(outcome.events().isEmpty(), () -> "an accepted change persists its events: " + what);
      for (var event : outcome.events()) {
        state = state.apply(event);
        assertInvoicesAddUp(() -> what + ", after " + event.getClass().getSimpleName());
      }
      assertEquals(outcome.after(), state);
    }

    void assertInvoicesAddUp(Supplier<String> when) {
      var open = BigDecimal.ZERO;
      var all = new ArrayList<>(state.receivables().values());
      all.addAll(state.settled().values());
      for (var r : all) {
        Supplier<String> at = () -> r.invoiceId() + " " + r + " (" + when.get() + ")";
        var sum = r.paid().add(r.credited()).add(r.writtenOff()).add(r.balance());
        assertEquals(0, sum.compareTo(r.total()), () -> "paid + credited + written off + balance = " + sum + ": " + at.get());
        assertTrue(r.balance().signum() >= 0 && r.balance().compareTo(r.total()) <= 0, () -> "0 <= balance <= total: " + at.get());
        assertTrue(r.paid().signum() >= 0 && r.credited().signum() >= 0 && r.writtenOff().signum() >= 0, () -> "nothing negative: " + at.get());
        for (var amount : List.of(r.balance(), r.paid(), r.credited(), r.writtenOff())) {
          assertTrue(Money.decimals(amount) <= scale, () -> "no more decimals than " + currency + ": " + at.get());
        }
        assertMoney(sumOf(r, Application.Kind.PAYMENT), r.paid(), "paid = the payments recorded on it: " + at.get());
        assertMoney(sumOf(r, Application.Kind.CREDIT_NOTE), r.credited(), "credited = the credit notes recorded on it: " + at.get());
        assertMoney(sumOf(r, Application.Kind.WRITE_OFF), r.writtenOff(), "written off = the write-offs recorded on it: " + at.get());
        boolean anything = r.paid().signum() > 0 || r.credited().signum() > 0 || r.writtenOff().signum() > 0;
        assertEquals(!anything, r.status() == InvoiceStatus.ISSUED, () -> "ISSUED iff nothing applied: " + at.get());
        assertEquals(r.balance().signum() == 0, r.status() == InvoiceStatus.PAID, () -> "PAID iff nothing owed: " + at.get());
        // Dunning (at REMINDER since the issue) starts over once nothing is owed.
        assertEquals(r.balance().signum() == 0 ? DunningLevel.NONE : DunningLevel.REMINDER, r.dunningLevel(), at.get());
        assertEquals(r.balance().signum() > 0, state.receivables().containsKey(r.invoiceId()), () -> "open iff something owed: " + at.get());
        if (r.balance().signum() > 0) {
          open = open.add(r.balance());
        }
      }
      assertMoney(open, state.receivable(), "receivable = the open balances (" + when.get() + ")");
      assertTrue(state.accountCredit().signum() >= 0 && state.unappliedCash().signum() >= 0, () -> "nothing negative: " + when.get());
    }

    private static BigDecimal sumOf(Receivable r, Application.Kind kind) {
      return r.applications().stream().filter(a -> a.kind() == kind).map(Application::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
    }
  }

  private static void assertMoney(BigDecimal expected, BigDecimal actual, String what) {
    assertTrue(actual != null && expected.compareTo(actual) == 0, () -> what + ": expected " + expected + " but was " + actual);
  }
}
