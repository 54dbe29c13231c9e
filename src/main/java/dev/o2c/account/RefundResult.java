package dev.o2c.account;

import dev.o2c.infra.CborSerializable;
import dev.o2c.infra.Rejection;

/** The account's answer to a refund. */
public sealed interface RefundResult extends CborSerializable {

  /** The refund; {@code replayed} when an Idempotency-Key retry got it again. */
  record Ok(CustomerAccount.RefundIssued refund, boolean replayed) implements RefundResult {}

  record Failed(Rejection rejection) implements RefundResult {}
}
