package dev.o2c.invoice;

import dev.o2c.account.CustomerAccount;
import dev.o2c.account.CustomerResult;
import dev.o2c.account.ReceivableInfo;
import dev.o2c.infra.BusinessClock;
import dev.o2c.infra.EntityIds;
import dev.o2c.order.Order;
import dev.o2c.order.OrderResult;
import dev.o2c.order.OrderStatus;
import dev.o2c.order.OrderView;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.javadsl.Handler;

/**
 * Invoices orders: on the order event that the tenant invoices on (verified, the default, or
 * shipped), it gives the order its invoice, issues the invoice and records it on the customer's
 * account, which turns the order's credit reservation into an open receivable.
 *
 * <p>Each step is idempotent and the projection delivers at least once, so a crash between any
 * two steps is completed on the next delivery; the invoice's id is made from the order's, so no
 * order ever gets two. The order is asked first: it refuses once cancelled, so an order cancelled
 * before it was invoiced is never invoiced, and one cancelled after is voided or credited (by the
 * cancellation projection, through the account).
 */
public final class InvoicingProjection extends Handler<EventEnvelope<Order.Event>> {

  public static final String NAME = "order-invoicing";

  private static final Set<OrderStatus> AFTER_VERIFICATION = Set.of(OrderStatus.VERIFIED, OrderStatus.SHIPPED, OrderStatus.DELIVERED);
  private static final Set<OrderStatus> AFTER_SHIPMENT = Set.of(OrderStatus.SHIPPED, OrderStatus.DELIVERED);

  private final ClusterSharding sharding;
  private final InvoicingSettings settings;
  private final BusinessClock clock;
  private final Duration timeout;

  public InvoicingProjection(ActorSystem<?> system, InvoicingSettings settings, BusinessClock clock, Duration timeout) {
    this.sharding = ClusterSharding.get(system);
    this.settings = settings;
    this.clock = clock;
    this.timeout = timeout;
  }

  @Override
  public CompletionStage<Done> process(EventEnvelope<Order.Event> envelope) {
    String orderEntityId = PersistenceId.extractEntityId(envelope.persistenceId());
    String tenantId = EntityIds.tenantOf(orderEntityId);
    InvoicingSettings.InvoiceOn on = settings.tenant(tenantId).invoiceOn();
    Order.Event event = envelope.event();
    boolean trigger = switch (on) {
      case VERIFIED -> (event instanceof Order.Placed placed && placed.status() == OrderStatus.VERIFIED)
          || event instanceof Order.Approved;
      case SHIPPED -> event instanceof Order.Shipped;
    };
    if (!trigger) {
      return CompletableFuture.completedFuture(Done.getInstance());
    }
    return invoice(tenantId, EntityIds.idOf(orderEntityId), on == InvoicingSettings.InvoiceOn.VERIFIED ? AFTER_VERIFICATION : AFTER_SHIPMENT);
  }

  private CompletionStage<Done> invoice(String tenantId, String orderId, Set<OrderStatus> invoiceableIn) {
    String invoiceId = Invoice.idFor(orderId);
    return sharding.entityRefFor(Order.KEY, EntityIds.entityId(tenantId, orderId))
        .<OrderResult>ask(replyTo -> new Order.AttachInvoice(invoiceId, invoiceableIn, replyTo), timeout)
        .thenCompose(attached -> attached instanceof OrderResult.Ok ok
            ? issue(tenantId, invoiceId, ok.order())
            : CompletableFuture.completedFuture(Done.getInstance())); // cancelled or rejected: nothing to invoice
  }

  private CompletionStage<Done> issue(String tenantId, String invoiceId, OrderView order) {
    var account = sharding.entityRefFor(CustomerAccount.KEY, EntityIds.entityId(tenantId, order.customerId()));
    return account.<CustomerResult>ask(CustomerAccount.Get::new, timeout)
        .thenCompose(customer -> {
          if (!(customer instanceof CustomerResult.Ok ok)) {
            throw new IllegalStateException("Order " + order.orderId() + " of tenant " + tenantId + " has no customer account");
          }
          InvoiceDraft draft = InvoiceDraft.of(order.orderId(), order.customerId(), order.externalReference(), order.currency(),
              order.lines(), settings.tenant(tenantId).tax(), clock.today(), ok.customer().paymentTermsDays());
          return sharding.entityRefFor(Invoice.KEY, EntityIds.entityId(tenantId, invoiceId))
              .<InvoiceResult>ask(replyTo -> new Invoice.Issue(draft, replyTo), timeout);
        })
        .thenCompose(issued -> {
          if (!(issued instanceof InvoiceResult.Ok ok)) {
            throw new IllegalStateException("Invoice " + invoiceId + " was not issued: " + ((InvoiceResult.Failed) issued).rejection());
          }
          InvoiceView i = ok.invoice();
          ReceivableInfo info = new ReceivableInfo(i.invoiceId(), i.invoiceNumber(), i.orderId(), i.externalReference(), i.currency(),
              i.total(), i.issuedOn(), i.dueOn());
          return account.ask(replyTo -> new CustomerAccount.RecordReceivable(info, replyTo), timeout);
        });
  }
}
