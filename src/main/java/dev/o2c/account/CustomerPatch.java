package dev.o2c.account;

import dev.o2c.infra.CborSerializable;
import java.math.BigDecimal;

/**
 * The changes of a PATCH: a null field is left unchanged; {@code clearEmail} removes the email.
 * The credit limit's decimals are checked by the account, which knows its currency.
 */
public record CustomerPatch(
    String name, String email, boolean clearEmail, BigDecimal creditLimit, Integer paymentTermsDays, CustomerStatus status)
    implements CborSerializable {

  public boolean isEmpty() {
    return name == null && email == null && !clearEmail && creditLimit == null && paymentTermsDays == null && status == null;
  }
}
