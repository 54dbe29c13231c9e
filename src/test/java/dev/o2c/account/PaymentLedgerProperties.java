package dev.o2c.account;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.o2c.account.CustomerAccount.AllocatePayment;
import dev.o2c.account.CustomerAccount.ApplyPayment;
import dev.o2c.account.CustomerAccount.CancelInvoice;
import dev.o2c.account.CustomerAccount.Created;
import dev.o2c.account.CustomerAccount.Event;
import dev.o2c.account.CustomerAccount.InvoiceVoided;
import dev.o2c.account.CustomerAccount.IssueCreditNote;
import dev.o2c.account.CustomerAccount.IssueRefund;
import dev.o2c.account.CustomerAccount.PaymentApplied;
import dev.o2c.account.CustomerAccount.ReceivableRecorded;
import dev.o2c.account.CustomerAccount.RecordReceivable;
import dev.o2c.account.CustomerAccount.ReversePayment;
import dev.o2c.account.CustomerAccount.UnallocatePayment;
import dev.o2c.invoice.DunningLevel;
import dev.o2c.invoice.InvoicingSettings;
import dev.o2c.invoice.TaxRates;
import dev.o2c.money.Money;
import dev.o2c.payment.Allocation;
import dev.o2c.payment.ChosenAllocation;
import dev.o2c.payment.PaymentEntry;
import dev.o2c.payment.PaymentLedgerResult;
import dev.o2c.payment.PaymentSettings;
import dev.o2c.payment.Rule;
import dev.o2c.payment.WriteOff;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Tuple;

/**
 * The customer account as the ledger of its payments, driven by random sequences of what happens
 * to one account: invoices recorded (paid from unapplied cash and account credit when the tenant
 * auto-applies), payments matched with and without remittance text and tolerance, credit notes,
 * manual allocations (valid and not), unallocations, reversals, refunds (within and over the
 * unapplied cash), cancellations, and requests in another currency. Every decision's events are
 * applied, and after every step the money adds up; at the end a replay of the events gives the
 * same account.
 *
 * <p>A payment's cash: allocations + unapplied + refunded = amount. Its write-offs are recorded
 * beside it and are not cash (domain.md writes "allocations + write-offs + unapplied = amount",
 * which its own tolerance example contradicts: 99.50 paid, 99.50 allocated, 0.50 written off).
 */
class PaymentLedgerProperties {

  private static final Instant T0 = Instant.parse("2026-03-01T08:00:00Z");
  private static final LocalDate DAY0 = LocalDate.parse("2026-03-01");
  private static final String EUR = "EUR";
  private static final String OTHER = "USD";

  // --- What can happen to an account ------------------------------------------------------------

  /** One thing that happens to the account; picks choose among what exists when it happens. */
  sealed interface Step permits Invoice, Pay, Credit, Allocate, Unallocate, Reverse, Refund, Cancel {}

  /** An invoice recorded ({@code again}: one recorded before, sent again). */
  record Invoice(long minor, int dueIn, int issuedAgo, boolean withReference, boolean again, int pick) implements Step {}

  /**
   * A payment: amount kind (0 drawn, 1 an open balance, 2 an open balance less a little with the
   * invoice named, 3 two balances, 4 more than everything), text kind (0 none, 1 a number, 2 a
   * number and an order id, 3 noise, 4 bank reference); variant 0 new, 1 in another currency, 2 a
   * payment id seen before.
   */
  record Pay(int amountKind, long minor, int pick1, int pick2, int textKind, int variant, int receivedIn) implements Step {}

  record Credit(int pick, long minor, boolean unknownInvoice) implements Step {}

  /** Chosen kind: 0 part of an open balance, 1 one minor unit over an open balance, 2 an unknown invoice, 3 a settled one. */
  record Chosen(int kind, int pick, int permille) {}

  /** A manual allocation: of a known payment, or of one the account has not seen, or in another currency. */
  record Allocate(int paymentPick, boolean newPayment, long newMinor, boolean foreign, List<Chosen> chosen) implements Step {}

  record Unallocate(int paymentPick, int invoicePick, boolean ofItsOwn) implements Step {}

  record Reverse(int paymentPick, boolean unknown) implements Step {}

  /** Kind: 0 part of the unapplied cash, 1 one minor unit over it, 2 all of it, 3 in another currency. */
  record Refund(int kind, int permille) implements Step {}

  record Cancel(int pick, boolean notYetRecorded) implements Step {}

  /**
   * The account's currency and the tenant's payment settings: tolerance 0 none, 1 absolute (100
   * minor units), 2 absolute and 2 percent of the invoice total.
   */
  record Settings(String currency, int tolerance, boolean autoApply) {
    PaymentSettings.Tenant tenant() {
      var absolute = BigDecimal.valueOf(100, Money.scale(currency));
      return switch (tolerance) {
        case 0 -> new PaymentSettings.Tenant(Map.of(), null, autoApply);
        case 1 -> new PaymentSettings.Tenant(Map.of(currency, absolute), null, autoApply);
        default -> new PaymentSettings.Tenant(Map.of(currency, absolute), new BigDecimal("2"), autoApply);
      };
    }
  }

  @Provide
  Arbitrary<Settings> settings() {
    return Combinators.combine(Arbitraries.of(EUR, "JPY", "KWD"), Arbitraries.integers().between(0, 2), Arbitraries.of(true, false))
        .as(Settings::new);
  }

  @Provide
  Arbitrary<List<Step>> steps() {
    var pick = Arbitraries.integers().between(0, 999);
    var minor = Arbitraries.longs().between(1, 60_000);
    var permille = Arbitraries.integers().between(1, 1000);
    Arbitrary<Step> invoice = Combinators.combine(minor, Arbitraries.integers().between(0, 60), Arbitraries.integers().between(0, 20),
        Arbitraries.of(true, false), Arbitraries.frequency(Tuple.of(9, false), Tuple.of(1, true)), pick).as(Invoice::new);
    Arbitrary<Step> pay = Combinators.combine(Arbitraries.integers().between(0, 4), minor, pick, pick,
        Arbitraries.integers().between(0, 4), Arbitraries.frequency(Tuple.of(8, 0), Tuple.of(1, 1), Tuple.of(1, 2)),
        Arbitraries.integers().between(0, 10)).as(Pay::new);
    Arbitrary<Step> credit = Combinators.combine(pick, minor, Arbitraries.frequency(Tuple.of(9, false), Tuple.of(1, true)))
        .as(Credit::new);
    var chosen = Combinators.combine(Arbitraries.frequency(Tuple.of(12, 0), Tuple.of(1, 1), Tuple.of(1, 2), Tuple.of(1, 3)), pick, permille)
        .as(Chosen::new);
    Arbitrary<Step> allocate = Combinators.combine(pick, Arbitraries.frequency(Tuple.of(4, false), Tuple.of(1, true)), minor,
        Arbitraries.frequency(Tuple.of(9, false), Tuple.of(1, true)), chosen.list().ofMinSize(1).ofMaxSize(3)).as(Allocate::new);
    Arbitrary<Step> unallocate = Combinators.combine(pick, pick, Arbitraries.frequency(Tuple.of(4, true), Tuple.of(1, false)))
        .as(Unallocate::new);
    Arbitrary<Step> reverse = Combinators.combine(pick, Arbitraries.frequency(Tuple.of(9, false), Tuple.of(1, true))).as(Reverse::new);
    Arbitrary<Step> refund = Combinators.combine(Arbitraries.frequency(Tuple.of(5, 0), Tuple.of(2, 1), Tuple.of(2, 2), Tuple.of(1, 3)),
        permille).as(Refund::new);
    Arbitrary<Step> cancel = Combinators.combine(pick, Arbitraries.frequency(Tuple.of(3, false), Tuple.of(1, true))).as(Cancel::new);
    return Arbitraries.frequencyOf(Tuple.of(6, invoice), Tuple.of(6, pay), Tuple.of(2, credit), Tuple.of(3, allocate),
        Tuple.of(2, unallocate), Tuple.of(1, reverse), Tuple.of(2, refund), Tuple.of(1, cancel)).list().ofMinSize(5).ofMaxSize(40)
        .withSizeDistribution(RandomDistribution.uniform());
  }

  // --- The property ------------------------------------------------------------------------------

  @Property(tries = 200)
  void money_adds_up_after_every_step_and_a_replay_gives_the_same_account(
      @ForAll("settings") Settings settings, @ForAll("steps") List<Step> steps) {
    var run = new Run(settings.tenant(), settings.currency());
    for (int i = 0; i < steps.size(); i++) {
      var step = steps.get(i);
      run.now = T0.plusSeconds(60L * (i + 1));
      run.perform(step);
      assertInvariants(run.state, "after step " + i + " " + step);
    }
    var replayed = CustomerState.EMPTY;
    for (var event : run.events) {
      replayed = replayed.apply(event);
    }
    assertEquals(run.state, replayed, "the replayed account");
  }

  // --- The worked examples through the account ---------------------------------------------------

  @Example
  void a_payment_naming_B_leaves_130_on_B() {
    var run = exampleAccount(new PaymentSettings.Tenant(Map.of(EUR, new BigDecimal("1.00")), null, true));

    run.pay("pay_3", "120.00", EUR, "pay inv for INV-2026-000102");

    var b = run.state.receivables().get("inv_b");
    assertMoney("130.00", b.balance());
    assertMoney("120.00", b.paid());
    assertMoney("270.00", run.state.receivable());
    assertInvariants(run.state, "example 3");
  }

  @Example
  void a_short_payment_naming_A_within_tolerance_settles_A() {
    var run = exampleAccount(new PaymentSettings.Tenant(Map.of(EUR, new BigDecimal("1.00")), null, true));

    run.pay("pay_4", "99.50", EUR, "INV-2026-000101");

    assertTrue(!run.state.receivables().containsKey("inv_a"), "A is no longer open");
    var a = run.state.settled().get("inv_a");
    assertMoney("99.50", a.paid());
    assertMoney("0.50", a.writtenOff());
    assertMoney("0", a.balance());
    var p = run.state.payments().get("pay_4");
    assertMoney("99.50", p.allocated());
    assertMoney("0", p.unapplied());
    assertEquals(List.of(new WriteOff("inv_a", "INV-2026-000101", new BigDecimal("0.50"), Rule.TOLERANCE)), p.writeOffs());
    assertInvariants(run.state, "example 4");
  }

  @Example
  void an_overpayment_stays_unapplied_and_pays_the_next_invoice_with_account_credit() {
    var run = exampleAccount(new PaymentSettings.Tenant(Map.of(), null, true));

    run.pay("pay_5", "500.00", EUR, null);
    assertMoney("110.00", run.state.unappliedCash());
    assertMoney("-110.00", run.state.balance());
    run.record(new ReceivableInfo("inv_e", "INV-2026-000105", "ord_e", null, EUR, new BigDecimal("80.00"), DAY0, DAY0.plusDays(30)));

    assertTrue(run.state.settled().containsKey("inv_e"), "the new invoice is paid from the unapplied cash");
    assertEquals(List.of("INV-2026-000105 80.00 ACCOUNT_CREDIT"), run.state.payments().get("pay_5").allocations().stream()
        .filter(a -> a.rule() == Rule.ACCOUNT_CREDIT).map(a -> a.invoiceNumber() + " " + a.amount().toPlainString() + " " + a.rule())
        .toList());
    assertMoney("30.00", run.state.unappliedCash());
    assertInvariants(run.state, "example 5");
  }

  /**
   * An order of free items makes an invoice of 0.00 (unit prices of zero are valid): nothing is
   * owed on it, so it is not an open receivable, and dunning never chases it.
   */
  @Example
  void an_invoice_of_nothing_is_not_open_and_never_dunned() {
    var run = new Run(new PaymentSettings.Tenant(Map.of(), null, true));

    run.record(new ReceivableInfo("inv_0", "INV-2026-000001", "ord_0", null, EUR, new BigDecimal("0.00"), DAY0, DAY0.plusDays(30)));

    assertTrue(!run.state.receivables().containsKey("inv_0"), "an invoice of 0.00 is not an open receivable");
    var dunning = new InvoicingSettings.Tenant(InvoicingSettings.InvoiceOn.VERIFIED, "INV", new TaxRates(BigDecimal.ZERO, Map.of()),
        List.of(new InvoicingSettings.Step(30, DunningLevel.FINAL_NOTICE, true)));
    var steps = Ledger.dunning(run.state, DAY0.plusDays(90), dunning, run.now);
    assertEquals(List.of(), steps, "dunning steps on an invoice of 0.00");
  }

  /** Customer C with the worked example's open invoices A 100.00 due 1 Mar, B 250.00 due 5 Mar, D 40.00 due 9 Mar. */
  private static Run exampleAccount(PaymentSettings.Tenant settings) {
    var run = new Run(settings);
    LocalDate issued = LocalDate.parse("2026-02-01");
    run.record(new ReceivableInfo("inv_a", "INV-2026-000101", "ord_a", null, EUR, new BigDecimal("100.00"), issued, DAY0));
    run.record(new ReceivableInfo("inv_b", "INV-2026-000102", "ord_b", null, EUR, new BigDecimal("250.00"), issued, DAY0.plusDays(4)));
    run.record(new ReceivableInfo("inv_d", "INV-2026-000104", "ord_d", null, EUR, new BigDecimal("40.00"), issued, DAY0.plusDays(8)));
    return run;
  }

  // --- Running steps -----------------------------------------------------------------------------

  /** One account under test: its state, every event persisted, and the ids handed out. */
  private static final class Run {
    final PaymentSettings.Tenant settings;
    final String currency;
    final int scale;
    final List<Event> events = new ArrayList<>();
    CustomerState state;
    Instant now = T0;
    int invoices;
    int payments;
    int notes;
    int refunds;

    Run(PaymentSettings.Tenant settings) {
      this(settings, EUR);
    }

    Run(PaymentSettings.Tenant settings, String currency) {
      this.settings = settings;
      this.currency = currency;
      this.scale = Money.scale(currency);
      var created = new Created("cust-p", "Prop", "ap@prop.example", currency, minor(100_000_000L), 30, null, "hash", "test", T0);
      events.add(created);
      state = CustomerState.EMPTY.apply(created);
    }

    /** Applies a decision's events (as the entity persists them) and returns its reply. */
    <R> R decide(Decision<R> decision) {
      var s = state;
      for (var e : decision.events()) {
        s = s.apply(e);
      }
      events.addAll(decision.events());
      state = s;
      return decision.reply().apply(s);
    }

    void perform(Step step) {
      if (step instanceof Invoice i) {
        invoice(i);
      } else if (step instanceof Pay p) {
        pay(p);
      } else if (step instanceof Credit c) {
        credit(c);
      } else if (step instanceof Allocate a) {
        allocate(a);
      } else if (step instanceof Unallocate u) {
        unallocate(u);
      } else if (step instanceof Reverse r) {
        reverse(r);
      } else if (step instanceof Refund r) {
        refund(r);
      } else if (step instanceof Cancel c) {
        cancel(c);
      }
    }

    // Invoices ----------------------------------------------------------------------------------

    void record(ReceivableInfo info) {
      var before = state;
      boolean known = before.knowsInvoice(info.invoiceId());
      boolean cancelled = before.cancelledInvoices().contains(info.invoiceId());
      var decision = AccountDecisions.recordReceivable(before, new RecordReceivable(info, null), now,
          PaymentLedger.autoApply(before, info, settings, now));
      decide(decision);
      if (known) {
        assertEquals(List.of(), decision.events(), "an invoice recorded again changes nothing");
        return;
      }
      assertInstanceOf(ReceivableRecorded.class, decision.events().get(0));
      if (cancelled) {
        assertEquals(2, decision.events().size(), "recorded and voided at once: " + decision.events());
        assertInstanceOf(InvoiceVoided.class, decision.events().get(1));
        assertTrue(state.settled().get(info.invoiceId()).voided(), "an invoice of a cancelled order is void");
        assertMoney(before.unappliedCash(), state.unappliedCash());
        return;
      }
      // Paid from unapplied cash first, then from account credit, when the tenant auto-applies.
      var fromCash = settings.autoApply() ? info.total().min(before.unappliedCash()) : BigDecimal.ZERO;
      var fromCredit = settings.autoApply() ? info.total().subtract(fromCash).min(before.accountCredit()) : BigDecimal.ZERO;
      var r = receivable(info.invoiceId());
      assertMoney(info.total().subtract(fromCash).subtract(fromCredit), r.balance());
      assertMoney(fromCash, r.paid());
      assertMoney(fromCredit, r.credited());
      assertMoney(before.unappliedCash().subtract(fromCash), state.unappliedCash());
      assertMoney(before.accountCredit().subtract(fromCredit), state.accountCredit());
      if (fromCash.signum() > 0) {
        assertTrue(state.payments().values().stream().flatMap(p -> p.allocations().stream())
            .anyMatch(a -> a.invoiceId().equals(info.invoiceId()) && a.rule() == Rule.ACCOUNT_CREDIT), "an ACCOUNT_CREDIT allocation");
      }
    }

    void invoice(Invoice step) {
      var known = knownInvoices();
      if (step.again() && !known.isEmpty()) {
        var r = receivable(known.get(step.pick() % known.size()));
        record(new ReceivableInfo(r.invoiceId(), r.invoiceNumber(), r.orderId(), r.externalReference(), r.currency(), r.total(),
            r.issuedOn(), r.dueOn()));
        return;
      }
      int n = ++invoices;
      record(new ReceivableInfo("inv_" + n, String.format("INV-2026-%06d", n), "ord_" + n, step.withReference() ? "PO-" + n : null,
          currency, minor(step.minor()), DAY0.minusDays(step.issuedAgo()), DAY0.plusDays(step.dueIn())));
    }

    void credit(Credit step) {
      var known = knownInvoices();
      String invoiceId = step.unknownInvoice() || known.isEmpty() ? "inv_unknown" : known.get(step.pick() % known.size());
      var amount = minor(step.minor());
      var before = state;
      var decision = AccountDecisions.issueCreditNote(before, new IssueCreditNote(invoiceId, "cn_" + ++notes, amount, "goodwill", "test",
          null), now);
      var reply = decide(decision);
      Receivable r = before.knowsInvoice(invoiceId) ? receivableIn(before, invoiceId) : null;
      if (r == null || r.voided()) {
        assertRefused(reply instanceof LedgerResult.Failed, decision, "a credit note on an unknown or void invoice");
        return;
      }
      assertEquals(1, decision.events().size());
      var applied = amount.min(r.balance());
      assertMoney(r.balance().subtract(applied), receivable(invoiceId).balance());
      assertMoney(before.accountCredit().add(amount).subtract(applied), state.accountCredit());
    }

    void cancel(Cancel step) {
      var known = knownInvoices();
      if (step.notYetRecorded() || known.isEmpty()) {
        String next = "inv_" + (invoices + 1);
        var decision = AccountDecisions.cancelInvoice(state, new CancelInvoice(next, "ord_" + (invoices + 1), "test", null), now);
        decide(decision);
        assertTrue(state.cancelledInvoices().contains(next), "the cancellation is noted for when the invoice arrives");
        return;
      }
      String invoiceId = known.get(step.pick() % known.size());
      var before = receivable(invoiceId);
      var decision = AccountDecisions.cancelInvoice(state, new CancelInvoice(invoiceId, before.orderId(), "test", null), now);
      decide(decision);
      var after = receivable(invoiceId);
      if (!decision.events().isEmpty()) {
        assertTrue(after.voided() || after.balance().signum() == 0, () -> "a cancelled order's invoice owes nothing: " + after);
      }
      if (before.untouched() && !before.voided()) {
        assertTrue(after.voided(), "an invoice with nothing applied is voided");
      }
    }

    // Payments ----------------------------------------------------------------------------------

    void pay(Pay step) {
      var open = openInvoices();
      var known = knownInvoices();
      BigDecimal amount = minor(step.minor());
      String text = null;
      String bankReference = null;
      switch (step.amountKind()) {
        case 1 -> amount = open.isEmpty() ? amount : pickOpen(open, step.pick1()).balance();
        case 2 -> {
          if (!open.isEmpty()) {
            var r = pickOpen(open, step.pick1());
            amount = r.balance().subtract(minor(step.minor() % 150)).max(minor(1));
            text = "Invoice #" + r.invoiceNumber() + ", thanks";
          }
        }
        case 3 -> {
          if (open.size() >= 2) {
            var a = pickOpen(open, step.pick1());
            var b = pickOpen(open, step.pick2());
            amount = a.invoiceId().equals(b.invoiceId()) ? a.balance() : a.balance().add(b.balance());
          }
        }
        case 4 -> amount = state.receivable().add(amount);
        default -> { }
      }
      if (text == null && !known.isEmpty()) {
        var a = receivable(known.get(step.pick1() % known.size()));
        var b = receivable(known.get(step.pick2() % known.size()));
        switch (step.textKind()) {
          case 1 -> text = "pay " + (step.pick2() % 2 == 0 ? a.invoiceNumber().toLowerCase() : a.invoiceNumber());
          case 2 -> text = a.invoiceNumber() + "/" + b.orderId().toUpperCase() + ".";
          case 3 -> text = "payment for march, see attached";
          case 4 -> bankReference = a.externalReference() != null ? a.externalReference() : a.invoiceNumber();
          default -> { }
        }
      }
      String paymentId = "pay_" + ++payments;
      String paidIn = currency;
      if (step.variant() == 1) {
        paidIn = OTHER;
      } else if (step.variant() == 2 && !state.payments().isEmpty()) {
        paymentId = pickPayment(step.pick2());
      }
      apply(paymentId, amount, paidIn, DAY0.plusDays(step.receivedIn()), text, bankReference);
    }

    void pay(String paymentId, String amount, String currency, String text) {
      apply(paymentId, new BigDecimal(amount), currency, DAY0, text, null);
    }

    void apply(String paymentId, BigDecimal amount, String currency, LocalDate receivedOn, String text, String bankReference) {
      var before = state;
      var cmd = new ApplyPayment(paymentId, amount, currency, receivedOn, text, bankReference, null);
      var decision = PaymentLedger.apply(before, cmd, settings, now);
      var reply = decide(decision);
      if (!currency.equals(before.currency())) {
        assertRefused(reply instanceof PaymentLedgerResult.Failed, decision, "a payment in " + currency);
        return;
      }
      var known = before.payments().get(paymentId);
      if (known != null) {
        assertEquals(List.of(), decision.events(), "a payment applied again changes nothing");
        assertEquals(new PaymentLedgerResult.Ok(known), reply);
        return;
      }
      assertEquals(1, decision.events().size());
      var applied = assertInstanceOf(PaymentApplied.class, decision.events().get(0));
      var ok = assertInstanceOf(PaymentLedgerResult.Ok.class, reply);
      assertEquals(state.payments().get(paymentId), ok.payment());
      assertMoney(amount, sum(applied.allocations()).add(applied.unapplied()));
      var seen = new ArrayList<String>();
      for (var a : applied.allocations()) {
        var r = before.receivables().get(a.invoiceId());
        assertNotNull(r, () -> "matching pays open invoices only: " + a);
        assertTrue(a.amount().signum() > 0 && a.amount().compareTo(r.balance()) <= 0, () -> "within the balance: " + a + " of " + r);
        assertTrue(!seen.contains(a.invoiceId()), () -> "one allocation per invoice: " + applied.allocations());
        seen.add(a.invoiceId());
      }
      var tolerance = settings.tolerance(currency);
      for (var w : applied.writeOffs()) {
        assertNotNull(tolerance.absolute(), "no tolerance, no write-off");
        assertTrue(w.amount().compareTo(tolerance.absolute()) <= 0, () -> "within the tolerance: " + w);
        assertTrue(applied.allocations().stream().anyMatch(a -> a.invoiceId().equals(w.invoiceId())
            && a.rule() != Rule.OLDEST_FIRST), () -> "written off only where chosen by reference or amount: " + applied);
        assertEquals(0, receivable(w.invoiceId()).balance().signum(), "a written-off invoice is settled");
      }
      var taken = sum(applied.allocations()).add(writtenOff(applied.writeOffs()));
      assertMoney(before.receivable().subtract(taken), state.receivable());
      assertMoney(before.unappliedCash().add(applied.unapplied()), state.unappliedCash());
    }

    void allocate(Allocate step) {
      var before = state;
      String paymentId;
      BigDecimal amount = minor(step.newMinor());
      if (step.newPayment() || before.payments().isEmpty()) {
        paymentId = "pay_" + ++payments;
      } else {
        paymentId = pickPayment(step.paymentPick());
      }
      var withCash = before.payments().values().stream().filter(p -> p.unapplied().signum() > 0).map(PaymentEntry::paymentId)
          .sorted().toList();
      if (!step.newPayment() && !withCash.isEmpty() && step.paymentPick() % 3 != 0) {
        paymentId = withCash.get(step.paymentPick() % withCash.size()); // mostly a payment that has money to allocate
      }
      var payment = before.payments().get(paymentId);
      var unapplied = payment == null ? amount : payment.unapplied();
      var open = openInvoices();
      var settled = before.settled().keySet().stream().sorted().toList();
      var chosen = new LinkedHashMap<String, BigDecimal>();
      var left = unapplied;
      for (var c : step.chosen()) {
        String invoiceId;
        BigDecimal value;
        if (c.kind() <= 1 && !open.isEmpty()) {
          var r = pickOpen(open, c.pick());
          invoiceId = r.invoiceId();
          // Kind 0: a part of what the balance and the payment's money left allow (at least one minor unit).
          var part = r.balance().min(left.max(BigDecimal.ZERO)).multiply(BigDecimal.valueOf(c.permille(), 3));
          value = c.kind() == 1 ? r.balance().add(minor(1)) : part.setScale(scale, RoundingMode.DOWN).max(minor(1));
        } else if (c.kind() == 3 && !settled.isEmpty()) {
          invoiceId = settled.get(c.pick() % settled.size());
          value = minor(100);
        } else {
          invoiceId = "inv_unknown_" + c.pick();
          value = minor(100);
        }
        if (!chosen.containsKey(invoiceId)) { // the API refuses an invoice named twice before the account sees it
          chosen.put(invoiceId, value);
          left = left.subtract(value);
        }
      }
      var total = chosen.values().stream().reduce(BigDecimal.ZERO, BigDecimal::add);
      boolean valid = !step.foreign() && (payment == null || !payment.reversed()) && total.compareTo(unapplied) <= 0
          && chosen.entrySet().stream().allMatch(e -> before.receivables().containsKey(e.getKey())
              && e.getValue().compareTo(before.receivables().get(e.getKey()).balance()) <= 0);
      var allocations = chosen.entrySet().stream().map(e -> new ChosenAllocation(e.getKey(), e.getValue())).toList();
      var decision = PaymentLedger.allocate(before, new AllocatePayment(paymentId, amount, step.foreign() ? OTHER : currency, DAY0,
          allocations, "test", null), now);
      var reply = decide(decision);
      if (!valid) {
        assertRefused(reply instanceof PaymentLedgerResult.Failed, decision, "the allocations " + chosen + " of " + payment);
        return;
      }
      assertInstanceOf(PaymentLedgerResult.Ok.class, reply, () -> "the allocations " + chosen + " of " + payment);
      assertEquals(payment == null ? 2 : 1, decision.events().size(), "learnt (if new) and allocated");
      for (var e : chosen.entrySet()) {
        var r = receivable(e.getKey());
        assertMoney(before.receivables().get(e.getKey()).balance().subtract(e.getValue()), r.balance());
      }
      assertMoney(unapplied.subtract(total), state.payments().get(paymentId).unapplied());
      assertTrue(state.payments().get(paymentId).allocations().stream().filter(a -> a.rule() == Rule.MANUAL).count() >= chosen.size());
    }

    void unallocate(Unallocate step) {
      if (state.payments().isEmpty()) {
        return;
      }
      var before = state;
      String paymentId = pickPayment(step.paymentPick());
      var payment = before.payments().get(paymentId);
      var own = payment.allocations().stream().map(Allocation::invoiceId).distinct().sorted().toList();
      var known = knownInvoices();
      String invoiceId = step.ofItsOwn() && !own.isEmpty() ? own.get(step.invoicePick() % own.size())
          : known.isEmpty() ? "inv_unknown" : known.get(step.invoicePick() % known.size());
      var allocated = payment.allocatedTo(invoiceId);
      var writtenOff = payment.writeOffs().stream().filter(w -> w.invoiceId().equals(invoiceId)).map(WriteOff::amount)
          .reduce(BigDecimal.ZERO, BigDecimal::add);
      var decision = PaymentLedger.unallocate(before, new UnallocatePayment(paymentId, invoiceId, "test", null), now);
      var reply = decide(decision);
      if (allocated.signum() == 0) {
        assertRefused(reply instanceof PaymentLedgerResult.Failed, decision, "unallocating what " + paymentId + " did not pay");
        return;
      }
      assertEquals(1, decision.events().size());
      var after = state.payments().get(paymentId);
      assertMoney(payment.unapplied().add(allocated), after.unapplied());
      assertTrue(after.allocations().stream().noneMatch(a -> a.invoiceId().equals(invoiceId)), "no allocation left to the invoice");
      assertTrue(after.writeOffs().stream().noneMatch(w -> w.invoiceId().equals(invoiceId)), "no write-off left on the invoice");
      var r = receivable(invoiceId);
      if (!r.voided()) {
        assertMoney(receivableIn(before, invoiceId).balance().add(allocated).add(writtenOff), r.balance());
      }
    }

    void reverse(Reverse step) {
      var before = state;
      String paymentId = step.unknown() || before.payments().isEmpty() ? "pay_unknown" : pickPayment(step.paymentPick());
      var payment = before.payments().get(paymentId);
      var decision = PaymentLedger.reverse(before, new ReversePayment(paymentId, "returned", "test", null), now);
      var reply = decide(decision);
      if (payment == null || payment.refunded().signum() > 0) {
        assertRefused(reply instanceof PaymentLedgerResult.Failed, decision, "reversing " + payment);
        return;
      }
      if (payment.reversed()) {
        assertEquals(List.of(), decision.events(), "reversing again changes nothing");
        return;
      }
      assertEquals(1, decision.events().size());
      var after = state.payments().get(paymentId);
      assertTrue(after.reversed());
      assertMoney(before.unappliedCash().subtract(payment.unapplied()), state.unappliedCash());
      var restored = sum(payment.allocations()).add(writtenOff(payment.writeOffs()));
      assertMoney(before.receivable().add(restored), state.receivable());
    }

    void refund(Refund step) {
      var before = state;
      var unapplied = before.unappliedCash();
      BigDecimal amount = switch (step.kind()) {
        case 1 -> unapplied.add(minor(1));
        case 2 -> unapplied.max(minor(1));
        default -> unapplied.multiply(BigDecimal.valueOf(step.permille(), 3)).setScale(scale, RoundingMode.DOWN).max(minor(1));
      };
      String refundIn = step.kind() == 3 ? OTHER : currency;
      var decision = PaymentLedger.refund(before, new IssueRefund("ref_" + ++refunds, amount, refundIn, "IBAN", "test", null), now);
      var reply = decide(decision);
      if (step.kind() == 3 || amount.compareTo(unapplied) > 0) {
        assertRefused(reply instanceof RefundResult.Failed, decision, "refunding " + amount + " " + refundIn + " of " + unapplied);
        return;
      }
      assertInstanceOf(RefundResult.Ok.class, reply);
      assertEquals(1, decision.events().size());
      assertMoney(unapplied.subtract(amount), state.unappliedCash());
    }

    /** An amount in minor units of the account's currency. */
    BigDecimal minor(long units) {
      return BigDecimal.valueOf(units, scale);
    }

    // Picks -------------------------------------------------------------------------------------

    List<String> knownInvoices() {
      var ids = new ArrayList<>(state.receivables().keySet());
      ids.addAll(state.settled().keySet());
      ids.sort(null);
      return ids;
    }

    List<Receivable> openInvoices() {
      return state.receivables().values().stream().sorted(Comparator.comparing(Receivable::invoiceId)).toList();
    }

    String pickPayment(int pick) {
      var ids = state.payments().keySet().stream().sorted().toList();
      return ids.get(pick % ids.size());
    }

    Receivable receivable(String invoiceId) {
      return receivableIn(state, invoiceId);
    }
  }

  private static Receivable pickOpen(List<Receivable> open, int pick) {
    return open.get(pick % open.size());
  }

  private static Receivable receivableIn(CustomerState s, String invoiceId) {
    var r = s.receivables().get(invoiceId);
    return r != null ? r : s.settled().get(invoiceId);
  }

  // --- Invariants ----------------------------------------------------------------------------------

  private static void assertInvariants(CustomerState s, String when) {
    Function<String, String> at = what -> what + " (" + when + ")";
    // Payments: the cash adds up; a reversed payment holds nothing; nothing negative; one currency.
    var unapplied = BigDecimal.ZERO;
    var refunded = BigDecimal.ZERO;
    for (PaymentEntry p : s.payments().values()) {
      assertEquals(s.currency(), p.currency(), at.apply("payment currency " + p.paymentId()));
      assertTrue(p.amount().signum() > 0 && p.unapplied().signum() >= 0 && p.refunded().signum() >= 0, at.apply("amounts of " + p));
      for (var a : p.allocations()) {
        assertTrue(a.amount().signum() > 0, at.apply("allocation above zero: " + a));
        var r = receivableIn(s, a.invoiceId());
        assertNotNull(r, at.apply("an allocation's invoice is on the account: " + a));
        assertEquals(s.currency(), r.currency(), at.apply("an allocation's invoice is in the account's currency: " + a));
      }
      for (var w : p.writeOffs()) {
        assertTrue(w.amount().signum() > 0, at.apply("write-off above zero: " + w));
        assertTrue(p.allocatedTo(w.invoiceId()).signum() > 0, at.apply("a write-off beside an allocation of the payment: " + p));
      }
      if (p.reversed()) {
        assertEquals(List.of(), p.allocations(), at.apply("a reversed payment has no allocations: " + p));
        assertEquals(List.of(), p.writeOffs(), at.apply("a reversed payment has no write-offs: " + p));
        assertMoney(BigDecimal.ZERO, p.unapplied(), at.apply("a reversed payment has nothing unapplied: " + p));
      } else {
        assertMoney(p.amount(), p.allocated().add(p.unapplied()).add(p.refunded()),
            at.apply("allocations + unapplied + refunded = amount: " + p));
      }
      unapplied = unapplied.add(p.unapplied());
      refunded = refunded.add(p.refunded());
    }
    assertMoney(unapplied, s.unappliedCash(), at.apply("unapplied cash = the payments' unapplied"));
    var refunds = s.refunds().values().stream().map(CustomerAccount.RefundIssued::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
    assertMoney(refunds, refunded, at.apply("refunds = the payments' refunded"));

    // Invoices: each adds up; open exactly when something is owed.
    var open = BigDecimal.ZERO;
    for (var r : s.receivables().values()) {
      assertTrue(!r.voided() && r.balance().signum() > 0, at.apply("an open invoice owes something: " + r));
      assertTrue(!s.settled().containsKey(r.invoiceId()), at.apply("open or settled, not both: " + r.invoiceId()));
      assertInvoiceAddsUp(r, s.currency(), at);
      open = open.add(r.balance());
    }
    for (var r : s.settled().values()) {
      assertMoney(BigDecimal.ZERO, r.balance(), at.apply("a settled invoice owes nothing: " + r));
      if (!r.voided()) {
        assertInvoiceAddsUp(r, s.currency(), at);
      }
    }
    // What the payments say they paid on an invoice is what the invoice says was paid.
    for (var r : allInvoices(s)) {
      var paid = s.payments().values().stream().map(p -> p.allocatedTo(r.invoiceId())).reduce(BigDecimal.ZERO, BigDecimal::add);
      var writtenOff = s.payments().values().stream().flatMap(p -> p.writeOffs().stream()).filter(w -> w.invoiceId().equals(r.invoiceId()))
          .map(WriteOff::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
      assertMoney(paid, r.paid(), at.apply("paid on " + r.invoiceId() + " = the payments' allocations to it"));
      assertMoney(writtenOff, r.writtenOff(), at.apply("written off on " + r.invoiceId() + " = the payments' write-offs on it"));
    }

    // The customer.
    assertMoney(open, s.receivable(), at.apply("receivable = the open balances"));
    assertTrue(s.accountCredit().signum() >= 0 && s.unappliedCash().signum() >= 0, at.apply("credit and cash never negative"));
    assertMoney(open.subtract(unapplied).subtract(s.accountCredit()), s.balance(), at.apply("balance = open - unapplied - credit"));
  }

  private static void assertInvoiceAddsUp(Receivable r, String currency, Function<String, String> at) {
    assertEquals(currency, r.currency(), at.apply("invoice currency"));
    assertTrue(r.paid().signum() >= 0 && r.credited().signum() >= 0 && r.writtenOff().signum() >= 0 && r.balance().signum() >= 0,
        at.apply("nothing negative on " + r));
    assertTrue(r.balance().compareTo(r.total()) <= 0, at.apply("balance <= total on " + r));
    assertMoney(r.total(), r.paid().add(r.credited()).add(r.writtenOff()).add(r.balance()),
        at.apply("paid + credited + written off + balance = total on " + r));
  }

  private static List<Receivable> allInvoices(CustomerState s) {
    var all = new ArrayList<>(s.receivables().values());
    all.addAll(s.settled().values());
    return all;
  }

  // --- Helpers ---------------------------------------------------------------------------------

  private static void assertRefused(boolean failed, Decision<?> decision, String what) {
    assertTrue(failed, what + " is refused");
    assertEquals(List.of(), decision.events(), what + " persists nothing");
  }

  private static BigDecimal sum(List<Allocation> allocations) {
    return allocations.stream().map(Allocation::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
  }

  private static BigDecimal writtenOff(List<WriteOff> writeOffs) {
    return writeOffs.stream().map(WriteOff::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
  }

  private static void assertMoney(String expected, BigDecimal actual) {
    assertMoney(new BigDecimal(expected), actual, "amount");
  }

  private static void assertMoney(BigDecimal expected, BigDecimal actual) {
    assertMoney(expected, actual, "amount");
  }

  private static void assertMoney(BigDecimal expected, BigDecimal actual, String what) {
    assertTrue(actual != null && expected.compareTo(actual) == 0, () -> what + ": expected " + expected + " but was " + actual);
  }
}
