package dev.o2c.account;

import dev.o2c.invoice.InvoiceResult;
import dev.o2c.payment.ChosenAllocation;
import dev.o2c.payment.PaymentLedgerResult;
import dev.o2c.payment.PaymentSettings;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * The account's decisions on invoices and payments, opened to the tests of other packages (the
 * decisions are package-private): each decided against a state, its events applied as the
 * entity persists them, and its reply made from the state after them.
 */
public final class LedgerDecisions {

  private LedgerDecisions() {}

  /** What a decision persisted, what it answered, and the account after it. */
  public record Outcome<R>(List<CustomerAccount.Event> events, R reply, CustomerState after) {}

  public static Outcome<LedgerResult> issueCreditNote(
      CustomerState state, String invoiceId, String creditNoteId, BigDecimal amount, String reason, Instant now) {
    return decide(state, AccountDecisions.issueCreditNote(state,
        new CustomerAccount.IssueCreditNote(invoiceId, creditNoteId, amount, reason, "test", null), now));
  }

  public static Outcome<PaymentLedgerResult> applyPayment(
      CustomerState state, String paymentId, BigDecimal amount, String currency, LocalDate receivedOn, String remittanceInfo,
      PaymentSettings.Tenant settings, Instant now) {
    return decide(state, PaymentLedger.apply(state,
        new CustomerAccount.ApplyPayment(paymentId, amount, currency, receivedOn, remittanceInfo, null, null), settings, now));
  }

  public static Outcome<PaymentLedgerResult> allocate(
      CustomerState state, String paymentId, BigDecimal amount, String currency, LocalDate receivedOn, List<ChosenAllocation> allocations,
      Instant now) {
    return decide(state, PaymentLedger.allocate(state,
        new CustomerAccount.AllocatePayment(paymentId, amount, currency, receivedOn, allocations, "test", null), now));
  }

  public static Outcome<RefundResult> refund(CustomerState state, String refundId, BigDecimal amount, String currency, Instant now) {
    return decide(state, PaymentLedger.refund(state, new CustomerAccount.IssueRefund(refundId, amount, currency, "IBAN", "test", null), now));
  }

  /** The invoice as the API shows it (what a credit note request is validated against). */
  public static InvoiceResult invoice(CustomerState state, String invoiceId) {
    return AccountViews.invoice(state, invoiceId);
  }

  private static <R> Outcome<R> decide(CustomerState state, Decision<R> decision) {
    CustomerState after = state;
    for (CustomerAccount.Event e : decision.events()) {
      after = after.apply(e);
    }
    return new Outcome<>(decision.events(), decision.reply().apply(after), after);
  }
}
