package dev.o2c.payment;

import dev.o2c.infra.CborSerializable;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * A payment as the API shows it: what was received, whose it is and how that was found, and
 * what its money did — allocations (each with its rule and, for REFERENCE, the token that
 * matched), write-offs, the amount unapplied and refunded, and a reversal.
 */
public record PaymentView(
    String paymentId,
    PaymentEntry.PaymentStatus status,
    String customerId,
    Attribution attribution,
    BigDecimal amount,
    String currency,
    LocalDate receivedOn,
    String method,
    String bankReference,
    String remittanceInfo,
    List<Allocation> allocations,
    List<WriteOff> writeOffs,
    BigDecimal unappliedAmount,
    BigDecimal refundedAmount,
    Reversal reversal,
    Instant receivedAt,
    Instant updatedAt)
    implements CborSerializable {

  /** Why, by whom and when a payment was reversed. */
  public record Reversal(String reason, String by, Instant at) implements CborSerializable {}

  /** The payment as it stands now. */
  public static PaymentView of(PaymentState s) {
    PaymentEntry.PaymentStatus status = s.awaitingApplication() ? PaymentEntry.PaymentStatus.PENDING : s.current().status();
    return of(s, s.customerId(), s.attribution(), s.current(), status, s.updatedAt());
  }

  /**
   * The payment as its first answer showed it (what a retry gets again): wholly unapplied if it
   * was taken without a customer, else as the account first applied it.
   */
  public static PaymentView first(PaymentState s) {
    Payment.Received r = s.received();
    if (r.customerId() == null) {
      return of(s, null, r.attribution(), s.unappliedEntry(), PaymentEntry.PaymentStatus.UNAPPLIED, r.at());
    }
    return s.first() == null ? of(s) : of(s, r.customerId(), r.attribution(), s.first(), s.first().status(), s.firstAt());
  }

  private static PaymentView of(
      PaymentState s, String customerId, Attribution attribution, PaymentEntry entry, PaymentEntry.PaymentStatus status,
      Instant updatedAt) {
    Payment.Received r = s.received();
    Reversal reversal = entry.reversed() && s.reversal() != null
        ? new Reversal(s.reversal().reason(), s.reversal().by(), s.reversal().at()) : null;
    return new PaymentView(r.paymentId(), status, customerId, attribution, r.amount(), r.currency(), r.receivedOn(), r.method(),
        r.bankReference(), r.remittanceInfo(), entry.allocations(), entry.writeOffs(), entry.unapplied(), entry.refunded(), reversal,
        r.at(), updatedAt);
  }
}
