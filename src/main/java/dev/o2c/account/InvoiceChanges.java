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
      for (int i = 0; i < e.creditTakenBack().size(); i++) {
        // The cash leaves the invoice of a cancelled order; the credit it had become comes back onto it.
        Allocation a = e.creditTakenBack().get(i);
        String prefix = e.paymentId() + ":" + e.operation() + ":r";
        changes.add(new InvoiceChange(a.invoiceId(), new Application(prefix + "c" + i, Application.Kind.PAYMENT, a.amount().negate(),
            e.paymentId(), "REVERSED", e.reason(), e.at())));
        changes.add(new InvoiceChange(a.invoiceId(), new Application(prefix + "cc" + i, Application.Kind.CREDIT_NOTE, a.amount(),
            e.paymentId(), "REVERSED", "account credit of the cancelled order taken back", e.at())));
      }
      for (int i = 0; i < e.writeOffsCredited().size(); i++) {
        WriteOff w = e.writeOffsCredited().get(i);
        String prefix = e.paymentId() + ":" + e.operation() + ":r";
        changes.add(new InvoiceChange(w.invoiceId(), new Application(prefix + "wc" + i, Application.Kind.WRITE_OFF, w.amount().negate(),
            e.paymentId(), "REVERSED", e.reason(), e.at())));
        changes.add(new InvoiceChange(w.invoiceId(), new Application(prefix + "wcc" + i, Application.Kind.CREDIT_NOTE, w.amount(),
            e.paymentId(), "REVERSED", "covered by the cancellation's credit", e.at())));
      }
      for (int i = 0; i < e.accountCreditUndone().size(); i++) {
        // The account credit that paid this invoice was taken back by the chargeback: it is owed again.
        Allocation a = e.accountCreditUndone().get(i);
        changes.add(new InvoiceChange(a.invoiceId(), new Application(e.paymentId() + ":" + e.operation() + ":rac" + i,
            Application.Kind.CREDIT_NOTE, a.amount().negate(), "account-credit", "ACCOUNT_CREDIT",
            "account credit taken back by the chargeback of " + e.paymentId(), e.at())));
      }
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
