package dev.o2c.payment;

import dev.o2c.infra.CborSerializable;
import dev.o2c.infra.Rejection;
import dev.o2c.invoice.InvoiceChange;
import java.util.List;

/** The account's answer about a payment. */
public sealed interface PaymentLedgerResult extends CborSerializable {

  /**
   * The payment as the account holds it (null for a payer check), and the applications this
   * request made on invoices (to record there; none when it changed nothing).
   */
  record Ok(PaymentEntry payment, List<InvoiceChange> changes) implements PaymentLedgerResult {
    public Ok {
      changes = List.copyOf(changes);
    }

    public Ok(PaymentEntry payment) {
      this(payment, List.of());
    }
  }

  record Failed(Rejection rejection) implements PaymentLedgerResult {}
}
