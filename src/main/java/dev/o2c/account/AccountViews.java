package dev.o2c.account;

import dev.o2c.infra.Rejection;
import dev.o2c.invoice.InvoiceResult;
import dev.o2c.invoice.InvoiceView;

/** The account's invoices as the API shows them. */
final class AccountViews {

  private AccountViews() {}

  static InvoiceResult invoice(CustomerState s, String invoiceId) {
    Receivable r = s.exists() ? s.invoice(invoiceId) : null;
    return r == null
        ? new InvoiceResult.Failed(Rejection.of(Rejection.Kind.NOT_FOUND, "There is no such invoice."))
        : new InvoiceResult.Ok(view(s.customerId(), r));
  }

  static InvoiceView view(String customerId, Receivable r) {
    return new InvoiceView(r.invoiceId(), r.invoiceNumber(), r.orderId(), customerId, r.externalReference(), r.currency(), r.lines(),
        r.subtotal(), r.tax(), r.total(), r.paid(), r.credited(), r.writtenOff(), r.balance(), r.issuedOn(), r.dueOn(), r.status(),
        r.dunningLevel(), r.applications(), r.updatedAt());
  }
}
