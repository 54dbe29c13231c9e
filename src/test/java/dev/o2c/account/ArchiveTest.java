package dev.o2c.account;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.o2c.account.CustomerAccount.Created;
import dev.o2c.account.CustomerAccount.InvoiceIssued;
import dev.o2c.account.CustomerAccount.ItemsArchived;
import dev.o2c.account.CustomerAccount.ItemsRestored;
import dev.o2c.account.CustomerAccount.OrderAccepted;
import dev.o2c.account.CustomerAccount.PaymentApplied;
import dev.o2c.account.CustomerAccount.PlacementsConfirmed;
import dev.o2c.invoice.InvoiceLine;
import dev.o2c.order.OrderStatus;
import dev.o2c.payment.Allocation;
import dev.o2c.payment.PaymentEntry;
import dev.o2c.payment.Rule;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What may leave an account's state, what a command needs back, and how both change the state. */
class ArchiveTest {

  private static final Instant T0 = Instant.parse("2026-11-02T09:00:00Z");
  private static final Instant LATER = T0.plusSeconds(86_400 * 3);
  private static final LocalDate ISSUED = LocalDate.parse("2026-11-02");

  @Test
  void settled_invoices_and_payments_whose_invoices_all_leave_are_candidates_and_open_ones_are_not() {
    var s = paidAndOpen();

    var found = Archive.candidates(s, LATER, 100);

    assertEquals(List.of("inv_1"), found.invoices().stream().map(Receivable::invoiceId).toList());
    assertEquals(List.of("pay_1"), found.payments().stream().map(PaymentEntry::paymentId).toList());
  }

  @Test
  void nothing_touched_after_the_cutoff_is_a_candidate() {
    assertTrue(Archive.candidates(paidAndOpen(), T0.minusSeconds(1), 100).isEmpty());
  }

  @Test
  void the_invoice_of_a_placement_its_order_has_not_confirmed_stays() {
    var s = account().apply(accepted("ord_1")).apply(issued("inv_1", "ord_1", "100.00")).apply(payment("pay_1", "inv_1", "100.00"));

    assertTrue(Archive.candidates(s, LATER, 100).isEmpty(), "a placement that comes again must find its invoice");
  }

  @Test
  void a_round_takes_at_most_the_configured_number_of_items() {
    assertEquals(1, Archive.candidates(paidAndOpen(), LATER, 1).invoices().size() + Archive.candidates(paidAndOpen(), LATER, 1)
        .payments().size());
  }

  @Test
  void items_that_changed_since_they_were_stored_stay() {
    var s = paidAndOpen();
    var stored = Archive.candidates(s, LATER, 100);
    var changed = s.apply(new CustomerAccount.CreditNoteIssued("cn_1", "inv_1", new BigDecimal("5.00"), BigDecimal.ZERO,
        new BigDecimal("5.00"), "goodwill", "alice", LATER));

    var leaving = Archive.leaving(changed, stored, LATER);

    assertEquals(List.of("inv_1"), leaving.invoiceIds(), "a credit note on a settled invoice does not change it");
    var reopened = s.apply(new CustomerAccount.PaymentUnallocated("pay_1", 1, "inv_1", "INV-inv_1", new BigDecimal("100.00"),
        BigDecimal.ZERO, "alice", LATER));
    assertNull(Archive.leaving(reopened, stored, LATER), "a reopened invoice and a payment with money to apply stay");
  }

  @Test
  void archiving_and_restoring_give_back_the_same_account() {
    var s = paidAndOpen();
    var stored = Archive.candidates(s, LATER, 100);

    var archived = s.apply(Archive.leaving(s, stored, LATER));
    var restored = archived.apply(new ItemsRestored(stored.invoices(), stored.payments(), LATER));

    assertEquals(Set.of("inv_2"), archived.receivables().keySet());
    assertTrue(archived.settled().isEmpty());
    assertEquals(Set.of(), archived.payments().keySet());
    assertSameMoney(s.receivable(), archived.receivable());
    assertSameMoney(s.balance(), archived.balance());
    assertEquals(s.receivables(), restored.receivables());
    assertEquals(s.settled(), restored.settled());
    assertEquals(s.payments(), restored.payments());
    assertSameMoney(s.unappliedCash(), restored.unappliedCash());
    assertSameMoney(s.receivable(), restored.receivable());
  }

  @Test
  void restoring_what_the_account_holds_changes_nothing() {
    var s = paidAndOpen();
    var held = Archive.candidates(s, LATER, 100);

    var again = s.apply(new ItemsRestored(held.invoices(), held.payments(), LATER));

    assertEquals(s.settled(), again.settled());
    assertEquals(s.payments(), again.payments());
    assertSameMoney(s.receivable(), again.receivable());
  }

  @Test
  void commands_name_what_they_need_back_only_when_the_account_does_not_hold_it() {
    var s = paidAndOpen().apply(new ItemsArchived(List.of("inv_1"), List.of("pay_1"), LATER));

    assertEquals(Set.of("inv_1"), Archive.forOrderChange(s, "ord_1").invoiceIds());
    assertTrue(Archive.forOrderChange(s, "ord_2").isEmpty(), "its invoice is open");
    assertEquals(Set.of("inv_1"), Archive.forInvoice(s, "inv_1").invoiceIds());
    assertTrue(Archive.forInvoice(s, "inv_2").isEmpty());
    assertEquals(Set.of("pay_1"), Archive.forPayment(s, "pay_1", null, true).paymentIds());
    var back = s.apply(new ItemsRestored(List.of(), List.of(paidAndOpen().payments().get("pay_1")), LATER));
    assertEquals(Set.of("inv_1"), Archive.forPayment(back, "pay_1", null, true).invoiceIds(), "once it has the payment: its invoices");
    assertTrue(Archive.forPayment(back, "pay_1", null, false).invoiceIds().isEmpty());
    assertTrue(Archive.forInvoice(CustomerState.EMPTY, "inv_1").isEmpty(), "no account, nothing to look for");
  }

  @Test
  void the_shipped_settings_archive_what_is_settled_for_30_days_every_10_minutes() {
    var settings = ArchiveSettings.fromConfig(dev.o2c.infra.O2cConfig.load());

    assertEquals(new ArchiveSettings(true, java.time.Duration.ofDays(30), java.time.Duration.ofMinutes(10), 1000), settings);
  }

  // --- fixtures --------------------------------------------------------------------------------

  /** inv_1 (100.00) paid by pay_1 and inv_2 (50.00) open; both placements confirmed. */
  private static CustomerState paidAndOpen() {
    return account()
        .apply(accepted("ord_1")).apply(issued("inv_1", "ord_1", "100.00"))
        .apply(accepted("ord_2")).apply(issued("inv_2", "ord_2", "50.00"))
        .apply(new PlacementsConfirmed(List.of("ord_1", "ord_2"), T0))
        .apply(payment("pay_1", "inv_1", "100.00"));
  }

  private static CustomerState account() {
    return CustomerState.EMPTY.apply(new Created("cust-1", "Acme", null, "EUR", new BigDecimal("1000.00"), 30, null, "h", "a", T0));
  }

  private static OrderAccepted accepted(String orderId) {
    return new OrderAccepted(AccountFixtures.request(orderId, "cust-1", "100.00", null, T0), OrderStatus.VERIFIED, List.of(),
        new BigDecimal("100.00"), T0);
  }

  private static InvoiceIssued issued(String invoiceId, String orderId, String total) {
    var amount = new BigDecimal(total);
    var zero = new BigDecimal("0.00");
    return new InvoiceIssued(invoiceId, "INV-" + invoiceId, orderId, null, "EUR",
        List.of(new InvoiceLine(1, "SKU-1", 1, amount, amount, null, BigDecimal.ZERO, zero, amount)), amount, zero, amount, ISSUED,
        ISSUED.plusDays(30), T0);
  }

  private static PaymentApplied payment(String paymentId, String invoiceId, String amount) {
    return new PaymentApplied(paymentId, new BigDecimal(amount), "EUR", ISSUED,
        List.of(new Allocation(invoiceId, "INV-" + invoiceId, new BigDecimal(amount), Rule.REFERENCE, null)), List.of(),
        new BigDecimal("0.00"), T0);
  }

  /** Amounts compare by value, never by scale. */
  private static void assertSameMoney(BigDecimal expected, BigDecimal actual) {
    assertTrue(expected.compareTo(actual) == 0, () -> "expected the amount " + expected + " but was " + actual);
  }
}
