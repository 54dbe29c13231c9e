package dev.o2c.payment;

import dev.o2c.infra.CborSerializable;
import dev.o2c.infra.Fingerprint;
import java.math.BigDecimal;
import java.time.LocalDate;

/**
 * A valid payment request: {@code amount} at the currency's scale; {@code customerId},
 * {@code receivedOn} (default: the business day it arrives), {@code method}, {@code bankReference}
 * and {@code remittanceInfo} optional.
 */
public record NewPayment(
    String customerId, BigDecimal amount, String currency, LocalDate receivedOn, String method, String bankReference,
    String remittanceInfo) implements CborSerializable {

  /** The request's meaning, to tell a retry from a different request under the same key. */
  public String fingerprint() {
    return new Fingerprint()
        .add(customerId)
        .add(amount)
        .add(currency)
        .add(receivedOn == null ? null : receivedOn.toString())
        .add(method)
        .add(bankReference)
        .add(remittanceInfo)
        .digest();
  }
}
