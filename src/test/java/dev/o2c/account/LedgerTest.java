package dev.o2c.account;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.o2c.account.CustomerAccount.Created;
import dev.o2c.account.CustomerAccount.CreditNoteIssued;
import dev.o2c.account.CustomerAccount.DunningLevelRaised;
import dev.o2c.account.CustomerAccount.Event;
import dev.o2c.account.CustomerAccount.InvoiceIssued;
import dev.o2c.account.CustomerAccount.InvoiceVoided;
import dev.o2c.account.CustomerAccount.InvoicingFailed;
import dev.o2c.account.CustomerAccount.OrderAccepted;
import dev.o2c.account.CustomerAccount.OrderApproved;
import dev.o2c.account.CustomerAccount.OrderClosed;
import dev.o2c.account.CustomerAccount.PaymentApplied;
import dev.o2c.account.CustomerAccount.PaymentReversed;
import dev.o2c.account.CustomerAccount.PlacementsConfirmed;
import dev.o2c.credit.CreditIssue;
import dev.o2c.invoice.DunningLevel;
import dev.o2c.invoice.InvoiceLine;
import dev.o2c.invoice.InvoiceStatus;
import dev.o2c.invoice.InvoicingSettings;
import dev.o2c.invoice.TaxRates;
import dev.o2c.order.HoldReason;
import dev.o2c.order.OrderStatus;
import dev.o2c.payment.Allocation;
import dev.o2c.payment.Rule;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The customer account as the ledger of its orders and invoices, without actors: how its events
 * change the account (orders holding credit at their gross total, invoices in their place,
 * applications, a chargeback after a cancellation), and what credit notes, cancellations and
 * dunning runs decide.
 */
class LedgerTest {

  private static final Instant T0 = Instant.parse("2026-11-02T09:00:00Z");
  private static final Instant T1 = Instant.parse("2026-12-20T06:00:00Z");
  private static final LocalDate ISSUED = LocalDate.parse("2026-11-02");
  private static final LocalDate DUE = LocalDate.parse("2026-12-02");

  /** The shipped default dunning: 1 REMINDER, 15 SECOND_NOTICE, 30 FINAL_NOTICE with credit hold. */
  private static final InvoicingSettings.Tenant SETTINGS = new InvoicingSettings.Tenant(
      InvoicingSettings.InvoiceOn.VERIFIED, "INV", new TaxRates(BigDecimal.ZERO, Map.of()), List.of(
          new InvoicingSettings.Step(1, DunningLevel.REMINDER, false),
          new InvoicingSettings.Step(15, DunningLevel.SECOND_NOTICE, false),
          new InvoicingSettings.Step(30, DunningLevel.FINAL_NOTICE, true)));

  // --- Orders and their invoices ------------------------------------------------------------------

  @Test
  void a_verified_order_holds_credit_of_its_gross_total_until_it_is_invoiced() {
    var after = apply(account(), accepted("ord_1", OrderStatus.VERIFIED, "119.00"));

    var open = after.orders().get("ord_1");
    assertEquals(OrderStatus.VERIFIED, open.status());
    assertTrue(open.holdsCredit());
    assertMoney("119.00", open.gross());
    assertEquals(List.of(), open.overridden());
    assertMoney("119.00", after.reserved());
    assertMoney("119.00", after.creditUsed());
    assertMoney("881.00", after.availableCredit());
    assertEquals(1, after.ordersHoldingCredit());
    assertEquals(Set.of("ord_1"), after.unconfirmed().keySet(), "unconfirmed until its order says it has its record");
    assertEquals(T0, after.updatedAt());
  }

  @Test
  void a_held_order_holds_no_credit() {
    var after = apply(account(), accepted("ord_1", OrderStatus.ON_HOLD, "1071.00"));

    assertEquals(OrderStatus.ON_HOLD, after.orders().get("ord_1").status());
    assertFalse(after.orders().get("ord_1").holdsCredit());
    assertMoney("0", after.reserved());
    assertMoney("1000.00", after.availableCredit());
    assertEquals(0, after.ordersHoldingCredit());
    assertTrue(after.unconfirmed().containsKey("ord_1"));
  }

  @Test
  void approving_a_held_order_makes_it_hold_its_gross_total_and_remembers_what_it_overrode() {
    var held = apply(account(), accepted("ord_1", OrderStatus.ON_HOLD, "1071.00"));

    var after = apply(held, new OrderApproved("ord_1", List.of(CreditIssue.CREDIT_LIMIT_EXCEEDED), "alice", T1));

    var open = after.orders().get("ord_1");
    assertEquals(OrderStatus.VERIFIED, open.status());
    assertEquals(List.of(CreditIssue.CREDIT_LIMIT_EXCEEDED), open.overridden());
    assertEquals(T1, open.at());
    assertMoney("1071.00", after.reserved());
    assertMoney("-71.00", after.availableCredit());
    assertEquals(T1, after.updatedAt());
  }

  @Test
  void approving_an_order_that_holds_credit_already_or_is_unknown_changes_nothing() {
    var verified = apply(account(), accepted("ord_1", OrderStatus.VERIFIED, "100.00"));

    assertEquals(verified, verified.apply(new OrderApproved("ord_1", List.of(), "alice", T1)));
    assertEquals(verified, verified.apply(new OrderApproved("ord_9", List.of(), "alice", T1)));
  }

  @Test
  void closing_an_order_releases_the_credit_it_held_and_leaves_it_unconfirmed() {
    var s = account().apply(accepted("ord_1", OrderStatus.VERIFIED, "100.00")).apply(accepted("ord_2", OrderStatus.ON_HOLD, "2000.00"))
        .apply(accepted("ord_3", OrderStatus.VERIFIED, "40.00"));

    var cancelled = apply(s, new OrderClosed("ord_1", OrderStatus.CANCELLED, "changed mind", "bob", T1));
    var rejected = apply(cancelled, new OrderClosed("ord_2", OrderStatus.REJECTED, "too risky", "alice", T1));

    assertEquals(Set.of("ord_2", "ord_3"), cancelled.orders().keySet());
    assertMoney("40.00", cancelled.reserved());
    assertEquals(Set.of("ord_3"), rejected.orders().keySet());
    assertMoney("40.00", rejected.reserved());
    assertMoney("960.00", rejected.availableCredit());
    assertEquals(Set.of("ord_1", "ord_2", "ord_3"), rejected.unconfirmed().keySet(), "closing is no confirmation");
    assertEquals(rejected, rejected.apply(new OrderClosed("ord_9", OrderStatus.CANCELLED, null, "bob", T1)), "an unknown order");
  }

  @Test
  void issuing_an_invoice_puts_the_orders_gross_total_into_receivables_without_changing_credit_used() {
    var before = apply(account(), accepted("ord_1", OrderStatus.VERIFIED, "119.00"));
    assertMoney("119.00", before.creditUsed());

    var after = apply(before, issued("inv_1", "ord_1", "119.00", DUE));

    assertFalse(after.orders().containsKey("ord_1"));
    assertMoney("0.00", after.reserved());
    assertMoney("119.00", after.receivable());
    assertMoney("119.00", after.creditUsed());
    assertMoney("881.00", after.availableCredit());
    var r = after.receivables().get("inv_1");
    assertEquals("INV-inv_1", r.invoiceNumber());
    assertEquals("ord_1", r.orderId());
    assertMoney("119.00", r.total());
    assertMoney("119.00", r.balance());
    assertMoney("0", r.paid());
    assertMoney("0", r.credited());
    assertMoney("0", r.writtenOff());
    assertMoney("119.00", r.subtotal());
    assertMoney("0", r.tax());
    assertEquals(1, r.lines().size());
    assertEquals(DUE, r.dueOn());
    assertEquals(ISSUED, r.issuedOn());
    assertEquals(DunningLevel.NONE, r.dunningLevel());
    assertEquals(InvoiceStatus.ISSUED, r.status());
    assertEquals(List.of(), r.applications());
    assertTrue(r.untouched());
    assertFalse(r.voided());
    assertFalse(r.cancelled());
    assertEquals(T0, r.updatedAt());
    assertTrue(after.knowsInvoice("inv_1"));
    assertEquals(r, after.invoice("inv_1"));
    assertTrue(after.unconfirmed().containsKey("ord_1"), "invoicing is no confirmation");
  }

  @Test
  void issuing_an_invoice_leaves_other_orders_credit_alone() {
    var before = account().apply(accepted("ord_1", OrderStatus.VERIFIED, "119.00")).apply(accepted("ord_2", OrderStatus.VERIFIED, "40.00"));

    var after = apply(before, issued("inv_1", "ord_1", "119.00", DUE));

    assertMoney("40.00", after.reserved());
    assertEquals(Set.of("ord_2"), after.orders().keySet());
    assertMoney("159.00", after.creditUsed());
  }

  @Test
  void an_invoice_of_an_order_that_holds_no_credit_adds_its_total_to_credit_used() {
    var before = apply(account(), accepted("ord_1", OrderStatus.ON_HOLD, "1500.00"));

    var after = apply(before, issued("inv_9", "ord_9", "119.00", DUE));

    assertEquals(Set.of("ord_1"), after.orders().keySet());
    assertMoney("0", after.reserved());
    assertMoney("119.00", after.creditUsed());
  }

  @Test
  void an_invoice_of_nothing_is_settled_at_once() {
    var before = apply(account(), accepted("ord_1", OrderStatus.VERIFIED, "0.00"));

    var after = apply(before, issued("inv_1", "ord_1", "0.00", DUE));

    assertFalse(after.receivables().containsKey("inv_1"), "nothing is owed on it");
    assertEquals(InvoiceStatus.PAID, after.settled().get("inv_1").status());
    assertTrue(after.orders().isEmpty());
    assertMoney("0", after.creditUsed());
    assertEquals(List.of(), Ledger.dunning(after, DUE.plusDays(90), SETTINGS, T1), "never dunned");
  }

  @Test
  void failed_invoicing_leaves_the_order_holding_its_credit() {
    var before = apply(account(), accepted("ord_1", OrderStatus.VERIFIED, "110.00"));

    var after = apply(before, new InvoicingFailed("ord_1", "Unknown tax code LUXURY", T1));

    assertEquals(before.orders(), after.orders());
    assertMoney("110.00", after.reserved());
    assertTrue(after.receivables().isEmpty());
    assertEquals(T1, after.updatedAt());
  }

  @Test
  void confirmed_placements_leave_the_unconfirmed_and_nothing_else_changes() {
    var before = account().apply(accepted("ord_1", OrderStatus.VERIFIED, "100.00")).apply(accepted("ord_2", OrderStatus.ON_HOLD, "5000.00"))
        .apply(issued("inv_1", "ord_1", "100.00", DUE));

    var after = apply(before, new PlacementsConfirmed(List.of("ord_1", "ord_9"), T1));

    assertEquals(Set.of("ord_2"), after.unconfirmed().keySet());
    assertEquals(before.orders(), after.orders());
    assertEquals(before.receivables(), after.receivables());
    assertMoney(before.creditUsed().toPlainString(), after.creditUsed());
    assertEquals(before.updatedAt(), after.updatedAt());
  }

  // --- A chargeback after a cancellation -------------------------------------------------------------

  @Test
  void a_chargeback_of_what_became_account_credit_takes_the_credit_back_and_leaves_the_invoice_settled() {
    var paid = apply(invoiced("119.00"), payment("pay_1", "119.00"));
    var cancelled = applyAll(paid, Ledger.cancellation(paid, "inv_1", "bob", T1));
    assertMoney("119.00", cancelled.accountCredit());
    assertTrue(cancelled.settled().get("inv_1").cancelled());

    var after = apply(cancelled, new PaymentReversed("pay_1", 1, List.of(), List.of(), new BigDecimal("0.00"),
        List.of(new Allocation("inv_1", "INV-inv_1", new BigDecimal("119.00"), Rule.REFERENCE, null)), List.of(), List.of(), "chargeback",
        "bob", T1));

    assertFalse(after.receivables().containsKey("inv_1"), "never reopened");
    var r = after.settled().get("inv_1");
    assertEquals(InvoiceStatus.PAID, r.status());
    assertTrue(r.cancelled());
    assertMoney("0", r.paid());
    assertMoney("119.00", r.credited());
    assertMoney("0", r.balance());
    assertMoney("0", after.accountCredit());
    assertMoney("0", after.receivable());
    assertMoney("0", after.balance());
    assertTrue(after.payments().get("pay_1").reversed());
  }

  // --- Credit notes ---------------------------------------------------------------------------

  @Test
  void a_credit_note_below_the_balance_goes_wholly_against_the_invoice() {
    var s = invoiced("119.00");

    var note = Ledger.creditNote(s, "inv_1", "cn_1", new BigDecimal("30.00"), "damaged", "alice", T1);
    var after = apply(s, note);

    assertEquals("cn_1", note.creditNoteId());
    assertEquals("inv_1", note.invoiceId());
    assertMoney("30.00", note.amount());
    assertMoney("30.00", note.appliedToInvoice());
    assertMoney("0", note.toAccountCredit());
    assertEquals("damaged", note.reason());
    assertEquals("alice", note.by());
    assertEquals(T1, note.at());
    var r = after.receivables().get("inv_1");
    assertMoney("89.00", r.balance());
    assertMoney("30.00", r.credited());
    assertFalse(r.untouched());
    assertMoney("89.00", after.receivable());
    assertMoney("0", after.accountCredit());
    assertEquals(note, after.creditNotes().get("cn_1"));
    assertEquals(T1, after.updatedAt());
  }

  @Test
  void a_credit_note_above_the_balance_settles_the_invoice_and_the_excess_becomes_account_credit() {
    var s = invoiced("119.00");

    var note = Ledger.creditNote(s, "inv_1", "cn_1", new BigDecimal("150.00"), "goodwill", "alice", T1);
    var after = apply(s, note);

    assertMoney("119.00", note.appliedToInvoice());
    assertMoney("31.00", note.toAccountCredit());
    assertFalse(after.receivables().containsKey("inv_1"), "no longer an open receivable");
    var settled = after.settled().get("inv_1");
    assertMoney("0", settled.balance());
    assertMoney("119.00", settled.credited());
    assertFalse(settled.voided());
    assertMoney("0", after.receivable());
    assertMoney("31.00", after.accountCredit());
    assertMoney("-31.00", after.balance());
    assertMoney("0.00", after.creditUsed());
    assertTrue(after.knowsInvoice("inv_1"));
  }

  @Test
  void a_credit_note_of_exactly_the_balance_settles_the_invoice_without_account_credit() {
    var s = invoiced("119.00");

    var note = Ledger.creditNote(s, "inv_1", "cn_1", new BigDecimal("119.00"), "returned", "alice", T1);
    var after = apply(s, note);

    assertMoney("119.00", note.appliedToInvoice());
    assertMoney("0", note.toAccountCredit());
    assertTrue(after.settled().containsKey("inv_1"));
    assertMoney("0", after.accountCredit());
  }

  @Test
  void a_credit_note_on_a_settled_invoice_becomes_account_credit_entirely() {
    var s = apply(invoiced("119.00"), Ledger.creditNote(invoiced("119.00"), "inv_1", "cn_1", new BigDecimal("119.00"), "r", "a", T0));

    var note = Ledger.creditNote(s, "inv_1", "cn_2", new BigDecimal("20.00"), "goodwill", "alice", T1);
    var after = apply(s, note);

    assertMoney("0", note.appliedToInvoice());
    assertEquals(2, note.appliedToInvoice().scale(), "zero at the currency's scale");
    assertMoney("20.00", note.toAccountCredit());
    assertMoney("20.00", after.accountCredit());
    assertMoney("119.00", after.settled().get("inv_1").credited());
    assertEquals(2, after.creditNotes().size());
  }

  @Test
  void a_credit_note_resets_dunning_only_when_it_settles_the_invoice() {
    var s = apply(invoiced("119.00"), dunning("inv_1", DunningLevel.REMINDER, 3, false));

    var partly = apply(s, Ledger.creditNote(s, "inv_1", "cn_1", new BigDecimal("19.00"), "r", "a", T1));
    var fully = apply(partly, Ledger.creditNote(partly, "inv_1", "cn_2", new BigDecimal("100.00"), "r", "a", T1));

    assertEquals(DunningLevel.REMINDER, partly.receivables().get("inv_1").dunningLevel());
    assertEquals(DunningLevel.NONE, fully.settled().get("inv_1").dunningLevel());
  }

  // --- Cancellation ---------------------------------------------------------------------------

  @Test
  void cancelling_an_untouched_invoice_voids_it() {
    var s = invoiced("119.00");

    var events = Ledger.cancellation(s, "inv_1", "bob", T1);
    var after = applyAll(s, events);

    assertEquals(List.of(new InvoiceVoided("inv_1", "order cancelled", "bob", T1)), events);
    assertFalse(after.receivables().containsKey("inv_1"));
    assertTrue(after.settled().get("inv_1").voided());
    assertMoney("0", after.settled().get("inv_1").balance());
    assertMoney("0", after.receivable());
    assertMoney("0", after.accountCredit());
    assertMoney("0", after.creditUsed());
  }

  @Test
  void cancelling_a_partly_credited_invoice_issues_the_cancellation_credit_note_that_settles_it() {
    var s = partlyCredited();

    var events = Ledger.cancellation(s, "inv_1", "bob", T1);
    var after = applyAll(s, events);

    assertEquals(1, events.size(), events.toString());
    var note = assertInstanceOf(CreditNoteIssued.class, events.get(0));
    assertEquals(Ledger.cancellationCreditNoteId("inv_1"), note.creditNoteId());
    assertEquals("cn_cancel_inv_1", note.creditNoteId());
    assertEquals("inv_1", note.invoiceId());
    assertEquals("order cancelled", note.reason());
    assertEquals("bob", note.by());
    assertMoney("89.00", note.appliedToInvoice());
    assertFalse(after.receivables().containsKey("inv_1"));
    assertMoney("0", after.settled().get("inv_1").balance());
    assertMoney("0", after.receivable());
  }

  @Test
  void cancelling_a_partly_credited_invoice_credits_only_what_was_not_credited_yet() {
    // 119.00 invoiced, 30.00 credited, nothing paid: cancelling must leave the customer owing
    // nothing and with nothing to their good; credit notes never add up to more than the total.
    var s = partlyCredited();

    var events = Ledger.cancellation(s, "inv_1", "bob", T1);
    var after = applyAll(s, events);

    var note = assertInstanceOf(CreditNoteIssued.class, events.get(0));
    assertMoney("89.00", note.amount());
    assertMoney("0", note.toAccountCredit());
    assertMoney("0", after.accountCredit());
    assertMoney("0", after.balance());
  }

  @Test
  void cancelling_an_invoice_credited_in_full_gives_the_customer_no_account_credit() {
    var s = apply(invoiced("119.00"), Ledger.creditNote(invoiced("119.00"), "inv_1", "cn_1", new BigDecimal("119.00"), "r", "a", T0));

    var after = applyAll(s, Ledger.cancellation(s, "inv_1", "bob", T1));

    assertMoney("0", after.accountCredit());
    assertMoney("0", after.balance());
  }

  @Test
  void cancelling_a_partly_paid_invoice_credits_it_in_full_and_what_was_paid_becomes_account_credit() {
    var s = apply(invoiced("119.00"), payment("pay_1", "50.00"));

    var events = Ledger.cancellation(s, "inv_1", "bob", T1);
    var after = applyAll(s, events);

    var note = assertInstanceOf(CreditNoteIssued.class, events.get(0));
    assertEquals("cn_cancel_inv_1", note.creditNoteId());
    assertMoney("119.00", note.amount());
    assertMoney("69.00", note.appliedToInvoice());
    assertMoney("50.00", note.toAccountCredit());
    assertMoney("50.00", after.accountCredit());
    assertFalse(after.receivables().containsKey("inv_1"));
    assertTrue(after.settled().get("inv_1").cancelled(), "the invoice of a cancelled order");
  }

  @Test
  void cancelling_an_invoice_paid_from_account_credit_gives_that_credit_back() {
    // 50.00 to the customer's good (a credit note on an invoice the account does not hold open), 40.00 of it pays inv_1,
    // 30.00 cash pays more of it; the order is cancelled: all 70.00 the customer put in is theirs again.
    var s = invoiced("119.00");
    s = apply(s, Ledger.creditNote(s, "inv_0", "cn_0", new BigDecimal("50.00"), "goodwill", "alice", T0));
    s = apply(s, new CustomerAccount.AccountCreditApplied("inv_1", "INV-inv_1", new BigDecimal("40.00"), T0));
    s = apply(s, payment("pay_1", "30.00"));
    assertMoney("10.00", s.accountCredit());
    assertMoney("40.00", s.receivables().get("inv_1").paidByAccountCredit());

    var events = Ledger.cancellation(s, "inv_1", "bob", T1);
    var after = applyAll(s, events);

    var note = assertInstanceOf(CreditNoteIssued.class, events.get(0));
    assertMoney("119.00", note.amount());
    assertMoney("49.00", note.appliedToInvoice());
    assertMoney("70.00", note.toAccountCredit());
    assertMoney("80.00", after.accountCredit());
    assertMoney("0", after.receivable());
    assertMoney("-80.00", after.balance());
  }

  @Test
  void a_void_of_an_invoice_is_no_cancellation_mark() {
    var after = applyAll(invoiced("119.00"), Ledger.cancellation(invoiced("119.00"), "inv_1", "bob", T1));

    assertTrue(after.settled().get("inv_1").voided());
    assertFalse(after.settled().get("inv_1").cancelled(), "nothing was paid that a chargeback could take back");
  }

  @Test
  void cancelling_an_invoice_the_account_does_not_have_decides_nothing() {
    var s = account().apply(accepted("ord_1", OrderStatus.VERIFIED, "100.00"));

    assertEquals(List.of(), Ledger.cancellation(s, "inv_1", "bob", T1));
  }

  @Test
  void a_cancellation_already_handled_decides_nothing() {
    var voided = applyAll(invoiced("119.00"), Ledger.cancellation(invoiced("119.00"), "inv_1", "bob", T0));
    var credited = applyAll(partlyCredited(), Ledger.cancellation(partlyCredited(), "inv_1", "bob", T0));

    assertEquals(List.of(), Ledger.cancellation(voided, "inv_1", "bob", T1));
    assertEquals(List.of(), Ledger.cancellation(credited, "inv_1", "bob", T1));
  }

  @Test
  void a_cancellation_credit_note_already_issued_on_an_open_invoice_is_not_issued_again() {
    // A cancellation credit note that left something open (the balance grew back, say) is not repeated.
    var s = invoiced("119.00");
    var note = new CreditNoteIssued("cn_cancel_inv_1", "inv_1", new BigDecimal("10.00"), new BigDecimal("10.00"),
        new BigDecimal("0.00"), "order cancelled", "bob", T0);
    var after = apply(s, note);

    assertEquals(List.of(), Ledger.cancellation(after, "inv_1", "bob", T1));
  }

  // --- Dunning --------------------------------------------------------------------------------

  @Test
  void nothing_happens_before_or_on_the_due_date() {
    var s = invoiced("119.00");

    assertEquals(List.of(), Ledger.dunning(s, DUE.minusDays(5), SETTINGS, T1));
    assertEquals(List.of(), Ledger.dunning(s, DUE, SETTINGS, T1));
  }

  @Test
  void one_day_overdue_is_a_reminder() {
    var s = invoiced("119.00");

    var events = Ledger.dunning(s, DUE.plusDays(1), SETTINGS, T1);

    assertEquals(List.of(new DunningLevelRaised("inv_1", "INV-inv_1", DunningLevel.REMINDER, 1, false, T1)), events);
    assertEquals(DunningLevel.REMINDER, applyAll(s, events).receivables().get("inv_1").dunningLevel());
  }

  @Test
  void a_late_first_run_takes_every_step_reached_in_order_none_skipped() {
    var s = invoiced("119.00");

    var events = Ledger.dunning(s, DUE.plusDays(20), SETTINGS, T1);

    assertEquals(List.of(
        new DunningLevelRaised("inv_1", "INV-inv_1", DunningLevel.REMINDER, 20, false, T1),
        new DunningLevelRaised("inv_1", "INV-inv_1", DunningLevel.SECOND_NOTICE, 20, false, T1)), events);
    assertEquals(DunningLevel.SECOND_NOTICE, applyAll(s, events).receivables().get("inv_1").dunningLevel());
  }

  @Test
  void the_final_notice_step_carries_the_credit_hold() {
    var s = apply(invoiced("119.00"), dunning("inv_1", DunningLevel.SECOND_NOTICE, 15, false));

    var events = Ledger.dunning(s, DUE.plusDays(30), SETTINGS, T1);

    assertEquals(List.of(new DunningLevelRaised("inv_1", "INV-inv_1", DunningLevel.FINAL_NOTICE, 30, true, T1)), events);
    assertTrue(applyAll(s, events).anyOpenInvoiceAt(DunningLevel.FINAL_NOTICE));
  }

  @Test
  void a_second_run_on_the_same_day_takes_no_step_again() {
    var s = invoiced("119.00");
    var first = applyAll(s, Ledger.dunning(s, DUE.plusDays(20), SETTINGS, T1));

    assertEquals(List.of(), Ledger.dunning(first, DUE.plusDays(20), SETTINGS, T1));
  }

  @Test
  void a_later_run_takes_only_the_steps_not_taken_yet() {
    var s = invoiced("119.00");
    var first = applyAll(s, Ledger.dunning(s, DUE.plusDays(2), SETTINGS, T1));

    var events = Ledger.dunning(first, DUE.plusDays(45), SETTINGS, T1);

    assertEquals(List.of(DunningLevel.SECOND_NOTICE, DunningLevel.FINAL_NOTICE),
        events.stream().map(e -> ((DunningLevelRaised) e).level()).toList());
  }

  @Test
  void a_settled_or_voided_invoice_is_not_dunned() {
    var credited = apply(invoiced("119.00"),
        Ledger.creditNote(invoiced("119.00"), "inv_1", "cn_1", new BigDecimal("119.00"), "r", "a", T0));
    var voided = apply(invoiced("119.00"), new InvoiceVoided("inv_1", "duplicate", "bob", T0));

    assertEquals(List.of(), Ledger.dunning(credited, DUE.plusDays(40), SETTINGS, T1));
    assertEquals(List.of(), Ledger.dunning(voided, DUE.plusDays(40), SETTINGS, T1));
  }

  @Test
  void a_run_over_several_invoices_groups_each_invoices_steps_in_order() {
    var s = account()
        .apply(issued("inv_b", "ord_b", "10.00", DUE.minusDays(10)))
        .apply(issued("inv_a", "ord_a", "20.00", DUE))
        .apply(issued("inv_c", "ord_c", "30.00", DUE.plusDays(30)));

    var events = Ledger.dunning(s, DUE.plusDays(5), SETTINGS, T1);

    assertEquals(List.of("inv_a:REMINDER:5", "inv_b:REMINDER:15", "inv_b:SECOND_NOTICE:15"),
        events.stream().map(e -> (DunningLevelRaised) e).map(e -> e.invoiceId() + ":" + e.level() + ":" + e.daysOverdue()).toList());
  }

  @Test
  void a_dunning_step_on_an_invoice_no_longer_open_changes_nothing() {
    var s = apply(invoiced("119.00"), new InvoiceVoided("inv_1", "duplicate", "bob", T0));

    var after = s.apply(dunning("inv_1", DunningLevel.REMINDER, 1, false));

    assertEquals(s, after);
  }

  @Test
  void next_dunning_day_is_null_when_nothing_is_open() {
    assertNull(Ledger.nextDunningDay(account(), SETTINGS, DUE));
    var voided = apply(invoiced("119.00"), new InvoiceVoided("inv_1", "duplicate", "bob", T0));
    assertNull(Ledger.nextDunningDay(voided, SETTINGS, DUE));
  }

  @Test
  void next_dunning_day_is_the_day_the_next_step_falls_due() {
    var s = invoiced("119.00");
    var reminded = applyAll(s, Ledger.dunning(s, DUE.plusDays(1), SETTINGS, T1));
    var final_ = applyAll(s, Ledger.dunning(s, DUE.plusDays(30), SETTINGS, T1));

    assertEquals(DUE.plusDays(1), Ledger.nextDunningDay(s, SETTINGS, ISSUED));
    assertEquals(DUE.plusDays(15), Ledger.nextDunningDay(reminded, SETTINGS, DUE.plusDays(1)));
    assertNull(Ledger.nextDunningDay(final_, SETTINGS, DUE.plusDays(30)), "no step after the final notice");
  }

  @Test
  void next_dunning_day_is_the_earliest_over_all_open_invoices() {
    var s = account()
        .apply(issued("inv_a", "ord_a", "20.00", DUE.plusDays(10)))
        .apply(issued("inv_b", "ord_b", "10.00", DUE))
        .apply(issued("inv_c", "ord_c", "30.00", DUE.plusDays(3)));
    s = apply(s, dunning("inv_b", DunningLevel.REMINDER, 1, false));

    // inv_a: REMINDER on DUE+11; inv_b: SECOND_NOTICE on DUE+15; inv_c: REMINDER on DUE+4.
    assertEquals(DUE.plusDays(4), Ledger.nextDunningDay(s, SETTINGS, DUE.plusDays(1)));
  }

  @Test
  void next_dunning_day_is_at_least_tomorrow() {
    var s = invoiced("119.00");

    // The reminder fell due long ago but was not taken: the next chance is tomorrow, never today or earlier.
    assertEquals(DUE.plusDays(21), Ledger.nextDunningDay(s, SETTINGS, DUE.plusDays(20)));
    assertEquals(DUE.plusDays(2), Ledger.nextDunningDay(s, SETTINGS, DUE.plusDays(1)));
  }

  // --- Helpers --------------------------------------------------------------------------------

  private static CustomerState account() {
    return CustomerState.EMPTY.apply(new Created(
        "cust-1", "Acme", "ap@acme.example", "EUR", new BigDecimal("1000.00"), 30, null, "hash", "alice", T0));
  }

  /** An order of one line of {@code gross} (untaxed) taken as VERIFIED or ON_HOLD. */
  private static OrderAccepted accepted(String orderId, OrderStatus status, String gross) {
    var holds = status == OrderStatus.ON_HOLD ? List.of(new HoldReason("CREDIT_LIMIT_EXCEEDED", "over", null)) : List.<HoldReason>of();
    return new OrderAccepted(AccountFixtures.request(orderId, "cust-1", gross, null, T0), status, holds, new BigDecimal(gross), T0);
  }

  /** The invoice of an order: one untaxed line of {@code total}. */
  private static InvoiceIssued issued(String invoiceId, String orderId, String total, LocalDate dueOn) {
    var amount = new BigDecimal(total);
    var zero = new BigDecimal("0.00");
    return new InvoiceIssued(invoiceId, "INV-" + invoiceId, orderId, null, "EUR",
        List.of(new InvoiceLine(1, "SKU-1", 1, amount, amount, null, BigDecimal.ZERO, zero, amount)), amount, zero, amount, ISSUED, dueOn,
        T0);
  }

  /** A payment of {@code amount} that matched inv_1 by its reference. */
  private static PaymentApplied payment(String paymentId, String amount) {
    return new PaymentApplied(paymentId, new BigDecimal(amount), "EUR", ISSUED,
        List.of(new Allocation("inv_1", "INV-inv_1", new BigDecimal(amount), Rule.REFERENCE, "INV-inv_1")), List.of(),
        new BigDecimal("0.00"), T0);
  }

  private static DunningLevelRaised dunning(String invoiceId, DunningLevel level, long days, boolean hold) {
    return new DunningLevelRaised(invoiceId, "INV-" + invoiceId, level, days, hold, T0);
  }

  /** An account with order ord_1 verified at its gross total and invoiced for it as inv_1 (due DUE). */
  private static CustomerState invoiced(String total) {
    return account().apply(accepted("ord_1", OrderStatus.VERIFIED, total)).apply(issued("inv_1", "ord_1", total, DUE));
  }

  /** inv_1 of 119.00 with 30.00 credited. */
  private static CustomerState partlyCredited() {
    var s = invoiced("119.00");
    return apply(s, Ledger.creditNote(s, "inv_1", "cn_1", new BigDecimal("30.00"), "damaged", "alice", T0));
  }

  private static CustomerState apply(CustomerState s, Event event) {
    var next = s.apply(event);
    assertAccountInvariants(next);
    return next;
  }

  private static CustomerState applyAll(CustomerState s, List<Event> events) {
    for (var e : events) {
      s = apply(s, e);
    }
    return s;
  }

  /**
   * receivable = sum of open balances; reserved = the gross totals of the orders holding credit;
   * every invoice keeps its own sum, an open one owes something, a settled one nothing.
   */
  private static void assertAccountInvariants(CustomerState s) {
    var open = s.receivables().values().stream().map(Receivable::balance).reduce(BigDecimal.ZERO, BigDecimal::add);
    var reserved = s.orders().values().stream().filter(CustomerState.OpenOrder::holdsCredit).map(CustomerState.OpenOrder::gross)
        .reduce(BigDecimal.ZERO, BigDecimal::add);
    assertMoney(open.toPlainString(), s.receivable());
    assertMoney(reserved.toPlainString(), s.reserved());
    assertMoney(s.reserved().add(s.receivable()).toPlainString(), s.creditUsed());
    for (var r : s.receivables().values()) {
      assertTrue(r.balance().signum() > 0, "an open receivable owes something");
      assertMoney(r.total().toPlainString(), r.paid().add(r.credited()).add(r.writtenOff()).add(r.balance()));
      assertFalse(s.orders().containsKey(r.orderId()), "an invoiced order holds no credit of its own");
    }
    for (var r : s.settled().values()) {
      assertTrue(r.balance().signum() == 0, "a settled receivable owes nothing");
      if (!r.voided()) {
        assertMoney(r.total().toPlainString(), r.paid().add(r.credited()).add(r.writtenOff()).add(r.balance()));
      }
    }
    assertTrue(s.accountCredit().signum() >= 0, "account credit is never negative");
  }

  private static void assertMoney(String expected, BigDecimal actual) {
    assertTrue(actual != null && new BigDecimal(expected).compareTo(actual) == 0,
        () -> "expected the amount " + expected + " but was " + actual);
  }
}
