package dev.o2c.order;


/**
 * The order's fulfilment status (the state machine is in docs/api.md). PLACED is momentary and
 * never stored: an order is VERIFIED or ON_HOLD once its placement is answered.
 */
public enum OrderStatus {
  VERIFIED,
  ON_HOLD,
  REJECTED,
  SHIPPED,
  DELIVERED,
  CANCELLED
}
