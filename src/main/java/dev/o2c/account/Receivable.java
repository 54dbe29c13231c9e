package dev.o2c.account;

import dev.o2c.infra.CborSerializable;
import dev.o2c.invoice.Application;
import dev.o2c.invoice.DunningLevel;
import dev.o2c.invoice.InvoiceLine;
import dev.o2c.invoice.InvoiceStatus;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * An invoice as the customer's account (the ledger, its one writer) holds it: the document it
 * was issued as, what is owed on it, what was applied to it and how far it has been chased. Unless
 * voided: paid + credited + writtenOff + balance = total. {@code voiding} is the void of a void
 * invoice (why, by whom, when), null otherwise; {@code cancelled}: its order was cancelled after
 * it was issued (it was credited in full, and a chargeback never reopens it).
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
    CustomerAccount.InvoiceVoided voiding,
    List<InvoiceLine> lines,
    BigDecimal subtotal,
    BigDecimal tax,
    List<Application> applications,
    boolean cancelled,
    Instant updatedAt)
    implements CborSerializable {

  public Receivable {
    lines = lines == null ? List.of() : List.copyOf(lines);
    applications = applications == null ? List.of() : List.copyOf(applications);
  }

  /** A new invoice: nothing applied, the whole total owed. */
  static Receivable issued(CustomerAccount.InvoiceIssued e) {
    BigDecimal zero = e.total().subtract(e.total());
    return new Receivable(e.invoiceId(), e.invoiceNumber(), e.orderId(), e.externalReference(), e.currency(), e.total(), zero, zero, zero,
        e.total(), e.issuedOn(), e.dueOn(), DunningLevel.NONE, null, e.lines(), e.subtotal(), e.tax(), List.of(), false, e.at());
  }

  public boolean voided() {
    return voiding != null;
  }

  /** Nothing has been applied to it: it may still be voided. */
  public boolean untouched() {
    return paid.signum() == 0 && credited.signum() == 0 && writtenOff.signum() == 0;
  }

  /**
   * What account credit (the customer's own money, from an overpayment or a cancelled order)
   * paid on it, net of what chargebacks took back. It counts in {@code credited}, yet it is no
   * credit note of this invoice: cancelling the order gives it back as account credit.
   */
  public BigDecimal paidByAccountCredit() {
    BigDecimal sum = total.subtract(total);
    for (Application a : applications) {
      if (a.kind() == Application.Kind.CREDIT_NOTE && ACCOUNT_CREDIT.equals(a.rule())) {
        sum = sum.add(a.amount());
      }
    }
    return sum;
  }

  private static final String ACCOUNT_CREDIT = dev.o2c.payment.Rule.ACCOUNT_CREDIT.name();

  public InvoiceStatus status() {
    if (voided()) {
      return InvoiceStatus.VOID;
    }
    if (balance.signum() == 0) {
      return InvoiceStatus.PAID;
    }
    return balance.compareTo(total) < 0 ? InvoiceStatus.PARTIALLY_PAID : InvoiceStatus.ISSUED;
  }

  /**
   * After a change of what is paid, credited and written off (negative amounts take applications
   * back). Dunning starts over once nothing is owed.
   */
  public Receivable adjust(BigDecimal paidDelta, BigDecimal creditedDelta, BigDecimal writtenOffDelta) {
    BigDecimal left = balance.subtract(paidDelta).subtract(creditedDelta).subtract(writtenOffDelta);
    return new Receivable(invoiceId, invoiceNumber, orderId, externalReference, currency, total, paid.add(paidDelta),
        credited.add(creditedDelta), writtenOff.add(writtenOffDelta), left, issuedOn, dueOn,
        left.signum() == 0 ? DunningLevel.NONE : dunningLevel, voiding, lines, subtotal, tax, applications, cancelled, updatedAt);
  }

  public Receivable dunning(DunningLevel level) {
    return new Receivable(invoiceId, invoiceNumber, orderId, externalReference, currency, total, paid, credited, writtenOff, balance,
        issuedOn, dueOn, level, voiding, lines, subtotal, tax, applications, cancelled, updatedAt);
  }

  /** Voided: nothing is owed and nothing will be. */
  public Receivable voidedBy(CustomerAccount.InvoiceVoided voided) {
    return new Receivable(invoiceId, invoiceNumber, orderId, externalReference, currency, total, paid, credited, writtenOff,
        balance.subtract(balance), issuedOn, dueOn, DunningLevel.NONE, voided, lines, subtotal, tax, applications, cancelled, updatedAt);
  }

  /** Its order was cancelled (it is credited in full by the same event). */
  Receivable cancelledNow() {
    return new Receivable(invoiceId, invoiceNumber, orderId, externalReference, currency, total, paid, credited, writtenOff, balance,
        issuedOn, dueOn, dunningLevel, voiding, lines, subtotal, tax, applications, true, updatedAt);
  }

  /** With one more application on record, changed at {@code at}. */
  Receivable recorded(Application application, Instant at) {
    List<Application> more = new ArrayList<>(applications.size() + 1);
    more.addAll(applications);
    more.add(application);
    return new Receivable(invoiceId, invoiceNumber, orderId, externalReference, currency, total, paid, credited, writtenOff, balance,
        issuedOn, dueOn, dunningLevel, voiding, lines, subtotal, tax, more, cancelled, at);
  }

  /** Changed at {@code at} (the time the invoice view shows). */
  Receivable touched(Instant at) {
    return new Receivable(invoiceId, invoiceNumber, orderId, externalReference, currency, total, paid, credited, writtenOff, balance,
        issuedOn, dueOn, dunningLevel, voiding, lines, subtotal, tax, applications, cancelled, at);
  }
}
