package dev.o2c.payment;

import dev.o2c.infra.CborSerializable;
import dev.o2c.infra.Rejection;

/** A payment's answer to a request of the API. */
public sealed interface PaymentResult extends CborSerializable {

  /**
   * The payment; {@code replayed} when an Idempotency-Key retry got the first answer again,
   * {@code duplicate} when its bank reference was seen before (this request applied nothing).
   */
  record Ok(PaymentView payment, boolean replayed, boolean duplicate) implements PaymentResult {}

  record Failed(Rejection rejection) implements PaymentResult {}
}
