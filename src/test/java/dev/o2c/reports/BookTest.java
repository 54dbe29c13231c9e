package dev.o2c.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.o2c.account.CustomerAccount;
import dev.o2c.payment.Allocation;
import dev.o2c.payment.Rule;
import dev.o2c.payment.WriteOff;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A customer's report book on a worked history whose figures are written out by hand. */
class BookTest {

  static final LocalDate D1 = LocalDate.parse("2026-12-01");

  static Instant at(LocalDate day) {
    return day.atTime(10, 0).toInstant(ZoneOffset.UTC);
  }

  static BigDecimal eur(String amount) {
    return new BigDecimal(amount);
  }

  static CustomerAccount.InvoiceIssued issued(String id, String total, LocalDate on, int terms) {
    return new CustomerAccount.InvoiceIssued(id, "INV-" + id, "ord-" + id, null, "EUR", List.of(), eur(total), eur("0.00"), eur(total), on,
        on.plusDays(terms), at(on));
  }

  static CustomerAccount.PaymentApplied payment(String id, String amount, LocalDate on, String unapplied, Allocation... allocations) {
    return new CustomerAccount.PaymentApplied(id, eur(amount), "EUR", on, List.of(allocations), List.of(), eur(unapplied), at(on));
  }

  static Allocation alloc(String invoiceId, String amount, Rule rule) {
    return new Allocation(invoiceId, "INV-" + invoiceId, eur(amount), rule, null);
  }

  /** Applies each event with the next sequence number on the day of its {@code at}. */
  static Book book(CustomerAccount.Event... events) {
    Book book = Book.empty();
    long seq = 0;
    for (CustomerAccount.Event e : events) {
      book.apply(++seq, e, LocalDate.ofInstant(e.at(), ZoneOffset.UTC));
    }
    return book;
  }

  @Test
  void invoices_payments_credit_notes_and_voids_move_the_open_balances_by_due_and_issue_date() {
    LocalDate d5 = D1.plusDays(4);
    Book book = book(
        issued("a", "100.00", D1, 30),                                       // due 12-31
        issued("b", "250.00", D1, 14),                                       // due 12-15
        issued("c", "40.00", d5, 30),                                        // due 01-04
        payment("p1", "130.00", d5, "30.00", alloc("a", "100.00", Rule.REFERENCE)),
        new CustomerAccount.CreditNoteIssued("cn1", "b", eur("50.00"), eur("50.00"), eur("0.00"), "damaged", "fin", at(d5)),
        new CustomerAccount.InvoiceVoided("c", "duplicate", "fin", at(d5)));
    Totals t = book.totals();
    // a paid in full, b 250 - 50 = 200 open (due 12-15), c void.
    assertEquals(Map.of(LocalDate.parse("2026-12-15"), eur("200.00")), t.openByDue());
    assertEquals(Map.of(D1, eur("200.00")), t.openByIssue());
    assertEquals(0, eur("200.00").compareTo(t.open()));
    assertEquals(0, eur("30.00").compareTo(t.unapplied()));
    assertEquals(0, eur("390.00").compareTo(t.invoiced()));
    assertEquals(3, t.invoices());
    assertEquals(0, eur("40.00").compareTo(t.voided()));
    assertEquals(0, eur("130.00").compareTo(t.received()));
    assertEquals(Map.of("REFERENCE", eur("100.00"), "UNAPPLIED", eur("30.00")), t.applied());
    assertEquals(0, eur("50.00").compareTo(t.creditNotes()));
    // a: issued 12-01, paid 12-05 -> 4 days.
    assertEquals(1, t.paidInvoices());
    assertEquals(4, t.daysToPay());
    assertEquals(D1, t.firstInvoice());
    assertEquals(d5, t.lastInvoice());
  }

  @Test
  void the_days_flows_are_what_happened_since_the_day_began() {
    LocalDate d2 = D1.plusDays(1);
    Book book = book(issued("a", "100.00", D1, 30), issued("b", "60.00", d2, 30),
        payment("p1", "60.00", d2, "0.00", alloc("b", "60.00", Rule.EXACT_AMOUNT)));
    assertEquals(d2, book.day());
    Totals today = book.today();
    assertEquals(0, eur("60.00").compareTo(today.invoiced()));
    assertEquals(1, today.invoices());
    assertEquals(0, eur("60.00").compareTo(today.received()));
    assertEquals(Map.of("EXACT_AMOUNT", eur("60.00")), today.applied());
    // Flows only: the open balances at the end of the day are the totals' (report_customer_days).
    assertEquals(Map.of(), today.openByDue());
    assertEquals(Map.of(), today.openByIssue());
    assertEquals(Map.of(D1.plusDays(30), eur("100.00")), book.totals().openByDue());
  }

  @Test
  void an_event_applied_before_changes_nothing_when_delivered_again() {
    Book book = book(issued("a", "100.00", D1, 30));
    var pay = payment("p1", "100.00", D1, "0.00", alloc("a", "100.00", Rule.REFERENCE));
    assertTrue(book.apply(2, pay, D1));
    assertFalse(book.apply(2, pay, D1), "the same sequence number again");
    assertFalse(book.apply(1, issued("a", "100.00", D1, 30), D1), "an older one");
    assertEquals(0, eur("100.00").compareTo(book.totals().received()));
    assertEquals(Map.of(), book.totals().openByDue());
  }

  @Test
  void an_unallocation_opens_the_invoice_again_and_its_payment_is_no_longer_counted_as_paid() {
    LocalDate d3 = D1.plusDays(2);
    Book book = book(issued("a", "100.00", D1, 30),
        payment("p1", "100.00", D1.plusDays(1), "0.00", alloc("a", "100.00", Rule.OLDEST_FIRST)),
        new CustomerAccount.PaymentUnallocated("p1", 2, "a", "INV-a", eur("100.00"), eur("0.00"), "fin", at(d3)));
    Totals t = book.totals();
    assertEquals(Map.of(D1.plusDays(30), eur("100.00")), t.openByDue());
    assertEquals(0, eur("100.00").compareTo(t.unapplied()));
    assertEquals(0, t.paidInvoices());
    assertEquals(0, t.daysToPay());
    assertNull(book.invoice("a").settledOn());
  }

  @Test
  void a_tolerance_write_off_settles_the_invoice_and_a_reversal_takes_everything_back() {
    var pay = new CustomerAccount.PaymentApplied("p1", eur("99.50"), "EUR", D1, List.of(alloc("a", "99.50", Rule.TOLERANCE)),
        List.of(new WriteOff("a", "INV-a", eur("0.50"), Rule.TOLERANCE)), eur("0.00"), at(D1));
    Book book = book(issued("a", "100.00", D1, 30), pay);
    assertEquals(Map.of(), book.totals().openByDue());
    assertEquals(0, eur("0.50").compareTo(book.totals().writtenOff()));
    book.apply(3, new CustomerAccount.PaymentReversed("p1", 2, List.of(alloc("a", "99.50", Rule.TOLERANCE)),
        List.of(new WriteOff("a", "INV-a", eur("0.50"), Rule.TOLERANCE)), eur("0.00"), List.of(), List.of(), List.of(), "chargeback", "fin",
        at(D1.plusDays(3))), D1.plusDays(3));
    Totals t = book.totals();
    assertEquals(Map.of(D1.plusDays(30), eur("100.00")), t.openByDue());
    assertEquals(0, eur("99.50").compareTo(t.reversed()));
    assertEquals(0, eur("0.00").compareTo(t.writtenOff()));
  }

  @Test
  void unapplied_cash_applied_later_refunds_and_account_credit_follow_the_account() {
    Book book = book(issued("a", "80.00", D1, 30),
        payment("p1", "100.00", D1, "100.00"),
        new CustomerAccount.PaymentAllocated("p1", 2, List.of(alloc("a", "80.00", Rule.MANUAL)), "fin", at(D1)),
        new CustomerAccount.RefundIssued("r1", "EUR", eur("20.00"), List.of(new CustomerAccount.RefundSource("p1", eur("20.00"))), null, "fin",
            at(D1)),
        issued("b", "30.00", D1, 30),
        new CustomerAccount.CreditNoteIssued("cn1", "b", eur("50.00"), eur("30.00"), eur("20.00"), "goodwill", "fin", at(D1)),
        issued("c", "15.00", D1, 30),
        new CustomerAccount.AccountCreditApplied("c", "INV-c", eur("15.00"), at(D1)));
    Totals t = book.totals();
    assertEquals(Map.of(), t.openByDue());
    assertEquals(0, eur("0.00").compareTo(t.unapplied()));
    assertEquals(0, eur("5.00").compareTo(t.accountCredit()));
    assertEquals(0, eur("20.00").compareTo(t.refunded()));
    assertEquals(Map.of("MANUAL", eur("80.00"), "UNAPPLIED", eur("100.00")), t.applied());
    assertEquals(Set.of("a", "b", "c"), Set.copyOf(book.changedInvoices().stream().map(Book.Invoice::invoiceId).toList()));
  }
}
