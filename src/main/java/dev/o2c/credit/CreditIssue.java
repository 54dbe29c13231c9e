package dev.o2c.credit;

/** Why the customer's credit does not cover an order outright. */
public enum CreditIssue {
  /** The order is larger than the available credit. */
  CREDIT_LIMIT_EXCEEDED,
  /** The customer is on credit hold. */
  CUSTOMER_CREDIT_HOLD
}
