package dev.o2c.payment;

import dev.o2c.infra.CborSerializable;
import dev.o2c.payment.Payment.Event;
import dev.o2c.payment.Payment.OutcomeRecorded;
import dev.o2c.payment.Payment.Received;
import dev.o2c.payment.Payment.Reversed;
import dev.o2c.money.Money;
import java.time.Instant;
import java.util.List;

/**
 * A payment: what was received ({@code received}), whose it is ({@code customerId}, null while it
 * is not attributed) and what its money did — {@code outcome} as the customer's account last
 * reported it, {@code first} as it was first reported, at {@code firstAt} (the answer a retry gets
 * again). Both are null until an account applies the payment; an unattributed payment is wholly
 * unapplied.
 * {@code keyClaim}: the fingerprint of a payment request with a bank reference that used the
 * Idempotency-Key this id is made from (the payment itself lives under the bank reference's id).
 */
public record PaymentState(
    Received received, String customerId, Attribution attribution, PaymentEntry first, Instant firstAt, PaymentEntry outcome,
    Reversed reversal, String keyClaim, Instant updatedAt) implements CborSerializable {

  public static final PaymentState EMPTY = new PaymentState(null, null, null, null, null, null, null, null, null);

  public boolean exists() {
    return received != null;
  }

  /** Received for a customer whose account has not applied it yet. */
  public boolean awaitingApplication() {
    return exists() && customerId != null && outcome == null;
  }

  public boolean reversed() {
    return outcome != null && outcome.reversed();
  }

  /** The payment as it stands: the last outcome, or all of it unapplied. */
  public PaymentEntry current() {
    return outcome != null ? outcome : unappliedEntry();
  }

  /** The payment with nothing applied (an unattributed one; one whose account has not applied it yet). */
  public PaymentEntry unappliedEntry() {
    Received r = received;
    return new PaymentEntry(r.paymentId(), r.amount(), r.currency(), r.receivedOn(), r.at(), List.of(), List.of(), r.amount(),
        Money.zero(r.currency()), 0, false);
  }

  public PaymentState apply(Event event) {
    if (event instanceof Received e) {
      return new PaymentState(e, e.customerId(), e.attribution(), null, null, null, null, keyClaim, e.at());
    }
    if (event instanceof OutcomeRecorded e) {
      boolean assigned = customerId == null && e.customerId() != null;
      return new PaymentState(received, assigned ? e.customerId() : customerId, assigned ? Attribution.MANUAL : attribution,
          first == null ? e.entry() : first, first == null ? e.at() : firstAt, e.entry(), reversal, keyClaim, e.at());
    }
    if (event instanceof Reversed e) {
      return new PaymentState(received, customerId, attribution, first, firstAt, outcome, e, keyClaim, e.at());
    }
    if (event instanceof Payment.Attributed e) {
      return new PaymentState(received, e.customerId(), e.attribution(), first, firstAt, outcome, reversal, keyClaim, e.at());
    }
    if (event instanceof Payment.KeyClaimed e) {
      return new PaymentState(received, customerId, attribution, first, firstAt, outcome, reversal, e.fingerprint(), e.at());
    }
    throw new IllegalStateException("Unknown event " + event);
  }
}
