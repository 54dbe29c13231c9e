package dev.o2c.account;

import dev.o2c.account.CustomerAccount.CreditReleased;
import dev.o2c.account.CustomerAccount.CreditReserved;
import dev.o2c.account.CustomerAccount.Created;
import dev.o2c.account.CustomerAccount.Event;
import dev.o2c.account.CustomerAccount.ProfileUpdated;
import dev.o2c.account.CustomerAccount.ReservationsConfirmed;
import dev.o2c.infra.CborSerializable;
import dev.o2c.money.Money;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.pcollections.HashTreePMap;
import org.pcollections.PMap;

/**
 * A customer account: contact data, credit terms and the credit it has reserved for open orders.
 * Immutable; {@link #apply} returns the state after an event. Reservations are a persistent map,
 * so a customer with thousands of open orders is not copied on every event.
 *
 * <p>{@code reserved} is the sum of the reservations, kept as they change. {@code origin} is the
 * event that opened the account (null until then): it holds the Idempotency-Key and request
 * fingerprint of the creation, and lets a retry get the first answer again.
 */
public record CustomerState(
    String customerId,
    String name,
    String email,
    String currency,
    BigDecimal creditLimit,
    int paymentTermsDays,
    CustomerStatus status,
    Map<String, Reservation> reservations,
    BigDecimal reserved,
    Created origin,
    Instant updatedAt)
    implements CborSerializable {

  /**
   * Credit held for one order until it is invoiced, rejected or cancelled. {@code overridden}: the
   * credit issues an approval reserved it despite. {@code confirmed}: the order is known to exist
   * (see {@link CustomerAccount} on healing).
   */
  public record Reservation(BigDecimal amount, List<CreditIssue> overridden, String by, Instant at, boolean confirmed)
      implements CborSerializable {
    public Reservation {
      overridden = overridden == null ? List.of() : List.copyOf(overridden);
    }
  }

  public CustomerState {
    reservations = reservations instanceof PMap<String, Reservation> p ? p : HashTreePMap.from(reservations == null ? Map.of() : reservations);
  }

  public static final CustomerState EMPTY =
      new CustomerState(null, null, null, null, BigDecimal.ZERO, 0, CustomerStatus.ACTIVE, HashTreePMap.empty(), BigDecimal.ZERO, null, null);

  public boolean exists() {
    return origin != null;
  }

  public Instant createdAt() {
    return origin == null ? null : origin.at();
  }

  /** Reservations of open orders plus open receivables (receivables come with invoicing). */
  public BigDecimal creditUsed() {
    return reserved;
  }

  /** Credit limit minus credit used; negative after an approved override. */
  public BigDecimal availableCredit() {
    return creditLimit.subtract(creditUsed());
  }

  public CustomerState apply(Event event) {
    if (event instanceof Created e) {
      return new CustomerState(
          e.customerId(), e.name(), e.email(), e.currency(), e.creditLimit(), e.paymentTermsDays(), CustomerStatus.ACTIVE,
          HashTreePMap.empty(), Money.zero(e.currency()), e, e.at());
    }
    if (event instanceof ProfileUpdated e) {
      return new CustomerState(
          customerId, e.name(), e.email(), currency, e.creditLimit(), e.paymentTermsDays(), e.status(), reservations,
          reserved, origin, e.at());
    }
    if (event instanceof CreditReserved e) {
      Reservation previous = reservations.get(e.orderId());
      BigDecimal total = reserved.add(e.amount()).subtract(previous == null ? BigDecimal.ZERO : previous.amount());
      return withReservations(pmap().plus(e.orderId(), new Reservation(e.amount(), e.overridden(), e.by(), e.at(), false)), total, e.at());
    }
    if (event instanceof CreditReleased e) {
      Reservation released = reservations.get(e.orderId());
      BigDecimal total = released == null ? reserved : reserved.subtract(released.amount());
      return withReservations(pmap().minus(e.orderId()), total, e.at());
    }
    if (event instanceof ReservationsConfirmed e) {
      PMap<String, Reservation> confirmed = pmap();
      for (String orderId : e.orderIds()) {
        Reservation r = confirmed.get(orderId);
        if (r != null) {
          confirmed = confirmed.plus(orderId, new Reservation(r.amount(), r.overridden(), r.by(), r.at(), true));
        }
      }
      return withReservations(confirmed, reserved, updatedAt);
    }
    throw new IllegalStateException("Unknown event " + event);
  }

  private PMap<String, Reservation> pmap() {
    return (PMap<String, Reservation>) reservations;
  }

  private CustomerState withReservations(PMap<String, Reservation> next, BigDecimal total, Instant at) {
    return new CustomerState(
        customerId, name, email, currency, creditLimit, paymentTermsDays, status, next, total, origin, at);
  }
}
