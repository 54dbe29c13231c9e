package dev.o2c.account;

import dev.o2c.account.CustomerAccount.Created;
import dev.o2c.account.CustomerAccount.Event;
import dev.o2c.account.CustomerAccount.InvoiceIssued;
import dev.o2c.account.CustomerAccount.InvoicingFailed;
import dev.o2c.account.CustomerAccount.OrderAccepted;
import dev.o2c.account.CustomerAccount.OrderApproved;
import dev.o2c.account.CustomerAccount.OrderClosed;
import dev.o2c.account.CustomerAccount.PlacementsConfirmed;
import dev.o2c.account.CustomerAccount.ProfileUpdated;
import dev.o2c.credit.CreditIssue;
import dev.o2c.infra.CborSerializable;
import dev.o2c.invoice.DunningLevel;
import dev.o2c.invoice.InvoiceChange;
import dev.o2c.money.Money;
import dev.o2c.order.OrderStatus;
import dev.o2c.order.PlacementRequest;
import dev.o2c.payment.PaymentEntry;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.pcollections.HashTreePMap;
import org.pcollections.PMap;

/**
 * A customer account, the one writer of the customer's money: contact data and credit terms; the
 * open orders not invoiced yet ({@code orders}: VERIFIED ones hold credit at their gross total,
 * held ones none); the invoices ({@code receivables} open, {@code settled} paid, credited or
 * voided); payments, unapplied cash, and credit to the customer's good. Immutable; {@link #apply}
 * returns the state after an event. Maps are persistent, so a customer with thousands of open
 * items is not copied on every event.
 *
 * <p>{@code unconfirmed}: placements whose order has not yet said it stored its own record (see
 * {@link CustomerAccount} on healing). {@code reserved} and {@code receivable} are the sums of the
 * open orders' credit and of the open balances, kept as they change. {@code origin} is the event
 * that opened the account (null until then): its Idempotency-Key and request fingerprint let a
 * retry of the creation get the first answer again.
 */
public record CustomerState(
    String customerId,
    String name,
    String email,
    String currency,
    BigDecimal creditLimit,
    int paymentTermsDays,
    CustomerStatus status,
    Map<String, OpenOrder> orders,
    BigDecimal reserved,
    Map<String, Receivable> receivables,
    BigDecimal receivable,
    Map<String, Receivable> settled,
    Map<String, OrderAccepted> unconfirmed,
    BigDecimal accountCredit,
    Map<String, CustomerAccount.CreditNoteIssued> creditNotes,
    Map<String, PaymentEntry> payments,
    BigDecimal unappliedCash,
    Map<String, CustomerAccount.RefundIssued> refunds,
    Created origin,
    Instant updatedAt)
    implements CborSerializable {

  /**
   * An order the account has taken and not invoiced (or closed) yet. VERIFIED: it holds credit of
   * {@code gross}; ON_HOLD: none until approved. {@code overridden}: the credit issues an approval
   * took the credit despite.
   */
  public record OpenOrder(PlacementRequest request, OrderStatus status, BigDecimal gross, List<CreditIssue> overridden, Instant at)
      implements CborSerializable {
    public OpenOrder {
      overridden = overridden == null ? List.of() : List.copyOf(overridden);
    }

    public boolean holdsCredit() {
      return status == OrderStatus.VERIFIED;
    }
  }

  public CustomerState {
    orders = pmap(orders);
    receivables = pmap(receivables);
    settled = pmap(settled);
    unconfirmed = pmap(unconfirmed);
    creditNotes = pmap(creditNotes);
    payments = pmap(payments);
    refunds = pmap(refunds);
    reserved = reserved == null ? BigDecimal.ZERO : reserved;
    receivable = receivable == null ? BigDecimal.ZERO : receivable;
    accountCredit = accountCredit == null ? BigDecimal.ZERO : accountCredit;
    unappliedCash = unappliedCash == null ? BigDecimal.ZERO : unappliedCash;
  }

  private static <V> PMap<String, V> pmap(Map<String, V> map) {
    return map instanceof PMap<String, V> p ? p : HashTreePMap.from(map == null ? Map.of() : map);
  }

  public static final CustomerState EMPTY =
      new CustomerState(null, null, null, null, BigDecimal.ZERO, 0, CustomerStatus.ACTIVE, null, null, null, null, null, null, null,
          null, null, null, null, null, null);

  public boolean exists() {
    return origin != null;
  }

  public Instant createdAt() {
    return origin == null ? null : origin.at();
  }

  /** Credit held by open orders plus the balances of open invoices: what the customer will owe. */
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

  /** An invoice of this account, open or settled; null when it has none of that id. */
  public Receivable invoice(String invoiceId) {
    Receivable open = receivables.get(invoiceId);
    return open != null ? open : settled.get(invoiceId);
  }

  /** Credit limit minus credit used; negative after an approved override. */
  public BigDecimal availableCredit() {
    return creditLimit.subtract(creditUsed());
  }

  /** How many open orders hold credit. */
  public int ordersHoldingCredit() {
    return (int) orders.values().stream().filter(OpenOrder::holdsCredit).count();
  }

  public CustomerState apply(Event event) {
    if (event instanceof Created e) {
      BigDecimal zero = Money.zero(e.currency());
      return new CustomerState(
          e.customerId(), e.name(), e.email(), e.currency(), e.creditLimit(), e.paymentTermsDays(), CustomerStatus.ACTIVE,
          null, zero, null, zero, null, null, zero, null, null, zero, null, e, e.at());
    }
    if (event instanceof ProfileUpdated e) {
      return new CustomerState(
          customerId, e.name(), e.email(), currency, e.creditLimit(), e.paymentTermsDays(), e.status(), orders, reserved, receivables,
          receivable, settled, unconfirmed, accountCredit, creditNotes, payments, unappliedCash, refunds, origin, e.at());
    }
    if (event instanceof OrderAccepted e) {
      OpenOrder open = new OpenOrder(e.request(), e.status(), e.gross(), List.of(), e.at());
      return withOrders(ordersMap().plus(e.request().orderId(), open), open.holdsCredit() ? reserved.add(e.gross()) : reserved,
          unconfirmedMap().plus(e.request().orderId(), e), e.at());
    }
    if (event instanceof OrderApproved e) {
      OpenOrder held = orders.get(e.orderId());
      if (held == null || held.holdsCredit()) {
        return this;
      }
      OpenOrder approved = new OpenOrder(held.request(), OrderStatus.VERIFIED, held.gross(), e.overridden(), e.at());
      return withOrders(ordersMap().plus(e.orderId(), approved), reserved.add(held.gross()), unconfirmedMap(), e.at());
    }
    if (event instanceof OrderClosed e) {
      OpenOrder open = orders.get(e.orderId());
      if (open == null) {
        return this;
      }
      return withOrders(ordersMap().minus(e.orderId()), open.holdsCredit() ? reserved.subtract(open.gross()) : reserved,
          unconfirmedMap(), e.at());
    }
    if (event instanceof InvoiceIssued e) {
      OpenOrder open = orders.get(e.orderId());
      CustomerState s = open == null ? this : withOrders(ordersMap().minus(e.orderId()),
          open.holdsCredit() ? reserved.subtract(open.gross()) : reserved, unconfirmedMap(), e.at());
      Receivable issued = Receivable.issued(e);
      if (e.total().signum() == 0) {
        // An invoice of nothing (free items) is paid as it is issued: never open, never dunned.
        return s.with(s.receivablesMap(), s.receivable(), s.settledMap().plus(e.invoiceId(), issued), s.accountCredit(), e.at());
      }
      return s.with(s.receivablesMap().plus(e.invoiceId(), issued), s.receivable().add(e.total()), s.settledMap(), s.accountCredit(),
          e.at());
    }
    if (event instanceof InvoicingFailed e) {
      return withOrders(ordersMap(), reserved, unconfirmedMap(), e.at());
    }
    if (event instanceof PlacementsConfirmed e) {
      PMap<String, OrderAccepted> left = unconfirmedMap();
      for (String orderId : e.orderIds()) {
        left = left.minus(orderId);
      }
      return withOrders(ordersMap(), reserved, left, updatedAt);
    }
    if (event instanceof CustomerAccount.ItemsArchived e) {
      return Archive.apply(this, e);
    }
    if (event instanceof CustomerAccount.ItemsRestored e) {
      return Archive.apply(this, e);
    }
    return recordApplications(Ledger.apply(this, event), event);
  }

  /** Every application an event made, on the record of its invoice (open or settled). */
  private static CustomerState recordApplications(CustomerState s, Event event) {
    List<InvoiceChange> changes = InvoiceChanges.of(event);
    if (changes.isEmpty()) {
      return s;
    }
    PMap<String, Receivable> receivables = s.receivablesMap();
    PMap<String, Receivable> settled = s.settledMap();
    for (InvoiceChange change : changes) {
      Receivable open = receivables.get(change.invoiceId());
      if (open != null) {
        receivables = receivables.plus(change.invoiceId(), open.recorded(change.application(), s.updatedAt()));
      } else {
        Receivable closed = settled.get(change.invoiceId());
        if (closed != null) {
          settled = settled.plus(change.invoiceId(), closed.recorded(change.application(), s.updatedAt()));
        }
      }
    }
    return s.with(receivables, s.receivable(), settled, s.accountCredit(), s.updatedAt());
  }

  /** The same account with other invoices and credit. */
  CustomerState with(
      PMap<String, Receivable> receivables, BigDecimal receivable, PMap<String, Receivable> settled, BigDecimal accountCredit, Instant at) {
    return new CustomerState(customerId, name, email, currency, creditLimit, paymentTermsDays, status, orders, reserved, receivables,
        receivable, settled, unconfirmed, accountCredit, creditNotes, payments, unappliedCash, refunds, origin, at);
  }

  private CustomerState withOrders(PMap<String, OpenOrder> orders, BigDecimal reserved, PMap<String, OrderAccepted> unconfirmed, Instant at) {
    return new CustomerState(customerId, name, email, currency, creditLimit, paymentTermsDays, status, orders, reserved, receivables,
        receivable, settled, unconfirmed, accountCredit, creditNotes, payments, unappliedCash, refunds, origin, at);
  }

  /** The same account with other payments and unapplied cash. */
  CustomerState withPayments(PMap<String, PaymentEntry> payments, BigDecimal unappliedCash, Instant at) {
    return new CustomerState(customerId, name, email, currency, creditLimit, paymentTermsDays, status, orders, reserved, receivables,
        receivable, settled, unconfirmed, accountCredit, creditNotes, payments, unappliedCash, refunds, origin, at);
  }

  /** The same account, remembering a refund. */
  CustomerState withRefund(CustomerAccount.RefundIssued refund) {
    return new CustomerState(customerId, name, email, currency, creditLimit, paymentTermsDays, status, orders, reserved, receivables,
        receivable, settled, unconfirmed, accountCredit, creditNotes, payments, unappliedCash,
        ((PMap<String, CustomerAccount.RefundIssued>) refunds).plus(refund.refundId(), refund), origin, updatedAt);
  }

  /** The same account, remembering a credit note (so that a retry of it is recognised). */
  CustomerState withCreditNote(CustomerAccount.CreditNoteIssued note) {
    return new CustomerState(customerId, name, email, currency, creditLimit, paymentTermsDays, status, orders, reserved, receivables,
        receivable, settled, unconfirmed, accountCredit,
        ((PMap<String, CustomerAccount.CreditNoteIssued>) creditNotes).plus(note.creditNoteId(), note), payments, unappliedCash, refunds,
        origin, updatedAt);
  }

  PMap<String, PaymentEntry> paymentsMap() {
    return (PMap<String, PaymentEntry>) payments;
  }

  PMap<String, Receivable> receivablesMap() {
    return (PMap<String, Receivable>) receivables;
  }

  PMap<String, Receivable> settledMap() {
    return (PMap<String, Receivable>) settled;
  }

  PMap<String, OpenOrder> ordersMap() {
    return (PMap<String, OpenOrder>) orders;
  }

  PMap<String, OrderAccepted> unconfirmedMap() {
    return (PMap<String, OrderAccepted>) unconfirmed;
  }
}
