package dev.o2c.order;

/** Beside the fulfilment status: follows the order's invoice. */
public enum PaymentStatus {
  UNPAID,
  PARTIALLY_PAID,
  PAID
}
