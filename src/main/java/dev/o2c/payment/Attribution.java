package dev.o2c.payment;

import dev.o2c.infra.CborSerializable;

/**
 * How a payment's customer was found: named in the request, by a token of the remittance text or
 * bank reference ({@code token}: which), by hand (the customer of the invoices someone allocated
 * it to), or not at all.
 */
public record Attribution(Method method, String token) implements CborSerializable {

  public static final Attribution NONE = new Attribution(Method.NONE, null);
  public static final Attribution GIVEN = new Attribution(Method.CUSTOMER_ID, null);
  public static final Attribution MANUAL = new Attribution(Method.MANUAL, null);

  /** How the customer was found. */
  public enum Method {
    CUSTOMER_ID,
    REFERENCE,
    MANUAL,
    NONE
  }
}
