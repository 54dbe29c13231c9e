package dev.o2c.account;

/** Whether a customer may order: freely, only with approval (credit hold), or not at all. */
public enum CustomerStatus {
  /** New orders are verified against the credit limit. */
  ACTIVE,
  /** New orders are held for approval, whatever their amount. */
  CREDIT_HOLD,
  /** New orders are refused (422). */
  BLOCKED
}
