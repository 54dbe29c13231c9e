package dev.o2c.account;

import dev.o2c.infra.CborSerializable;
import dev.o2c.infra.Fingerprint;
import java.math.BigDecimal;

/** A customer account as a valid creation request describes it; amounts at the currency's scale. */
public record NewCustomer(
    String customerId, String name, String email, String currency, BigDecimal creditLimit, int paymentTermsDays)
    implements CborSerializable {

  /**
   * A digest of what the request asks for, the same for the same request however it was written
   * (12.5 and "12.50" are one amount): an Idempotency-Key retry must match it.
   */
  public String fingerprint() {
    return new Fingerprint().add(customerId).add(name).add(email).add(currency).add(creditLimit).add(paymentTermsDays)
        .digest();
  }
}
