package dev.o2c.order;

import dev.o2c.credit.CreditIssue;
import dev.o2c.infra.CborSerializable;
import dev.o2c.order.Order.Approved;
import dev.o2c.order.Order.Cancelled;
import dev.o2c.order.Order.Delivered;
import dev.o2c.order.Order.Event;
import dev.o2c.order.Order.Placed;
import dev.o2c.order.Order.Rejected;
import dev.o2c.order.Order.Shipped;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * An order: what was placed (the {@link Placed} event, kept whole: it is also the first answer
 * an Idempotency-Key retry gets again), where it stands, and how it got there. Immutable.
 */
public record OrderState(
    Placed placed,
    OrderStatus status,
    PaymentStatus paymentStatus,
    String invoiceId,
    String invoiceNumber,
    Approval approval,
    Shipment shipment,
    List<HistoryEntry> history,
    Instant updatedAt)
    implements CborSerializable {

  /** One change of status: when, by whom (the API key's principal), and why. */
  public record HistoryEntry(OrderStatus status, Instant at, String by, String note) implements CborSerializable {}

  /**
   * Who released a held order, and the credit issues (limit exceeded, customer on credit hold)
   * that release overrode: an explicit override, recorded with its approver.
   */
  public record Approval(String by, Instant at, List<CreditIssue> overridden, String note) implements CborSerializable {
    public Approval {
      overridden = overridden == null ? List.of() : List.copyOf(overridden);
    }
  }

  /** How and when it was shipped. */
  public record Shipment(String carrier, String trackingNumber, Instant at) implements CborSerializable {}

  public OrderState {
    history = history == null ? List.of() : List.copyOf(history);
  }

  public static final OrderState EMPTY = new OrderState(null, null, null, null, null, null, null, List.of(), null);

  public boolean exists() {
    return placed != null;
  }

  public BigDecimal total() {
    return placed.total();
  }

  public String customerId() {
    return placed.customerId();
  }

  public OrderState apply(Event event) {
    if (event instanceof Placed e) {
      return new OrderState(
          e, e.status(), PaymentStatus.UNPAID, e.invoiceId(), e.invoiceNumber(), null, null,
          List.of(new HistoryEntry(e.status(), e.at(), e.by(), e.status() == OrderStatus.ON_HOLD ? "placed and held" : "placed")),
          e.at());
    }
    if (event instanceof Approved e) {
      String note = e.overridden().isEmpty()
          ? "approved"
          : "approved, overriding " + e.overridden().stream().map(Enum::name).collect(java.util.stream.Collectors.joining(", "));
      return invoiced(e.invoiceId(), e.invoiceNumber())
          .next(OrderStatus.VERIFIED, e.at(), e.by(), note, new Approval(e.by(), e.at(), e.overridden(), e.note()), shipment);
    }
    if (event instanceof Rejected e) {
      return next(OrderStatus.REJECTED, e.at(), e.by(), e.reason(), approval, shipment);
    }
    if (event instanceof Shipped e) {
      return invoiced(e.invoiceId(), e.invoiceNumber())
          .next(OrderStatus.SHIPPED, e.at(), e.by(), null, approval, new Shipment(e.carrier(), e.trackingNumber(), e.at()));
    }
    if (event instanceof Delivered e) {
      return next(OrderStatus.DELIVERED, e.at(), e.by(), e.note(), approval, shipment);
    }
    if (event instanceof Cancelled e) {
      return next(OrderStatus.CANCELLED, e.at(), e.by(), e.reason(), approval, shipment);
    }
    if (event instanceof Order.Invoiced e) {
      return new OrderState(placed, status, paymentStatus, e.invoiceId(), e.invoiceNumber(), approval, shipment, history, e.at());
    }
    if (event instanceof Order.PaymentStatusChanged e) {
      return new OrderState(placed, status, e.paymentStatus(), invoiceId, invoiceNumber, approval, shipment, history, e.at());
    }
    throw new IllegalStateException("Unknown event " + event);
  }

  private OrderState next(OrderStatus to, Instant at, String by, String note, Approval approval, Shipment shipment) {
    List<HistoryEntry> more = new ArrayList<>(history);
    more.add(new HistoryEntry(to, at, by, note));
    return new OrderState(placed, to, paymentStatus, invoiceId, invoiceNumber, approval, shipment, more, at);
  }

  /** The same order with its invoice, when a change brought one (null: unchanged). */
  private OrderState invoiced(String newInvoiceId, String newInvoiceNumber) {
    return newInvoiceId == null
        ? this
        : new OrderState(placed, status, paymentStatus, newInvoiceId, newInvoiceNumber, approval, shipment, history, updatedAt);
  }
}
