package dev.o2c.reports;

import dev.o2c.infra.EntityIds;
import dev.o2c.order.HoldReason;
import dev.o2c.order.Order;
import dev.o2c.order.OrderLine;
import dev.o2c.order.OrderStatus;
import dev.o2c.order.PaymentStatus;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.javadsl.Handler;

/**
 * Keeps the tenant-wide order rows from the orders' events, a group at a time: a placement writes
 * the row, every later event the columns it changes (keyed upserts: an event delivered again
 * writes the same values). An order's events are applied in order; orders side by side.
 */
public final class OrderReportProjection extends Handler<List<EventEnvelope<Order.Event>>> {

  public static final String NAME = "reports-orders";

  private final OrderReportStore store;
  private final LagRecorder lag;

  public OrderReportProjection(OrderReportStore store, ReportStore lags, String instance, Clock clock) {
    this.store = store;
    this.lag = new LagRecorder(lags, NAME, instance, clock);
  }

  /** The row of a placement. */
  public static OrderRow row(String orderId, Order.Placed p) {
    long units = 0;
    List<OrderRow.Line> lines = new ArrayList<>();
    for (OrderLine l : p.lines()) {
      units += l.quantity();
      lines.add(new OrderRow.Line(l.sku(), l.quantity(), l.lineTotal()));
    }
    BigDecimal gross = p.grossTotal() != null ? p.grossTotal() : p.total();
    return new OrderRow(orderId, p.customerId(), p.channel(), p.externalReference(), p.currency(), p.status().name(),
        p.holdReasons().stream().map(HoldReason::code).toList(), p.reviewQueue(), units, p.total(), gross, lines, p.invoiceId(), p.at(),
        p.invoiceId() != null ? p.at() : null, p.status() == OrderStatus.VERIFIED ? p.at() : null, false, null, null, null, null, false,
        false);
  }

  /** What a later event changes of the row. */
  public static OrderRow.Change change(Order.Event event) {
    OrderRow.Change c = OrderRow.Change.none();
    if (event instanceof Order.Approved e) {
      c = c.status(OrderStatus.VERIFIED.name()).verified(e.at(), true);
      if (e.invoiceId() != null) {
        c = c.invoiced(e.invoiceId(), e.at());
      }
    } else if (event instanceof Order.Rejected e) {
      c = c.status(OrderStatus.REJECTED.name()).closed(e.at());
    } else if (event instanceof Order.Shipped e) {
      c = c.status(OrderStatus.SHIPPED.name()).shipped(e.at());
      if (e.invoiceId() != null) {
        c = c.invoiced(e.invoiceId(), e.at());
      }
    } else if (event instanceof Order.Delivered e) {
      c = c.status(OrderStatus.DELIVERED.name()).delivered(e.at());
    } else if (event instanceof Order.Cancelled e) {
      c = c.status(OrderStatus.CANCELLED.name()).closed(e.at());
    } else if (event instanceof Order.Invoiced e) {
      c = c.invoiced(e.invoiceId(), e.at());
    } else if (event instanceof Order.PaymentStatusChanged e) {
      c = c.paid(e.paymentStatus() == PaymentStatus.PAID ? e.at() : null);
    }
    return c;
  }

  @Override
  public CompletionStage<Done> process(List<EventEnvelope<Order.Event>> envelopes) {
    Map<String, List<Order.Event>> byOrder = new LinkedHashMap<>();
    for (EventEnvelope<Order.Event> envelope : envelopes) {
      byOrder.computeIfAbsent(envelope.persistenceId(), id -> new ArrayList<>()).add(envelope.event());
    }
    List<CompletableFuture<Done>> orders = new ArrayList<>();
    byOrder.forEach((persistenceId, events) -> orders.add(order(persistenceId, events).toCompletableFuture()));
    return CompletableFuture.allOf(orders.toArray(CompletableFuture[]::new)).thenCompose(all -> lag.handled(envelopes.stream().map(EventEnvelope::timestamp).toList()));
  }

  private CompletionStage<Done> order(String persistenceId, List<Order.Event> events) {
    String entityId = PersistenceId.extractEntityId(persistenceId);
    String tenantId = EntityIds.tenantOf(entityId);
    String orderId = EntityIds.idOf(entityId);
    CompletionStage<Optional<Instant>> placedAt = events.get(0) instanceof Order.Placed p
        ? CompletableFuture.completedFuture(Optional.of(p.at()))
        : store.placedAt(tenantId, orderId);
    return placedAt.thenCompose(at -> {
      CompletionStage<Done> all = CompletableFuture.completedFuture(Done.getInstance());
      for (Order.Event event : events) {
        if (event instanceof Order.Placed p) {
          all = all.thenCompose(done -> store.placed(tenantId, row(orderId, p)));
        } else if (at.isPresent()) {
          OrderRow.Change change = change(event);
          Instant key = at.get();
          if (event instanceof Order.PaymentStatusChanged e && e.paymentStatus() == PaymentStatus.PAID) {
            // Paid: what the ledger said of its invoice joins the row (if the ledger's projection came first).
            all = all.thenCompose(done -> store.flags(tenantId, orderId)).thenCompose(flags -> store.update(tenantId, orderId, key,
                change.flags(flags.manualAllocation() ? Boolean.TRUE : null, flags.creditNote() ? Boolean.TRUE : null)));
          } else {
            all = all.thenCompose(done -> store.update(tenantId, orderId, key, change));
          }
        }
        // An event of an order with no placement recorded (never: a placement is its first event) is skipped.
      }
      return all;
    });
  }

}
