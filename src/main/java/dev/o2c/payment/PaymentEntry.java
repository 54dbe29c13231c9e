package dev.o2c.payment;

import dev.o2c.infra.CborSerializable;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * A payment as the customer's account (the ledger) holds it: what its money did. Cash adds up:
 * the allocations' amounts + unapplied + refunded = amount. Write-offs are recorded beside it
 * (adjustments the payment caused, not cash). {@code operations} counts the changes made to it,
 * to name each one's applications on the invoices.
 */
public record PaymentEntry(
    String paymentId,
    BigDecimal amount,
    String currency,
    LocalDate receivedOn,
    Instant at,
    List<Allocation> allocations,
    List<WriteOff> writeOffs,
    BigDecimal unapplied,
    BigDecimal refunded,
    int operations,
    boolean reversed)
    implements CborSerializable {

  public PaymentEntry {
    allocations = List.copyOf(allocations);
    writeOffs = List.copyOf(writeOffs);
  }

  /** The money of this payment on an invoice now. */
  public BigDecimal allocatedTo(String invoiceId) {
    BigDecimal sum = BigDecimal.ZERO;
    for (Allocation a : allocations) {
      if (a.invoiceId().equals(invoiceId)) {
        sum = sum.add(a.amount());
      }
    }
    return sum;
  }

  public BigDecimal allocated() {
    return allocations.stream().map(Allocation::amount).reduce(BigDecimal.ZERO, BigDecimal::add);
  }

  /**
   * REVERSED; REFUNDED (all of it paid back); APPLIED (nothing unapplied); UNAPPLIED (nothing
   * applied); or PARTIALLY_APPLIED.
   */
  public PaymentStatus status() {
    if (reversed) {
      return PaymentStatus.REVERSED;
    }
    if (unapplied.signum() == 0) {
      return allocations.isEmpty() && refunded.signum() > 0 ? PaymentStatus.REFUNDED : PaymentStatus.APPLIED;
    }
    return allocations.isEmpty() ? PaymentStatus.UNAPPLIED : PaymentStatus.PARTIALLY_APPLIED;
  }

  /** Where a payment's money stands. */
  public enum PaymentStatus {
    APPLIED,
    PARTIALLY_APPLIED,
    UNAPPLIED,
    REFUNDED,
    REVERSED,
    /** Received for a customer, not yet applied by their account (only seen after a failure, until healed). */
    PENDING
  }
}
