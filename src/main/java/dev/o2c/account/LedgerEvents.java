package dev.o2c.account;

import dev.o2c.account.CustomerAccount.Event;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** What ledger events say about the payments they change. */
final class LedgerEvents {

  private LedgerEvents() {}

  /**
   * The names a payment may give what an event brought: a new invoice's number, order id and
   * external reference; a held order's id and external reference (an order verified in the same
   * write is named by its invoice's event).
   */
  static List<String> namesAppeared(Event event, List<Event> batch) {
    List<String> names = new java.util.ArrayList<>();
    if (event instanceof CustomerAccount.InvoiceIssued e) {
      names.add(e.invoiceNumber());
      names.add(e.orderId());
      if (e.externalReference() != null) {
        names.add(e.externalReference());
      }
    } else if (event instanceof CustomerAccount.OrderAccepted e) {
      String orderId = e.request().orderId();
      boolean invoiced = batch.stream().anyMatch(other -> other instanceof CustomerAccount.InvoiceIssued i && i.orderId().equals(orderId));
      if (!invoiced) {
        names.add(orderId);
        if (e.request().order().externalReference() != null) {
          names.add(e.request().order().externalReference());
        }
      }
    }
    return names;
  }

  /**
   * Payments the account changed without the payment asking in the same breath (unapplied cash
   * applied to a new invoice, an allocation taken back, a refund from its money, a reversal): each
   * payment's own record must learn of it.
   */
  static Set<String> paymentsChangedByTheAccount(List<Event> events) {
    Set<String> ids = new LinkedHashSet<>();
    for (Event event : events) {
      if (event instanceof CustomerAccount.PaymentAllocated e) {
        ids.add(e.paymentId());
      } else if (event instanceof CustomerAccount.PaymentUnallocated e) {
        ids.add(e.paymentId());
      } else if (event instanceof CustomerAccount.PaymentReversed e) {
        ids.add(e.paymentId());
      } else if (event instanceof CustomerAccount.RefundIssued e) {
        e.sources().forEach(source -> ids.add(source.paymentId()));
      }
    }
    return ids;
  }
}
