package dev.o2c.payment;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.o2c.infra.CborSerializable;
import java.util.List;

/**
 * How a payment's customer was found: named in the request, by a token of the remittance text or
 * bank reference ({@code token}: which), by hand (the customer of the invoices someone allocated
 * it to), or not at all. AMBIGUOUS_REFERENCE: a token named invoices or orders of more than one
 * customer ({@code candidates}: which), so none was chosen and a person must allocate it.
 */
public record Attribution(Method method, String token, @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> candidates)
    implements CborSerializable {

  public static final Attribution NONE = new Attribution(Method.NONE, null);
  public static final Attribution GIVEN = new Attribution(Method.CUSTOMER_ID, null);
  public static final Attribution MANUAL = new Attribution(Method.MANUAL, null);

  public Attribution {
    candidates = candidates == null ? List.of() : List.copyOf(candidates);
  }

  public Attribution(Method method, String token) {
    this(method, token, List.of());
  }

  /** How the customer was found. */
  public enum Method {
    CUSTOMER_ID,
    REFERENCE,
    MANUAL,
    /** Not found: the references named more than one customer's invoices or orders. */
    AMBIGUOUS_REFERENCE,
    NONE
  }
}
