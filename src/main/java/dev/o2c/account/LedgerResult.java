package dev.o2c.account;

import dev.o2c.infra.CborSerializable;
import dev.o2c.infra.Rejection;

/** The account's answer to a change of an invoice's balance. */
public sealed interface LedgerResult extends CborSerializable {

  /** The credit note; {@code replayed} when an Idempotency-Key retry got it again. */
  record CreditNote(dev.o2c.account.CreditNote creditNote, boolean replayed) implements LedgerResult {}

  /** The invoice is void (now, or it was already): why, by whom, when. */
  record Voided(String invoiceId, String reason, String by, java.time.Instant at) implements LedgerResult {}

  record Failed(Rejection rejection) implements LedgerResult {}
}
