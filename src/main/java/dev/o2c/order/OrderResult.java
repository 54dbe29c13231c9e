package dev.o2c.order;

import dev.o2c.infra.CborSerializable;
import dev.o2c.infra.Rejection;

/** An order's answer to a request of the API. */
public sealed interface OrderResult extends CborSerializable {

  /** The order; {@code replayed} when an Idempotency-Key retry got the first answer again. */
  record Ok(OrderView order, boolean replayed) implements OrderResult {}

  record Failed(Rejection rejection) implements OrderResult {}
}
