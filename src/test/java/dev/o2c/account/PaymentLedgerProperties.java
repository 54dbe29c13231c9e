package dev.o2c.account;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.o2c.account.CustomerAccount.AccountCreditApplied;
import dev.o2c.account.CustomerAccount.AllocatePayment;
import dev.o2c.account.CustomerAccount.ApplyPayment;
import dev.o2c.account.CustomerAccount.Created;
import dev.o2c.account.CustomerAccount.CreditNoteIssued;
import dev.o2c.account.CustomerAccount.Event;
import dev.o2c.account.CustomerAccount.InvoiceIssued;
import dev.o2c.account.CustomerAccount.IssueCreditNote;
import dev.o2c.account.CustomerAccount.IssueRefund;
import dev.o2c.account.CustomerAccount.OrderAccepted;
import dev.o2c.account.CustomerAccount.OrderApproved;
import dev.o2c.account.CustomerAccount.OrderClosed;
import dev.o2c.account.CustomerAccount.PaymentApplied;
import dev.o2c.account.CustomerAccount.PaymentReversed;
import dev.o2c.account.CustomerAccount.PlacementsConfirmed;
import dev.o2c.account.CustomerAccount.ReversePayment;
import dev.o2c.account.CustomerAccount.UnallocatePayment;
import dev.o2c.credit.CreditIssue;
import dev.o2c.infra.Rejection;
import dev.o2c.invoice.DunningLevel;
import dev.o2c.invoice.InvoiceDraft;
import dev.o2c.invoice.InvoiceIds;
import dev.o2c.invoice.InvoicingSettings;
import dev.o2c.money.Money;
import dev.o2c.order.AutomationRules;
import dev.o2c.order.LedgerAnswer;
import dev.o2c.order.NewOrder;
import dev.o2c.order.OrderLedger;
import dev.o2c.order.OrderLine;
import dev.o2c.order.OrderStatus;
import dev.o2c.order.PlacementRequest;
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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
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
import net.jqwik.api.statistics.Statistics;

/**
 * The customer account as the ledger of its orders, invoices and payments, driven by random
 * sequences of what happens to one account: orders placed (held by a rule or for credit at their
 * gross total, placed again, placed again with another request, in another currency), approved,
 * rejected, shipped, cancelled before and after their invoice, their placements confirmed;
 * invoices issued through {@link OrderDecisions} (paid from unapplied cash and account credit
 * when the tenant auto-applies); payments matched with and without remittance text and
 * tolerance, credit notes, manual allocations (valid and not), unallocations, reversals, refunds
 * (within and over the unapplied cash), requests in another currency; and batches of these
 * decided back to back into one write, as the entity does. Every decision's events are applied,
 * and after every decision the money adds up; at the end a replay of the events gives the same
 * account.
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
  sealed interface Step permits Place, Batch, Approve, Reject, Ship, Confirm, Pay, Credit, Allocate, Unallocate, Reverse, Refund,
      Cancel {}

  /**
   * An order: one or two lines of some minor units, each untaxed (tax 0), STANDARD (1, 19 %) or
   * REDUCED (2, 7 %); perhaps held by a rule; with an external reference or not; decided some days
   * before DAY0 (so its invoice is due then plus the payment terms).
   */
  record OrderDraw(long minor1, int tax1, long minor2, int tax2, boolean twoLines, boolean ruleHold, boolean withReference,
      int issuedAgo) {}

  /** again: 0 a new order, 1 an order placed before sent again, 2 another request under its id; foreign: in another currency. */
  record Place(OrderDraw order, int again, boolean foreign, int pick) implements Step {}

  /** What queued behind one write, decided back to back and persisted together. */
  record Batch(List<Step> steps) implements Step {}

  record Approve(int pick) implements Step {}

  record Reject(int pick) implements Step {}

  record Ship(int pick) implements Step {}

  /** Orders say they have their record: these placements are confirmed in the next write. */
  record Confirm(int pick, int count) implements Step {}

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

  /** A reversal (returned payment, chargeback): of an unknown payment, of one that paid an order cancelled since, or of any. */
  record Reverse(int paymentPick, boolean unknown, boolean ofCancelledOrder) implements Step {}

  /** Kind: 0 part of the unapplied cash, 1 one minor unit over it, 2 all of it, 3 in another currency. */
  record Refund(int kind, int permille) implements Step {}

  /** Kind: 0 an order not invoiced yet, 1 an invoiced order, 2 an order the account does not have, 3 an order paid on. */
  record Cancel(int pick, int kind) implements Step {}

  /**
   * The account's currency and the tenant's settings: tolerance 0 none, 1 absolute (100 minor
   * units), 2 absolute and 2 percent of the invoice total; auto-apply; invoicing on shipment or on
   * verification; a credit limit that holds many orders (tight) or none.
   */
  record Settings(String currency, int tolerance, boolean autoApply, boolean onShipment, boolean tightCredit) {
    PaymentSettings.Tenant payments() {
      var absolute = BigDecimal.valueOf(100, Money.scale(currency));
      return switch (tolerance) {
        case 0 -> new PaymentSettings.Tenant(Map.of(), null, autoApply);
        case 1 -> new PaymentSettings.Tenant(Map.of(currency, absolute), null, autoApply);
        default -> new PaymentSettings.Tenant(Map.of(currency, absolute), new BigDecimal("2"), autoApply);
      };
    }

    InvoicingSettings.Tenant invoicing() {
      return onShipment ? AccountFixtures.ON_SHIPPED : AccountFixtures.ON_VERIFIED;
    }

    long creditLimitMinor() {
      return tightCredit ? 150_000L : 100_000_000L;
    }
  }

  @Provide
  Arbitrary<Settings> settings() {
    return Combinators.combine(Arbitraries.of(EUR, "JPY", "KWD"), Arbitraries.integers().between(0, 2), Arbitraries.of(true, false),
        Arbitraries.of(true, false), Arbitraries.of(true, false)).as(Settings::new);
  }

  @Provide
  Arbitrary<List<Step>> steps() {
    var pick = Arbitraries.integers().between(0, 999);
    var minor = Arbitraries.longs().between(1, 60_000);
    var permille = Arbitraries.integers().between(1, 1000);
    var tax = Arbitraries.integers().between(0, 2);
    var order = Combinators.combine(minor, tax, minor, tax, Arbitraries.of(true, false),
        Arbitraries.frequency(Tuple.of(5, false), Tuple.of(1, true)), Arbitraries.of(true, false), Arbitraries.integers().between(0, 40))
        .as(OrderDraw::new);
    Arbitrary<Step> place = Combinators.combine(order, Arbitraries.frequency(Tuple.of(8, 0), Tuple.of(1, 1), Tuple.of(1, 2)),
        Arbitraries.frequency(Tuple.of(19, false), Tuple.of(1, true)), pick).as(Place::new);
    Arbitrary<Step> approve = pick.map(Approve::new);
    Arbitrary<Step> reject = pick.map(Reject::new);
    Arbitrary<Step> ship = pick.map(Ship::new);
    Arbitrary<Step> confirm = Combinators.combine(pick, Arbitraries.integers().between(1, 3)).as(Confirm::new);
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
    Arbitrary<Step> reverse = Combinators.combine(pick, Arbitraries.frequency(Tuple.of(9, false), Tuple.of(1, true)),
        Arbitraries.frequency(Tuple.of(3, true), Tuple.of(1, false))).as(Reverse::new);
    Arbitrary<Step> refund = Combinators.combine(Arbitraries.frequency(Tuple.of(5, 0), Tuple.of(2, 1), Tuple.of(2, 2), Tuple.of(1, 3)),
        permille).as(Refund::new);
    Arbitrary<Step> cancel = Combinators.combine(pick, Arbitraries.frequency(Tuple.of(3, 0), Tuple.of(2, 1), Tuple.of(1, 2), Tuple.of(2, 3)))
        .as(Cancel::new);
    Arbitrary<Step> batch = Arbitraries.frequencyOf(Tuple.of(4, place), Tuple.of(2, pay), Tuple.of(1, approve), Tuple.of(1, cancel),
        Tuple.of(1, credit), Tuple.of(1, confirm)).list().ofMinSize(2).ofMaxSize(5).map(Batch::new);
    return Arbitraries.frequencyOf(Tuple.of(6, place), Tuple.of(2, batch), Tuple.of(2, approve), Tuple.of(1, reject), Tuple.of(2, ship),
        Tuple.of(1, confirm), Tuple.of(6, pay), Tuple.of(2, credit), Tuple.of(3, allocate), Tuple.of(2, unallocate), Tuple.of(3, reverse),
        Tuple.of(2, refund), Tuple.of(3, cancel)).list().ofMinSize(5).ofMaxSize(40).withSizeDistribution(RandomDistribution.uniform());
  }

  // --- The property ------------------------------------------------------------------------------

  @Property(tries = 1000)
  void money_adds_up_after_every_decision_and_a_replay_gives_the_same_account(
      @ForAll("settings") Settings settings, @ForAll("steps") List<Step> steps) {
    var run = new Run(settings.payments(), settings.invoicing(), settings.currency(), settings.creditLimitMinor());
    for (int i = 0; i < steps.size(); i++) {
      var step = steps.get(i);
      run.now = T0.plusSeconds(60L * (i + 1));
      run.when = "step " + i + " " + step;
      run.perform(step);
      assertInvariants(run, "after " + run.when);
    }
    var replayed = CustomerState.EMPTY;
    for (var event : run.events) {
      replayed = replayed.apply(event);
    }
    assertEquals(run.state, replayed, "the replayed account");
    reportsAgree(run);
    var writes = run.writes.stream().mapToInt(List::size).sum();
    assertEquals(run.events.size(), writes, "every event in one write");
    for (var path : PATHS) {
      Statistics.label(path).collect(run.reached.contains(path));
    }
  }

  /**
   * The reports' book of the account's tagged events (what the report projection reads) agrees
   * with the account to the cent — open receivables (by due date and by issue date), each
   * invoice's balance, unapplied cash, account credit — and delivering every event again changes
   * nothing.
   */
  private static void reportsAgree(Run run) {
    var book = dev.o2c.reports.Book.empty();
    for (int i = 0; i < run.events.size(); i++) {
      var event = run.events.get(i);
      if (CustomerAccount.tagged(event)) {
        book.apply(i + 1, event, LocalDate.ofInstant(event.at(), java.time.ZoneOffset.UTC));
      }
    }
    var before = book.totals();
    for (int i = 0; i < run.events.size(); i++) {
      if (CustomerAccount.tagged(run.events.get(i))) {
        assertTrue(!book.apply(i + 1, run.events.get(i), DAY0), "event " + i + " applied twice");
      }
    }
    var totals = book.totals();
    assertMoney(run.state.receivable().toPlainString(), totals.open());
    assertMoney(run.state.receivable().toPlainString(), totals.openByIssue().values().stream().reduce(BigDecimal.ZERO, BigDecimal::add));
    assertMoney(run.state.unappliedCash().toPlainString(), totals.unapplied());
    assertMoney(run.state.accountCredit().toPlainString(), totals.accountCredit());
    for (var open : run.state.receivables().values()) {
      assertMoney(open.balance().toPlainString(), book.invoice(open.invoiceId()).balance());
    }
    for (var settled : run.state.settled().values()) {
      assertMoney("0", book.invoice(settled.invoiceId()).balance());
    }
    assertEquals(List.of(before.openByDue(), before.applied(), before.received(), before.invoiced(), before.daysToPay()),
        List.of(totals.openByDue(), totals.applied(), totals.received(), totals.invoiced(), totals.daysToPay()), "delivered again");
  }

  /** The paths a run may take, counted in the property's statistics (each is reached in a good share of the runs). */
  private static final List<String> PATHS = List.of("held for credit", "held by a rule", "approved over the limit", "placed again",
      "key reused", "invoiced on shipment", "cancelled before its invoice", "cancelled after its invoice", "paid from unapplied cash",
      "paid from account credit", "chargeback took account credit back", "batch of several decisions");

  // --- The worked examples through the account ---------------------------------------------------

  @Example
  void a_payment_naming_B_leaves_130_on_B() {
    var run = exampleAccount(new PaymentSettings.Tenant(Map.of(EUR, new BigDecimal("1.00")), null, true));

    run.pay("pay_3", "120.00", EUR, "pay inv for INV-2026-000102");

    var b = run.state.receivables().get("inv_b");
    assertMoney("130.00", b.balance());
    assertMoney("120.00", b.paid());
    assertMoney("270.00", run.state.receivable());
    assertInvariants(run, "example 3");
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
    assertInvariants(run, "example 4");
  }

  @Example
  void an_overpayment_stays_unapplied_and_pays_the_next_invoice_with_account_credit() {
    var run = exampleAccount(new PaymentSettings.Tenant(Map.of(), null, true));

    run.pay("pay_5", "500.00", EUR, null);
    assertMoney("110.00", run.state.unappliedCash());
    assertMoney("-110.00", run.state.balance());
    run.invoice("ord_e", "80.00", DAY0.plusDays(30));

    assertTrue(run.state.settled().containsKey("inv_e"), "the new invoice is paid from the unapplied cash");
    assertEquals(List.of("INV-2026-000105 80.00 ACCOUNT_CREDIT"), run.state.payments().get("pay_5").allocations().stream()
        .filter(a -> a.rule() == Rule.ACCOUNT_CREDIT).map(a -> a.invoiceNumber() + " " + a.amount().toPlainString() + " " + a.rule())
        .toList());
    assertMoney("30.00", run.state.unappliedCash());
    assertInvariants(run, "example 5");
  }

  /**
   * An order of free items makes an invoice of 0.00 (unit prices of zero are valid): nothing is
   * owed on it, so it is not an open receivable, and dunning never chases it.
   */
  @Example
  void an_invoice_of_nothing_is_not_open_and_never_dunned() {
    var run = new Run(new PaymentSettings.Tenant(Map.of(), null, true));

    run.invoice("ord_0", "0.00", DAY0.plusDays(30));

    assertTrue(run.state.settled().containsKey("inv_0"), "issued");
    assertTrue(!run.state.receivables().containsKey("inv_0"), "an invoice of 0.00 is not an open receivable");
    var dunning = new InvoicingSettings.Tenant(InvoicingSettings.InvoiceOn.VERIFIED, "INV", AccountFixtures.RATES,
        List.of(new InvoicingSettings.Step(30, DunningLevel.FINAL_NOTICE, true)));
    var steps = Ledger.dunning(run.state, DAY0.plusDays(90), dunning, run.now);
    assertEquals(List.of(), steps, "dunning steps on an invoice of 0.00");
    assertInvariants(run, "an invoice of nothing");
  }

  /**
   * Customer C with the worked example's open invoices A 100.00 due 1 Mar, B 250.00 due 5 Mar,
   * D 40.00 due 9 Mar, numbered INV-2026-000101, 102 and 104 (the next is 105).
   */
  private static Run exampleAccount(PaymentSettings.Tenant settings) {
    var run = new Run(settings);
    run.numbers = 100;
    run.invoice("ord_a", "100.00", DAY0);
    run.invoice("ord_b", "250.00", DAY0.plusDays(4));
    run.numbers++;
    run.invoice("ord_d", "40.00", DAY0.plusDays(8));
    return run;
  }

  // --- Running steps -----------------------------------------------------------------------------

  /** One account under test: its state, every event persisted (and in which write), and the ids handed out. */
  private static final class Run {
    final PaymentSettings.Tenant settings;
    final InvoicingSettings.Tenant invoicing;
    final String currency;
    final int scale;
    final List<Event> events = new ArrayList<>();
    final List<List<Event>> writes = new ArrayList<>();
    /** Every order placed, by id: the request the account took. */
    final Map<String, PlacementRequest> placed = new LinkedHashMap<>();
    CustomerState state;
    Instant now = T0;
    String when = "";
    /** Events decided and not yet written: a batch collects them. */
    List<Event> write;
    /** The paths this run took (see {@link #PATHS}). */
    final Set<String> reached = new TreeSet<>();
    int orders;
    int numbers;
    int payments;
    int notes;
    int refunds;

    Run(PaymentSettings.Tenant settings) {
      this(settings, AccountFixtures.ON_VERIFIED, EUR, 100_000_000L);
    }

    Run(PaymentSettings.Tenant settings, InvoicingSettings.Tenant invoicing, String currency, long creditLimitMinor) {
      this.settings = settings;
      this.invoicing = invoicing;
      this.currency = currency;
      this.scale = Money.scale(currency);
      var created = new Created("cust-p", "Prop", "ap@prop.example", currency, minor(creditLimitMinor), 30, null, "hash", "test", T0);
      events.add(created);
      writes.add(List.of(created));
      state = CustomerState.EMPTY.apply(created);
    }

    /** Applies a decision's events (as the entity persists them) and returns its reply, made from the state after them. */
    <R> R decide(Decision<R> decision) {
      var s = state;
      for (var e : decision.events()) {
        s = s.apply(e);
      }
      events.addAll(decision.events());
      if (write != null) {
        write.addAll(decision.events());
      } else if (!decision.events().isEmpty()) {
        writes.add(List.copyOf(decision.events()));
      }
      state = s;
      return decision.reply().apply(s);
    }

    void perform(Step step) {
      if (step instanceof Place p) {
        place(p);
      } else if (step instanceof Batch b) {
        batch(b);
      } else if (step instanceof Approve a) {
        approve(a);
      } else if (step instanceof Reject r) {
        reject(r);
      } else if (step instanceof Ship s) {
        ship(s);
      } else if (step instanceof Confirm c) {
        confirm(c);
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

    /** The decisions of a batch meet the state each one before left; their events go into one write. */
    void batch(Batch step) {
      write = new ArrayList<>();
      try {
        for (var inner : step.steps()) {
          perform(inner);
          assertInvariants(this, "within the batch of " + when + ", after " + inner);
        }
      } finally {
        if (!write.isEmpty()) {
          writes.add(List.copyOf(write));
        }
        if (step.steps().size() > 1) {
          reached.add("batch of several decisions");
        }
        write = null;
      }
    }

    OrderDecisions.Context context(LocalDate today) {
      return new OrderDecisions.Context(now, today, invoicing, settings, false,
          () -> String.format("%s-2026-%06d", invoicing.numberPrefix(), ++numbers));
    }

    // Orders ------------------------------------------------------------------------------------

    PlacementRequest request(String orderId, OrderDraw d, String currency) {
      var lines = new ArrayList<OrderLine>();
      lines.add(line(1, d.minor1(), d.tax1()));
      if (d.twoLines()) {
        lines.add(line(2, d.minor2(), d.tax2()));
      }
      var total = lines.stream().map(OrderLine::lineTotal).reduce(BigDecimal.ZERO, BigDecimal::add);
      var order = new NewOrder("cust-p", currency, lines, total, "web", d.withReference() ? "PO-" + orderId.substring(4) : null);
      var rules = d.ruleHold() ? AccountFixtures.heldByRule("LARGE_ORDER", "large-order") : AutomationRules.Outcome.NONE;
      return new PlacementRequest(orderId, order, rules, "key-" + orderId, order.fingerprint(), "shop", now);
    }

    private OrderLine line(int lineNumber, long units, int tax) {
      var price = minor(units);
      return new OrderLine(lineNumber, "SKU-" + lineNumber, 1, price, price, switch (tax) {
        case 1 -> "STANDARD";
        case 2 -> "REDUCED";
        default -> null;
      });
    }

    void place(Place step) {
      var today = DAY0.minusDays(step.order().issuedAgo());
      if (step.again() != 0 && !placed.isEmpty()) {
        var ids = new ArrayList<>(placed.keySet());
        var orderId = ids.get(step.pick() % ids.size());
        if (!state.unconfirmed().containsKey(orderId) && !state.orders().containsKey(orderId)
            && !state.knowsInvoice(InvoiceIds.forOrder(orderId))) {
          return; // closed, and its order has its record: it never asks again
        }
        place(step.again() == 1 ? placed.get(orderId) : request(orderId, step.order(), currency), today);
        return;
      }
      place(request("ord_" + ++orders, step.order(), step.foreign() ? OTHER : currency), today);
    }

    /** An order as it would be invoiced the day it is placed (the draft fixes its gross total). */
    void invoice(String orderId, String total, LocalDate dueOn) {
      var price = new BigDecimal(total);
      var order = new NewOrder("cust-p", currency, List.of(new OrderLine(1, "SKU-1", 1, price, price, null)), price, "web", null);
      var request = new PlacementRequest(orderId, order, AutomationRules.Outcome.NONE, "key-" + orderId, order.fingerprint(), "shop", now);
      var answer = assertInstanceOf(LedgerAnswer.Accepted.class, place(request, dueOn.minusDays(state.paymentTermsDays())));
      assertEquals(InvoiceIds.forOrder(orderId), answer.invoiceId());
    }

    LedgerAnswer place(PlacementRequest request, LocalDate today) {
      var before = state;
      var orderId = request.orderId();
      var earlier = placed.get(orderId);
      var invoiceId = InvoiceIds.forOrder(orderId);
      var decision = OrderDecisions.place(before, request, context(today));
      var reply = decide(decision);
      if (earlier != null) {
        if (before.unconfirmed().containsKey(orderId) && !earlier.requestHash().equals(request.requestHash())) {
          var refused = assertInstanceOf(LedgerAnswer.Refused.class, reply, () -> "another request under " + orderId);
          assertEquals(Rejection.Kind.KEY_REUSED, refused.rejection().kind());
          reached.add("key reused");
          assertEquals(List.of(), decision.events(), "a reused key persists nothing");
          return reply;
        }
        var answer = assertInstanceOf(LedgerAnswer.Accepted.class, reply, () -> "placing " + orderId + " again");
        assertTrue(answer.replayed(), "the first answer again");
        reached.add("placed again");
        assertEquals(List.of(), decision.events(), "placing again persists nothing: one placement, one invoice per order");
        assertEquals(before.knowsInvoice(invoiceId) ? invoiceId : null, answer.invoiceId());
        return reply;
      }
      if (!request.order().currency().equals(currency)) {
        var refused = assertInstanceOf(LedgerAnswer.Refused.class, reply, () -> "an order in " + request.order().currency());
        assertEquals(Rejection.Kind.UNPROCESSABLE, refused.rejection().kind());
        assertEquals(List.of(), decision.events(), "a refused order persists nothing");
        return reply;
      }
      placed.put(orderId, request);
      var gross = InvoiceDraft.of(orderId, "cust-p", null, currency, request.order().lines(), invoicing.tax(), today, 30).total();
      boolean overCredit = gross.compareTo(before.availableCredit()) > 0;
      boolean held = overCredit || !request.rules().holds().isEmpty();
      var answer = assertInstanceOf(LedgerAnswer.Accepted.class, reply);
      assertFalse(answer.replayed());
      assertMoney(gross, answer.grossTotal(), "credit is taken at the gross total");
      assertEquals(held ? OrderStatus.ON_HOLD : OrderStatus.VERIFIED, answer.status(), () -> "gross " + gross + " of " + before.availableCredit());
      assertEquals(overCredit, answer.holdReasons().stream().anyMatch(h -> h.code().equals("CREDIT_LIMIT_EXCEEDED")));
      if (overCredit) {
        reached.add("held for credit");
      }
      if (!request.rules().holds().isEmpty()) {
        reached.add("held by a rule");
      }
      var accepted = assertInstanceOf(OrderAccepted.class, decision.events().get(0));
      assertEquals(request, accepted.request());
      assertTrue(state.unconfirmed().containsKey(orderId), "unconfirmed until its order has its record");
      if (held || invoicing.invoiceOn() == InvoicingSettings.InvoiceOn.SHIPPED) {
        assertEquals(1, decision.events().size(), "no invoice yet");
        assertNull(answer.invoiceId());
        assertEquals(answer.status(), state.orders().get(orderId).status());
        assertMoney(held ? before.reserved() : before.reserved().add(gross), state.reserved());
      } else {
        assertInstanceOf(InvoiceIssued.class, decision.events().get(1), "invoiced in the same decision");
        assertEquals(invoiceId, answer.invoiceId());
        assertFalse(state.orders().containsKey(orderId));
        assertMoney(before.reserved(), state.reserved());
        assertIssued(before, invoiceId, gross);
      }
      return reply;
    }

    /** A new invoice, paid from unapplied cash first and then from account credit when the tenant auto-applies. */
    void assertIssued(CustomerState before, String invoiceId, BigDecimal total) {
      var fromCash = settings.autoApply() ? total.min(before.unappliedCash()) : BigDecimal.ZERO;
      var fromCredit = settings.autoApply() ? total.subtract(fromCash).min(before.accountCredit()).max(BigDecimal.ZERO) : BigDecimal.ZERO;
      var r = receivable(invoiceId);
      assertMoney(total, r.total());
      assertMoney(total.subtract(fromCash).subtract(fromCredit), r.balance());
      assertMoney(fromCash, r.paid());
      assertMoney(fromCredit, r.credited());
      assertMoney(before.unappliedCash().subtract(fromCash), state.unappliedCash());
      assertMoney(before.accountCredit().subtract(fromCredit), state.accountCredit());
      if (fromCredit.signum() > 0) {
        reached.add("paid from account credit");
      }
      if (fromCash.signum() > 0) {
        reached.add("paid from unapplied cash");
        assertTrue(state.payments().values().stream().flatMap(p -> p.allocations().stream())
            .anyMatch(a -> a.invoiceId().equals(invoiceId) && a.rule() == Rule.ACCOUNT_CREDIT), "an ACCOUNT_CREDIT allocation");
      }
    }

    List<String> ordersIn(OrderStatus status) {
      return state.orders().values().stream().filter(o -> o.status() == status).map(o -> o.request().orderId()).sorted().toList();
    }

    List<String> invoicedOrders() {
      return knownInvoices().stream().map(id -> receivable(id).orderId()).toList();
    }

    LedgerAnswer change(String orderId, OrderLedger.Change change) {
      return decide(OrderDecisions.change(state, orderId, change, "because", "test", context(DAY0)));
    }

    void approve(Approve step) {
      var before = state;
      var held = ordersIn(OrderStatus.ON_HOLD);
      if (held.isEmpty()) {
        // Approving what is not held: an order verified or invoiced already (the same answer again), or one the account does not have.
        var known = new ArrayList<>(ordersIn(OrderStatus.VERIFIED));
        known.addAll(invoicedOrders());
        var orderId = known.isEmpty() ? "ord_unknown" : known.get(step.pick() % known.size());
        var decision = OrderDecisions.change(before, orderId, OrderLedger.Change.APPROVE, null, "test", context(DAY0));
        var reply = decide(decision);
        assertEquals(List.of(), decision.events(), "approving " + orderId + " again persists nothing");
        if (known.isEmpty()) {
          // Not open in the account: rejected, cancelled or never taken — approving it is not allowed.
          assertEquals(Rejection.Kind.ILLEGAL_TRANSITION, assertInstanceOf(LedgerAnswer.Refused.class, reply).rejection().kind());
        } else {
          assertEquals(OrderStatus.VERIFIED, assertInstanceOf(LedgerAnswer.Accepted.class, reply).status());
        }
        return;
      }
      var orderId = held.get(step.pick() % held.size());
      var gross = before.orders().get(orderId).gross();
      var decision = OrderDecisions.change(before, orderId, OrderLedger.Change.APPROVE, null, "test", context(DAY0));
      var answer = assertInstanceOf(LedgerAnswer.Accepted.class, decide(decision));
      assertEquals(OrderStatus.VERIFIED, answer.status());
      var approved = assertInstanceOf(OrderApproved.class, decision.events().get(0));
      assertEquals(gross.compareTo(before.availableCredit()) > 0, approved.overridden().contains(CreditIssue.CREDIT_LIMIT_EXCEEDED),
          () -> "the approval of " + gross + " with " + before.availableCredit() + " available overrides " + approved.overridden());
      assertEquals(approved.overridden(), answer.overridden());
      if (approved.overridden().contains(CreditIssue.CREDIT_LIMIT_EXCEEDED)) {
        reached.add("approved over the limit");
      }
      if (invoicing.invoiceOn() == InvoicingSettings.InvoiceOn.VERIFIED) {
        assertInstanceOf(InvoiceIssued.class, decision.events().get(1), "invoiced in the same decision");
        assertEquals(InvoiceIds.forOrder(orderId), answer.invoiceId());
        assertMoney(before.reserved(), state.reserved());
        assertIssued(before, InvoiceIds.forOrder(orderId), gross);
      } else {
        assertEquals(1, decision.events().size());
        assertMoney(before.reserved().add(gross), state.reserved());
      }
    }

    void reject(Reject step) {
      var held = ordersIn(OrderStatus.ON_HOLD);
      if (held.isEmpty()) {
        return;
      }
      var before = state;
      var orderId = held.get(step.pick() % held.size());
      var decision = OrderDecisions.change(before, orderId, OrderLedger.Change.REJECT, "no", "test", context(DAY0));
      var answer = assertInstanceOf(LedgerAnswer.Accepted.class, decide(decision));
      assertEquals(OrderStatus.REJECTED, answer.status());
      assertEquals(List.of(OrderClosed.class), decision.events().stream().map(Object::getClass).toList());
      assertFalse(state.orders().containsKey(orderId));
      assertMoney(before.creditUsed(), state.creditUsed(), "a held order held no credit");
    }

    void ship(Ship step) {
      var before = state;
      var verified = ordersIn(OrderStatus.VERIFIED);
      if (verified.isEmpty()) {
        var invoiced = invoicedOrders();
        if (invoiced.isEmpty()) {
          return;
        }
        var orderId = invoiced.get(step.pick() % invoiced.size());
        var decision = OrderDecisions.change(before, orderId, OrderLedger.Change.SHIP, null, "test", context(DAY0));
        var answer = assertInstanceOf(LedgerAnswer.Accepted.class, decide(decision));
        assertEquals(List.of(), decision.events(), "shipping an invoiced order issues nothing");
        assertEquals(InvoiceIds.forOrder(orderId), answer.invoiceId());
        return;
      }
      var orderId = verified.get(step.pick() % verified.size());
      var gross = before.orders().get(orderId).gross();
      var decision = OrderDecisions.change(before, orderId, OrderLedger.Change.SHIP, null, "test", context(DAY0));
      var answer = assertInstanceOf(LedgerAnswer.Accepted.class, decide(decision));
      assertEquals(OrderStatus.SHIPPED, answer.status());
      assertInstanceOf(InvoiceIssued.class, decision.events().get(0));
      assertEquals(InvoiceIds.forOrder(orderId), answer.invoiceId());
      reached.add("invoiced on shipment");
      assertMoney(before.reserved().subtract(gross), state.reserved());
      assertIssued(before, InvoiceIds.forOrder(orderId), gross);
    }

    /** As the entity writes confirmations: the orders said they have their record. */
    void confirm(Confirm step) {
      var unconfirmed = state.unconfirmed().keySet().stream().sorted().toList();
      if (unconfirmed.isEmpty()) {
        return;
      }
      var chosen = new ArrayList<String>();
      for (int i = 0; i < Math.min(step.count(), unconfirmed.size()); i++) {
        chosen.add(unconfirmed.get((step.pick() + i) % unconfirmed.size()));
      }
      var before = state;
      var confirmed = new PlacementsConfirmed(chosen, now);
      decide(Decision.persist(confirmed, s -> null));
      chosen.forEach(id -> assertFalse(state.unconfirmed().containsKey(id)));
      assertEquals(before.unconfirmed().size() - chosen.size(), state.unconfirmed().size());
      assertEquals(before.orders(), state.orders());
      assertEquals(before.receivables(), state.receivables());
    }

    void cancel(Cancel step) {
      var before = state;
      var open = new ArrayList<>(ordersIn(OrderStatus.VERIFIED));
      open.addAll(ordersIn(OrderStatus.ON_HOLD));
      var invoiced = invoicedOrders();
      if (step.kind() == 2 || (open.isEmpty() && invoiced.isEmpty())) {
        // An order the account does not hold open (closed before, its answer lost): cancelling it again is done, nothing changes.
        var decision = OrderDecisions.change(before, "ord_unknown", OrderLedger.Change.CANCEL, null, "test", context(DAY0));
        var reply = decide(decision);
        assertEquals(OrderStatus.CANCELLED, assertInstanceOf(LedgerAnswer.Accepted.class, reply).status());
        assertEquals(List.of(), decision.events(), "cancelling what the account does not hold persists nothing");
        return;
      }
      if (step.kind() == 0 && !open.isEmpty() || invoiced.isEmpty()) {
        var orderId = open.get(step.pick() % open.size());
        var order = before.orders().get(orderId);
        var decision = OrderDecisions.change(before, orderId, OrderLedger.Change.CANCEL, "gone", "test", context(DAY0));
        var answer = assertInstanceOf(LedgerAnswer.Accepted.class, decide(decision));
        assertEquals(OrderStatus.CANCELLED, answer.status());
        assertEquals(List.of(OrderClosed.class), decision.events().stream().map(Object::getClass).toList());
        assertMoney(order.holdsCredit() ? before.reserved().subtract(order.gross()) : before.reserved(), state.reserved());
        reached.add("cancelled before its invoice");
        return;
      }
      var paidOn = invoiced.stream().filter(id -> receivable(InvoiceIds.forOrder(id)).paid().signum() > 0).toList();
      var candidates = step.kind() == 3 && !paidOn.isEmpty() ? paidOn : invoiced;
      var orderId = candidates.get(step.pick() % candidates.size());
      var invoiceId = InvoiceIds.forOrder(orderId);
      var r = receivable(invoiceId);
      var decision = OrderDecisions.change(before, orderId, OrderLedger.Change.CANCEL, "gone", "test", context(DAY0));
      var answer = assertInstanceOf(LedgerAnswer.Accepted.class, decide(decision));
      assertEquals(OrderStatus.CANCELLED, answer.status());
      var after = receivable(invoiceId);
      if (!decision.events().isEmpty()) {
        reached.add("cancelled after its invoice");
        assertTrue(after.voided() || after.balance().signum() == 0, () -> "a cancelled order's invoice owes nothing: " + after);
        assertTrue(after.voided() || after.cancelled(), "marked as the invoice of a cancelled order");
        // What the customer paid on it, in cash or from account credit, is theirs again as account credit.
        var returned = r.voided() || r.cancelled() ? BigDecimal.ZERO : r.paid().add(r.paidByAccountCredit());
        assertMoney(before.accountCredit().add(returned), state.accountCredit(), "account credit after the cancellation");
      }
      if (r.untouched() && !r.voided()) {
        assertTrue(after.voided(), "an invoice with nothing applied is voided");
      }
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
      if (receivableIn(before, invoiceId).cancelled()) {
        // What it paid there is account credit since the cancellation: the invoice never reopens.
        assertRefused(reply instanceof PaymentLedgerResult.Failed, decision, "unallocating from a cancelled order's invoice");
        reached.add("unallocation refused on a cancelled order's invoice");
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
      var ofCancelled = before.payments().values().stream().filter(p -> !p.reversed()
          && p.allocations().stream().anyMatch(a -> receivableIn(before, a.invoiceId()).cancelled())).map(PaymentEntry::paymentId).sorted().toList();
      if (step.ofCancelledOrder() && !step.unknown() && !ofCancelled.isEmpty()) {
        paymentId = ofCancelled.get(step.paymentPick() % ofCancelled.size());
      }
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
      var reversed = assertInstanceOf(PaymentReversed.class, decision.events().get(0));
      var after = state.payments().get(paymentId);
      assertTrue(after.reversed());
      assertMoney(before.unappliedCash().subtract(payment.unapplied()), state.unappliedCash());
      // What went to invoices of orders cancelled since became account credit: a chargeback takes that credit back and
      // leaves those invoices settled; every other allocation goes back onto its invoice.
      for (var a : reversed.undone()) {
        assertFalse(receivableIn(before, a.invoiceId()).cancelled(), () -> "undone on the invoice of a cancelled order: " + a);
      }
      for (var a : reversed.creditTakenBack()) {
        assertTrue(receivableIn(before, a.invoiceId()).cancelled(), () -> "credit taken back for an invoice not cancelled: " + a);
      }
      assertMoney(sum(payment.allocations()), sum(reversed.undone()).add(sum(reversed.creditTakenBack())),
          "every allocation undone or its credit taken back");
      for (var w : reversed.writeOffsCredited()) {
        assertTrue(receivableIn(before, w.invoiceId()).cancelled(), () -> "a write-off credited on an invoice not cancelled: " + w);
      }
      // Open balances grow by what is owed again: undone allocations and write-offs, and account credit that paid invoices.
      assertMoney(before.receivable().add(sum(reversed.undone())).add(writtenOff(reversed.writeOffsUndone()))
          .add(sum(reversed.accountCreditUndone())), state.receivable());
      assertMoney(before.accountCredit().subtract(sum(reversed.creditTakenBack())).add(sum(reversed.accountCreditUndone())),
          state.accountCredit());
      if (before.accountCredit().signum() >= 0) {
        assertTrue(state.accountCredit().signum() >= 0, () -> "a chargeback leaves account credit at " + state.accountCredit());
      }
      if (!reversed.accountCreditUndone().isEmpty()) {
        reached.add("chargeback reopened what the credit paid");
      }
      if (!reversed.creditTakenBack().isEmpty()) {
        reached.add("chargeback took account credit back");
      }
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

  /** The money adds up, and the orders: see {@link #assertOrderInvariants}. */
  private static void assertInvariants(Run run, String when) {
    assertMoneyInvariants(run.state, run.events, when);
    assertOrderInvariants(run, when);
  }

  private static void assertMoneyInvariants(CustomerState s, List<Event> events, String when) {
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
    assertTrue(s.unappliedCash().signum() >= 0, at.apply("cash never negative"));
    // Account credit: what credit notes gave beyond balances, less what paid new invoices and what chargebacks took back,
    // plus what chargebacks took back off the invoices that credit had paid (they owe it again).
    var given = events.stream().filter(CreditNoteIssued.class::isInstance).map(e -> ((CreditNoteIssued) e).toAccountCredit())
        .reduce(BigDecimal.ZERO, BigDecimal::add);
    var used = events.stream().filter(AccountCreditApplied.class::isInstance).map(e -> ((AccountCreditApplied) e).amount())
        .reduce(BigDecimal.ZERO, BigDecimal::add);
    var takenBack = events.stream().filter(PaymentReversed.class::isInstance).flatMap(e -> ((PaymentReversed) e).creditTakenBack().stream())
        .map(Allocation::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
    var reopened = events.stream().filter(PaymentReversed.class::isInstance)
        .flatMap(e -> ((PaymentReversed) e).accountCreditUndone().stream()).map(Allocation::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
    assertMoney(given.subtract(used).subtract(takenBack).add(reopened), s.accountCredit(),
        at.apply("account credit = given - used - taken back + taken off the invoices it paid"));
    assertTrue(s.accountCredit().signum() >= 0, at.apply("account credit never negative"));
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

  /**
   * The orders: the credit held is the gross totals of the verified orders not invoiced yet; an
   * order is open or invoiced, never both; an order has at most one invoice, named after it; every
   * unconfirmed placement is one the account took.
   */
  private static void assertOrderInvariants(Run run, String when) {
    Function<String, String> at = what -> what + " (" + when + ")";
    var s = run.state;
    var reserved = BigDecimal.ZERO;
    for (var open : s.orders().values()) {
      var orderId = open.request().orderId();
      assertTrue(open.status() == OrderStatus.VERIFIED || open.status() == OrderStatus.ON_HOLD, at.apply("open order status " + open));
      assertFalse(s.knowsInvoice(InvoiceIds.forOrder(orderId)), at.apply("open and invoiced: " + orderId));
      assertTrue(open.gross().signum() > 0, at.apply("an order's gross total " + open));
      if (open.holdsCredit()) {
        reserved = reserved.add(open.gross());
      }
    }
    assertMoney(reserved, s.reserved(), at.apply("reserved = the gross totals of the verified orders"));
    assertMoney(s.reserved().add(s.receivable()), s.creditUsed(), at.apply("credit used = reserved + open balances"));
    for (var r : allInvoices(s)) {
      assertEquals(InvoiceIds.forOrder(r.orderId()), r.invoiceId(), at.apply("an invoice is named after its order"));
    }
    var issued = new HashMap<String, Integer>();
    for (var e : run.events) {
      if (e instanceof InvoiceIssued i) {
        issued.merge(i.orderId(), 1, Integer::sum);
      }
    }
    issued.forEach((orderId, count) -> assertEquals(1, count, at.apply("invoices of " + orderId)));
    assertEquals(issued.keySet(), allInvoices(s).stream().map(Receivable::orderId).collect(java.util.stream.Collectors.toSet()),
        at.apply("every invoice issued is on the account"));
    for (var orderId : s.unconfirmed().keySet()) {
      assertTrue(run.placed.containsKey(orderId), at.apply("an unconfirmed placement was taken: " + orderId));
      assertEquals(run.placed.get(orderId), s.unconfirmed().get(orderId).request(), at.apply("the request kept whole"));
    }
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
