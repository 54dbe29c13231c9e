package dev.o2c.account;

import dev.o2c.infra.CborSerializable;
import java.math.BigDecimal;
import java.time.Instant;

/** A customer account as the API shows it. */
public record CustomerView(
    String customerId,
    String name,
    String email,
    String currency,
    CustomerStatus status,
    BigDecimal creditLimit,
    BigDecimal creditUsed,
    BigDecimal availableCredit,
    BigDecimal reservedForOrders,
    int openOrders,
    int paymentTermsDays,
    Instant createdAt,
    Instant updatedAt)
    implements CborSerializable {

  public static CustomerView of(CustomerState s) {
    return new CustomerView(
        s.customerId(), s.name(), s.email(), s.currency(), s.status(), s.creditLimit(), s.creditUsed(), s.availableCredit(),
        s.reserved(), s.reservations().size(), s.paymentTermsDays(), s.createdAt(), s.updatedAt());
  }
}
