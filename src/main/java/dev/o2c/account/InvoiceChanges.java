package dev.o2c.account;

import dev.o2c.account.CustomerAccount.AccountCreditApplied;
import dev.o2c.account.CustomerAccount.CreditNoteIssued;
import dev.o2c.account.CustomerAccount.Event;
import dev.o2c.account.CustomerAccount.PaymentAllocated;
import dev.o2c.account.CustomerAccount.PaymentApplied;
import dev.o2c.account.CustomerAccount.PaymentReversed;
import dev.o2c.account.CustomerAccount.PaymentUnallocated;
import dev.o2c.invoice.Application;
import dev.o2c.invoice.InvoiceChange;
import dev.o2c.payment.Allocation;
import dev.o2c.payment.WriteOff;
import java.util.ArrayList;
import java.util.List;

/**
 * What a ledger event changes on invoices: the applications to record on each. Every application
 * has an id made from the event (payment, operation, position), so recording it twice — by the
 * request that caused it and again by the ledger projection — records it once.
 */
public final class InvoiceChanges {

  private InvoiceChanges() {}

  public static List<InvoiceChange> of(Event event) {
    List<InvoiceChange> changes = new ArrayList<>();
    if (event instanceof PaymentApplied e) {
      payments(changes, e.paymentId(), 0, e.allocations(), e.writeOffs(), false, null, e.at());
    } else if (event instanceof PaymentAllocated e) {
      payments(changes, e.paymentId(), e.operation(), e.allocations(), List.of(), false, null, e.at());
    } else if (event instanceof PaymentUnallocated e) {
      changes.add(new InvoiceChange(e.invoiceId(), new Application(e.paymentId() + ":" + e.operation() + ":u",
          Application.Kind.PAYMENT, e.amount().negate(), e.paymentId(), "UNALLOCATED", null, e.at())));
      if (e.writtenOff().signum() != 0) {
        changes.add(new InvoiceChange(e.invoiceId(), new Application(e.paymentId() + ":" + e.operation() + ":uw",
            Application.Kind.WRITE_OFF, e.writtenOff().negate(), e.paymentId(), "UNALLOCATED", null, e.at())));
      }
    } else if (event instanceof PaymentReversed e) {
      payments(changes, e.paymentId(), e.operation(), e.undone(), e.writeOffsUndone(), true, e.reason(), e.at());
    } else if (event instanceof AccountCreditApplied e) {
      changes.add(new InvoiceChange(e.invoiceId(), new Application("credit:" + e.invoiceId(), Application.Kind.CREDIT_NOTE,
          e.amount(), "account-credit", "ACCOUNT_CREDIT", "credit to the customer's good", e.at())));
    } else if (event instanceof CreditNoteIssued e && e.appliedToInvoice().signum() > 0) {
      changes.add(new InvoiceChange(e.invoiceId(), new Application(e.creditNoteId(), Application.Kind.CREDIT_NOTE,
          e.appliedToInvoice(), e.creditNoteId(), null, e.reason(), e.at())));
    }
    return changes;
  }

  /** The changes of several events, in order. */
  public static List<InvoiceChange> of(List<Event> events) {
    List<InvoiceChange> changes = new ArrayList<>();
    events.forEach(e -> changes.addAll(of(e)));
    return changes;
  }

  private static void payments(
      List<InvoiceChange> changes, String paymentId, int operation, List<Allocation> allocations, List<WriteOff> writeOffs,
      boolean reversal, String reason, java.time.Instant at) {
    String prefix = paymentId + ":" + operation + ":" + (reversal ? "r" : "");
    for (int i = 0; i < allocations.size(); i++) {
      Allocation a = allocations.get(i);
      changes.add(new InvoiceChange(a.invoiceId(), new Application(prefix + "a" + i, Application.Kind.PAYMENT,
          reversal ? a.amount().negate() : a.amount(), paymentId, reversal ? "REVERSED" : a.rule().name(),
          reversal ? reason : a.token(), at)));
    }
    for (int i = 0; i < writeOffs.size(); i++) {
      WriteOff w = writeOffs.get(i);
      changes.add(new InvoiceChange(w.invoiceId(), new Application(prefix + "w" + i, Application.Kind.WRITE_OFF,
          reversal ? w.amount().negate() : w.amount(), paymentId, reversal ? "REVERSED" : w.rule().name(), reason, at)));
    }
  }
}
