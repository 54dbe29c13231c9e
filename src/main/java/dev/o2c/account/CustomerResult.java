package dev.o2c.account;

import dev.o2c.infra.CborSerializable;
import dev.o2c.infra.Rejection;

/** A customer account's answer to a request of the API. */
public sealed interface CustomerResult extends CborSerializable {

  /** The account; {@code replayed} when an Idempotency-Key retry got the first answer again. */
  record Ok(CustomerView customer, boolean replayed) implements CustomerResult {}

  record Failed(Rejection rejection) implements CustomerResult {}
}
