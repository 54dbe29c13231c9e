package dev.o2c.credit;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether a customer's credit covers an order, in plain Java. Exposure is what the customer will
 * owe: the gross totals (tax included) of orders that hold credit plus the balances of open
 * invoices, so an order is judged at its gross total too — never at its net, which would let a
 * customer exceed the limit by the tax rate.
 */
public final class CreditCheck {

  private CreditCheck() {}

  /** What the check knows of the customer: the limit, the exposure, and whether credit is held. */
  public record Exposure(BigDecimal creditLimit, BigDecimal creditUsed, boolean onCreditHold) {

    public BigDecimal available() {
      return creditLimit.subtract(creditUsed);
    }
  }

  /** The issues an order of {@code gross} has with this exposure; empty when credit covers it. */
  public static List<CreditIssue> issues(Exposure exposure, BigDecimal gross) {
    List<CreditIssue> issues = new ArrayList<>(2);
    if (exposure.onCreditHold()) {
      issues.add(CreditIssue.CUSTOMER_CREDIT_HOLD);
    }
    if (gross.compareTo(exposure.available()) > 0) {
      issues.add(CreditIssue.CREDIT_LIMIT_EXCEEDED);
    }
    return List.copyOf(issues);
  }
}
