package dev.o2c.payment;

/** The rule that made an allocation or a write-off (docs/payments.md). */
public enum Rule {
  /** A token of the remittance text named the invoice (its number, order id or order reference). */
  REFERENCE,
  /** One invoice's balance was exactly what remained of the payment. */
  EXACT_AMOUNT,
  /** A set of 2 to 5 invoices' balances made exactly what remained. */
  EXACT_SUM,
  /** What remained went to the invoices due first. */
  OLDEST_FIRST,
  /** A small balance left on an invoice the payment chose was written off. */
  TOLERANCE,
  /** Unapplied cash (or account credit) paid an invoice issued later. */
  ACCOUNT_CREDIT,
  /** Someone chose the invoice and the amount. */
  MANUAL
}
