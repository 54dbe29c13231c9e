package dev.o2c.invoice;

import dev.o2c.infra.CborSerializable;
import java.math.BigDecimal;
import java.time.Instant;

/**
 * Something applied against an invoice's balance: a payment (cash, including unapplied cash the
 * account applied later, rule ACCOUNT_CREDIT), a credit note, or a write-off. {@code id} makes
 * recording it idempotent; {@code reference} names its source (payment id, credit note id);
 * {@code rule} says which matching rule made a payment's allocation. A negative amount takes an
 * earlier application back (an unallocation or a reversal).
 */
public record Application(String id, Kind kind, BigDecimal amount, String reference, String rule, String note, Instant at)
    implements CborSerializable {

  /** The kinds of application. */
  public enum Kind {
    PAYMENT,
    CREDIT_NOTE,
    WRITE_OFF
  }
}
