package dev.o2c.account;

import dev.o2c.infra.CborSerializable;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * A credit note as the API shows it: {@code appliedToInvoice} lowered the invoice's balance,
 * {@code toAccountCredit} (what exceeded the balance) is credit to the customer's good.
 */
public record CreditNote(
    String creditNoteId, String invoiceId, BigDecimal amount, BigDecimal appliedToInvoice, BigDecimal toAccountCredit, String reason,
    String by, Instant at) implements CborSerializable {

  static CreditNote of(CustomerAccount.CreditNoteIssued e) {
    return new CreditNote(e.creditNoteId(), e.invoiceId(), e.amount(), e.appliedToInvoice(), e.toAccountCredit(), e.reason(), e.by(),
        e.at());
  }
}
