package dev.o2c.infra;

import java.math.BigDecimal;

/**
 * A digest of a request's meaning, for Idempotency-Key retries: the same request gives the same
 * fingerprint however it was written, and different requests different ones. Every field is
 * written with its length (absent ones as a marker of their own), so no two different sequences
 * of fields, a missing value and the text "null" included, can read alike; amounts are written
 * without trailing zeros (12.5 and 12.50 are one amount).
 */
public final class Fingerprint {

  private final StringBuilder text = new StringBuilder();

  public Fingerprint add(String value) {
    if (value == null) {
      text.append('-');
    } else {
      text.append(value.length()).append(':').append(value);
    }
    return this;
  }

  public Fingerprint add(long value) {
    return add(Long.toString(value));
  }

  public Fingerprint add(BigDecimal amount) {
    return add(amount == null ? null : amount.stripTrailingZeros().toPlainString());
  }

  /** The SHA-256 of everything added, in hex. */
  public String digest() {
    return EntityIds.sha256Hex(text.toString());
  }
}
