package dev.o2c.account;

import dev.o2c.infra.CborSerializable;
import java.math.BigDecimal;
import java.util.List;

/** The customer account's answer to a credit request of an order. */
public sealed interface CreditDecision extends CborSerializable {

  /**
   * Credit is reserved for the order (now, or by an earlier request for the same order);
   * {@code overridden} lists the issues an approval reserved it despite (empty when none).
   */
  record Reserved(BigDecimal amount, List<CreditIssue> overridden) implements CreditDecision {
    public Reserved {
      overridden = List.copyOf(overridden);
    }
  }

  /**
   * Nothing was reserved; the order is held for these reasons (empty when a read-only check found
   * nothing wrong with the credit).
   */
  record NotReserved(List<CreditIssue> issues, BigDecimal availableCredit) implements CreditDecision {
    public NotReserved {
      issues = List.copyOf(issues);
    }
  }

  /** The order cannot be taken for this customer at all. */
  record Refused(Reason reason, String detail) implements CreditDecision {}

  /** Why an order is refused. */
  enum Reason {
    UNKNOWN_CUSTOMER,
    CUSTOMER_BLOCKED,
    CURRENCY_MISMATCH
  }
}
