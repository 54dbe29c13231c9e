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
    return of(s, s.current(), s.updatedAt());
  }

  /** The payment as its first outcome left it: the answer an Idempotency-Key retry gets again. */
  public static PaymentView first(PaymentState s) {
    return s.first() == null ? of(s) : of(s, s.first(), s.firstAt());
  }

  private static PaymentView of(PaymentState s, PaymentEntry entry, Instant updatedAt) {
    Payment.Received r = s.received();
    PaymentEntry.PaymentStatus status = s.awaitingApplication() ? PaymentEntry.PaymentStatus.PENDING : entry.status();
    Reversal reversal = entry.reversed() && s.reversal() != null
        ? new Reversal(s.reversal().reason(), s.reversal().by(), s.reversal().at()) : null;
    return new PaymentView(r.paymentId(), status, s.customerId(), s.attribution(), r.amount(), r.currency(), r.receivedOn(),
        r.method(), r.bankReference(), r.remittanceInfo(), entry.allocations(), entry.writeOffs(), entry.unapplied(), entry.refunded(),
        reversal, r.at(), updatedAt);
  }
}
