package dev.o2c.account;

import dev.o2c.infra.CborSerializable;
import dev.o2c.invoice.DunningLevel;
import java.math.BigDecimal;
import java.time.LocalDate;

/**
 * An invoice as the customer's account (the ledger) holds it: what is owed on it and how far it
 * has been chased. Unless voided: paid + credited + writtenOff + balance = total. {@code voiding}
 * is the void of a void invoice (why, by whom, when), null otherwise.
 */
public record Receivable(
    String invoiceId,
    String invoiceNumber,
    String orderId,
    String externalReference,
    String currency,
    BigDecimal total,
    BigDecimal paid,
    BigDecimal credited,
    BigDecimal writtenOff,
    BigDecimal balance,
    LocalDate issuedOn,
    LocalDate dueOn,
    DunningLevel dunningLevel,
    CustomerAccount.InvoiceVoided voiding)
    implements CborSerializable {

  public boolean voided() {
    return voiding != null;
  }

  /** Nothing has been applied to it: it may still be voided. */
  public boolean untouched() {
    return paid.signum() == 0 && credited.signum() == 0 && writtenOff.signum() == 0;
  }

  /**
   * After a change of what is paid, credited and written off (negative amounts take applications
   * back). Dunning starts over once nothing is owed.
   */
  public Receivable adjust(BigDecimal paidDelta, BigDecimal creditedDelta, BigDecimal writtenOffDelta) {
    BigDecimal left = balance.subtract(paidDelta).subtract(creditedDelta).subtract(writtenOffDelta);
    return new Receivable(invoiceId, invoiceNumber, orderId, externalReference, currency, total, paid.add(paidDelta),
        credited.add(creditedDelta), writtenOff.add(writtenOffDelta), left, issuedOn, dueOn,
        left.signum() == 0 ? DunningLevel.NONE : dunningLevel, voiding);
  }

  public Receivable dunning(DunningLevel level) {
    return new Receivable(invoiceId, invoiceNumber, orderId, externalReference, currency, total, paid, credited, writtenOff, balance,
        issuedOn, dueOn, level, voiding);
  }

  /** Voided: nothing is owed and nothing will be. */
  public Receivable voidedBy(CustomerAccount.InvoiceVoided voided) {
    return new Receivable(invoiceId, invoiceNumber, orderId, externalReference, currency, total, paid, credited, writtenOff,
        balance.subtract(balance), issuedOn, dueOn, DunningLevel.NONE, voided);
  }
}
