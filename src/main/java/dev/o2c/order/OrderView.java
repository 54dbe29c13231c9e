package dev.o2c.order;

import dev.o2c.infra.CborSerializable;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/** An order as the API shows it; {@code status} is its fulfilment status. */
public record OrderView(
    String orderId,
    String customerId,
    OrderStatus status,
    PaymentStatus paymentStatus,
    String currency,
    BigDecimal total,
    List<OrderLine> lines,
    String channel,
    String externalReference,
    List<HoldReason> holdReasons,
    String reviewQueue,
    String invoiceId,
    String invoiceNumber,
    BigDecimal grossTotal,
    OrderState.Approval approval,
    OrderState.Shipment shipment,
    Instant placedAt,
    Instant updatedAt,
    List<OrderState.HistoryEntry> history)
    implements CborSerializable {

  public static OrderView of(OrderState s) {
    Order.Placed p = s.placed();
    return new OrderView(
        p.orderId(), p.customerId(), s.status(), s.paymentStatus(), p.currency(), p.total(), p.lines(), p.channel(),
        p.externalReference(), p.holdReasons(), p.reviewQueue(), s.invoiceId(), s.invoiceNumber(), p.grossTotal(), s.approval(), s.shipment(), p.at(),
        s.updatedAt(), s.history());
  }
}
