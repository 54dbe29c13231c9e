package dev.o2c.account;

import dev.o2c.infra.CborSerializable;
import java.math.BigDecimal;

/**
 * An order's own word on whether it should hold a credit reservation: the customer account asks
 * it when a reservation was never confirmed (a crash between the reservation and the order).
 */
public record ReservationStatus(State state, BigDecimal amount) implements CborSerializable {

  /** What the order says. */
  public enum State {
    /** The order exists and holds credit of {@code amount}. */
    RESERVING,
    /** The order exists and holds no credit (held, rejected, cancelled, invoiced). */
    NOT_RESERVING,
    /** The order does not exist: its placement never completed. */
    UNKNOWN
  }

  public static ReservationStatus reserving(BigDecimal amount) {
    return new ReservationStatus(State.RESERVING, amount);
  }

  public static ReservationStatus notReserving() {
    return new ReservationStatus(State.NOT_RESERVING, null);
  }

  public static ReservationStatus unknown() {
    return new ReservationStatus(State.UNKNOWN, null);
  }
}
