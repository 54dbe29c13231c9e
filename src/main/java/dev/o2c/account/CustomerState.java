package dev.o2c.account;

import dev.o2c.payment.PaymentEntry;
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
import dev.o2c.invoice.DunningLevel;
import java.util.Set;
import org.pcollections.HashTreePMap;
import org.pcollections.HashTreePSet;
import org.pcollections.PMap;
import org.pcollections.PSet;

/**
 * A customer account: contact data, credit terms and the credit it has reserved for open orders.
 * Immutable; {@link #apply} returns the state after an event. Reservations are a persistent map,
 * so a customer with thousands of open orders is not copied on every event.
 *
 * <p>The account is the ledger of the customer's invoices: {@code receivables} are the open ones
 * (their balances decide matching and dunning), {@code settled} those paid, credited or voided
 * (kept so that a replayed event never opens one again), {@code cancelledInvoices} those whose
 * order was cancelled before they were recorded, and {@code accountCredit} what the customer has
 * to their good (credit notes beyond an invoice's balance).
 *
 * <p>{@code reserved} and {@code receivable} are the sums of the reservations and of the open
 * balances, kept as they change. {@code origin} is the
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
    Map<String, Receivable> receivables,
    BigDecimal receivable,
    Map<String, Receivable> settled,
    Set<String> cancelledInvoices,
    BigDecimal accountCredit,
    Map<String, CustomerAccount.CreditNoteIssued> creditNotes,
    Map<String, PaymentEntry> payments,
    BigDecimal unappliedCash,
    Map<String, CustomerAccount.RefundIssued> refunds,
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
    receivables = receivables instanceof PMap<String, Receivable> p ? p : HashTreePMap.from(receivables == null ? Map.of() : receivables);
    settled = settled instanceof PMap<String, Receivable> p ? p : HashTreePMap.from(settled == null ? Map.of() : settled);
    cancelledInvoices = cancelledInvoices instanceof PSet<String> p ? p : HashTreePSet.from(cancelledInvoices == null ? Set.of() : cancelledInvoices);
    receivable = receivable == null ? BigDecimal.ZERO : receivable;
    accountCredit = accountCredit == null ? BigDecimal.ZERO : accountCredit;
    creditNotes = creditNotes instanceof PMap<String, CustomerAccount.CreditNoteIssued> p
        ? p : HashTreePMap.from(creditNotes == null ? Map.of() : creditNotes);
    payments = payments instanceof PMap<String, PaymentEntry> p ? p : HashTreePMap.from(payments == null ? Map.of() : payments);
    unappliedCash = unappliedCash == null ? BigDecimal.ZERO : unappliedCash;
    refunds = refunds instanceof PMap<String, CustomerAccount.RefundIssued> p
        ? p : HashTreePMap.from(refunds == null ? Map.of() : refunds);
  }

  public static final CustomerState EMPTY =
      new CustomerState(null, null, null, null, BigDecimal.ZERO, 0, CustomerStatus.ACTIVE, HashTreePMap.empty(), BigDecimal.ZERO,
          HashTreePMap.empty(), BigDecimal.ZERO, HashTreePMap.empty(), HashTreePSet.empty(), BigDecimal.ZERO,
          HashTreePMap.empty(), HashTreePMap.empty(), BigDecimal.ZERO, HashTreePMap.empty(), null, null);

  public boolean exists() {
    return origin != null;
  }

  public Instant createdAt() {
    return origin == null ? null : origin.at();
  }

  /** Reservations of open orders plus the balances of open invoices. */
  public BigDecimal creditUsed() {
    return reserved.add(receivable);
  }

  /** What the customer owes: open invoice balances less unapplied cash and the credit to their good. */
  public BigDecimal balance() {
    return receivable.subtract(unappliedCash).subtract(accountCredit);
  }

  /** Whether an open invoice is at (or past) the given dunning level. */
  public boolean anyOpenInvoiceAt(DunningLevel level) {
    return receivables.values().stream().anyMatch(r -> r.dunningLevel().ordinal() >= level.ordinal());
  }

  public boolean knowsInvoice(String invoiceId) {
    return receivables.containsKey(invoiceId) || settled.containsKey(invoiceId);
  }

  /** Credit limit minus credit used; negative after an approved override. */
  public BigDecimal availableCredit() {
    return creditLimit.subtract(creditUsed());
  }

  public CustomerState apply(Event event) {
    if (event instanceof Created e) {
      return new CustomerState(
          e.customerId(), e.name(), e.email(), e.currency(), e.creditLimit(), e.paymentTermsDays(), CustomerStatus.ACTIVE,
          HashTreePMap.empty(), Money.zero(e.currency()),
          HashTreePMap.empty(), Money.zero(e.currency()), HashTreePMap.empty(), HashTreePSet.empty(), Money.zero(e.currency()),
          HashTreePMap.empty(), HashTreePMap.empty(), Money.zero(e.currency()), HashTreePMap.empty(), e, e.at());
    }
    if (event instanceof ProfileUpdated e) {
      return new CustomerState(
          customerId, e.name(), e.email(), currency, e.creditLimit(), e.paymentTermsDays(), e.status(), reservations,
          reserved, receivables, receivable, settled, cancelledInvoices, accountCredit, creditNotes, payments, unappliedCash, refunds,
          origin, e.at());
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
    return Ledger.apply(this, event);
  }

  /** The same account with other reservations, receivables and credit. */
  CustomerState with(
      PMap<String, Reservation> reservations, BigDecimal reserved, PMap<String, Receivable> receivables, BigDecimal receivable,
      PMap<String, Receivable> settled, PSet<String> cancelledInvoices, BigDecimal accountCredit, Instant at) {
    return new CustomerState(customerId, name, email, currency, creditLimit, paymentTermsDays, status, reservations, reserved,
        receivables, receivable, settled, cancelledInvoices, accountCredit, creditNotes, payments, unappliedCash, refunds, origin, at);
  }

  /** The same account with other payments and unapplied cash. */
  CustomerState withPayments(PMap<String, PaymentEntry> payments, BigDecimal unappliedCash, Instant at) {
    return new CustomerState(customerId, name, email, currency, creditLimit, paymentTermsDays, status, reservations, reserved,
        receivables, receivable, settled, cancelledInvoices, accountCredit, creditNotes, payments, unappliedCash, refunds, origin, at);
  }

  /** The same account, remembering a refund. */
  CustomerState withRefund(CustomerAccount.RefundIssued refund) {
    return new CustomerState(customerId, name, email, currency, creditLimit, paymentTermsDays, status, reservations, reserved,
        receivables, receivable, settled, cancelledInvoices, accountCredit, creditNotes, payments, unappliedCash,
        ((PMap<String, CustomerAccount.RefundIssued>) refunds).plus(refund.refundId(), refund), origin, updatedAt);
  }

  PMap<String, PaymentEntry> paymentsMap() {
    return (PMap<String, PaymentEntry>) payments;
  }

  /** The same account, remembering a credit note (so that a retry of it is recognised). */
  CustomerState withCreditNote(CustomerAccount.CreditNoteIssued note) {
    return new CustomerState(customerId, name, email, currency, creditLimit, paymentTermsDays, status, reservations, reserved,
        receivables, receivable, settled, cancelledInvoices, accountCredit,
        ((PMap<String, CustomerAccount.CreditNoteIssued>) creditNotes).plus(note.creditNoteId(), note), payments, unappliedCash, refunds,
        origin, updatedAt);
  }

  PMap<String, Receivable> receivablesMap() {
    return (PMap<String, Receivable>) receivables;
  }

  PMap<String, Receivable> settledMap() {
    return (PMap<String, Receivable>) settled;
  }

  PSet<String> cancelledSet() {
    return (PSet<String>) cancelledInvoices;
  }

  PMap<String, Reservation> reservationsMap() {
    return (PMap<String, Reservation>) reservations;
  }

  private PMap<String, Reservation> pmap() {
    return reservationsMap();
  }

  private CustomerState withReservations(PMap<String, Reservation> next, BigDecimal total, Instant at) {
    return with(next, total, receivablesMap(), receivable, settledMap(), cancelledSet(), accountCredit, at);
  }
}
