package dev.o2c.account;

import dev.o2c.account.CustomerAccount.AccountCreditApplied;
import dev.o2c.account.CustomerAccount.CreditNoteIssued;
import dev.o2c.account.CustomerAccount.Event;
import dev.o2c.account.CustomerAccount.PaymentAllocated;
import dev.o2c.account.CustomerAccount.PaymentApplied;
import dev.o2c.account.CustomerAccount.PaymentReversed;
import dev.o2c.account.CustomerAccount.PaymentUnallocated;
import dev.o2c.payment.Allocation;
import dev.o2c.payment.WriteOff;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * How a ledger event moves its invoices' balances and the customer's account credit, in plain
 * Java: the one statement of it, which the account's state applies ({@link Ledger},
 * {@link PaymentLedger}) and the reports' books apply too, so both always agree to the cent.
 */
public final class InvoiceAdjustments {

  /**
   * What an event adds to an invoice's paid, credited and written-off amounts (negative: taken
   * back); its balance moves by the opposite of their sum. A void or unknown invoice is not moved.
   */
  public record Adjustment(String invoiceId, BigDecimal paid, BigDecimal credited, BigDecimal writtenOff) {

    /** The change of the invoice's balance. */
    public BigDecimal balanceChange() {
      return paid.add(credited).add(writtenOff).negate();
    }
  }

  private InvoiceAdjustments() {}

  /** The adjustments of an event, in the order the account applies them (none for other events). */
  public static List<Adjustment> of(Event event) {
    List<Adjustment> out = new ArrayList<>();
    if (event instanceof PaymentApplied e) {
      e.allocations().forEach(a -> out.add(paid(a.invoiceId(), a.amount())));
      e.writeOffs().forEach(w -> out.add(writtenOff(w.invoiceId(), w.amount())));
    } else if (event instanceof PaymentAllocated e) {
      e.allocations().forEach(a -> out.add(paid(a.invoiceId(), a.amount())));
    } else if (event instanceof PaymentUnallocated e) {
      BigDecimal zero = e.amount().subtract(e.amount());
      out.add(new Adjustment(e.invoiceId(), e.amount().negate(), zero, e.writtenOff().negate()));
    } else if (event instanceof PaymentReversed e) {
      e.undone().forEach(a -> out.add(paid(a.invoiceId(), a.amount().negate())));
      e.writeOffsUndone().forEach(w -> out.add(writtenOff(w.invoiceId(), w.amount().negate())));
      // The payment's money on a cancelled order's invoice had become account credit: the credit is
      // taken back instead, and the invoice stays settled (paid moves to credited).
      for (Allocation a : e.creditTakenBack()) {
        BigDecimal zero = a.amount().subtract(a.amount());
        out.add(new Adjustment(a.invoiceId(), a.amount().negate(), a.amount(), zero));
      }
      for (WriteOff w : e.writeOffsCredited()) {
        BigDecimal zero = w.amount().subtract(w.amount());
        out.add(new Adjustment(w.invoiceId(), zero, w.amount(), w.amount().negate()));
      }
      e.accountCreditUndone().forEach(a -> out.add(credited(a.invoiceId(), a.amount().negate())));
    } else if (event instanceof AccountCreditApplied e) {
      out.add(credited(e.invoiceId(), e.amount()));
    } else if (event instanceof CreditNoteIssued e) {
      out.add(credited(e.invoiceId(), e.appliedToInvoice()));
    }
    return out;
  }

  /** What an event adds to the customer's account credit (credit to the customer's good). */
  public static BigDecimal accountCreditChange(Event event) {
    BigDecimal change = BigDecimal.ZERO;
    if (event instanceof PaymentReversed e) {
      for (Allocation a : e.creditTakenBack()) {
        change = change.subtract(a.amount());
      }
      for (Allocation a : e.accountCreditUndone()) {
        change = change.add(a.amount());
      }
    } else if (event instanceof AccountCreditApplied e) {
      change = e.amount().negate();
    } else if (event instanceof CreditNoteIssued e) {
      change = e.toAccountCredit();
    }
    return change;
  }

  private static Adjustment paid(String invoiceId, BigDecimal amount) {
    BigDecimal zero = amount.subtract(amount);
    return new Adjustment(invoiceId, amount, zero, zero);
  }

  private static Adjustment credited(String invoiceId, BigDecimal amount) {
    BigDecimal zero = amount.subtract(amount);
    return new Adjustment(invoiceId, zero, amount, zero);
  }

  private static Adjustment writtenOff(String invoiceId, BigDecimal amount) {
    BigDecimal zero = amount.subtract(amount);
    return new Adjustment(invoiceId, zero, zero, amount);
  }
}
