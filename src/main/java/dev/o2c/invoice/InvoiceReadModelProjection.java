package dev.o2c.invoice;

import dev.o2c.infra.EntityIds;
import dev.o2c.order.Order;
import dev.o2c.order.OrderResult;
import dev.o2c.order.PaymentStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.javadsl.Handler;

/**
 * Keeps the invoice read models (by number, by customer, by the references a payment may name) as
 * each invoice is now, and the order's payment status in step with its invoice. On every invoice event it reads the invoice and
 * rewrites its rows: keyed upserts, so a replayed event changes nothing.
 */
public final class InvoiceReadModelProjection extends Handler<EventEnvelope<Invoice.Event>> {

  public static final String NAME = "invoice-read-models";

  private final ClusterSharding sharding;
  private final InvoiceStore store;
  private final Duration timeout;

  public InvoiceReadModelProjection(ActorSystem<?> system, InvoiceStore store, Duration timeout) {
    this.sharding = ClusterSharding.get(system);
    this.store = store;
    this.timeout = timeout;
  }

  @Override
  public CompletionStage<Done> process(EventEnvelope<Invoice.Event> envelope) {
    String invoiceEntityId = PersistenceId.extractEntityId(envelope.persistenceId());
    String tenantId = EntityIds.tenantOf(invoiceEntityId);
    return sharding.entityRefFor(Invoice.KEY, invoiceEntityId)
        .<InvoiceResult>ask(Invoice.Get::new, timeout)
        .thenCompose(result -> {
          if (!(result instanceof InvoiceResult.Ok ok)) {
            throw new IllegalStateException("Invoice " + invoiceEntityId + " could not be read: " + result);
          }
          InvoiceView invoice = ok.invoice();
          CompletionStage<Done> references = envelope.event() instanceof Invoice.Issued
              ? store.saveReferences(tenantId, invoice.invoiceId(), invoice.customerId(), references(invoice))
              : CompletableFuture.completedFuture(Done.getInstance());
          return references
              .thenCompose(saved -> store.save(tenantId, InvoiceStore.Summary.of(invoice)))
              .thenCompose(saved -> sharding.entityRefFor(Order.KEY, EntityIds.entityId(tenantId, invoice.orderId()))
                  .<OrderResult>ask(replyTo -> new Order.RecordPaymentStatus(paymentStatus(invoice), replyTo), timeout))
              .thenApply(recorded -> Done.getInstance());
        });
  }

  /** What a payment may name the invoice by: its number, its order id, its order's external reference. */
  static List<String> references(InvoiceView invoice) {
    List<String> references = new ArrayList<>(List.of(invoice.invoiceNumber(), invoice.orderId()));
    if (invoice.externalReference() != null) {
      references.add(invoice.externalReference());
    }
    return references;
  }

  /**
   * The order's payment status: what has been paid on its invoice. Nothing paid is UNPAID even
   * when credit notes settled the invoice (a cancelled order's, say); paid with nothing left owed
   * is PAID; anything between is PARTIALLY_PAID.
   */
  static PaymentStatus paymentStatus(InvoiceView invoice) {
    if (invoice.status() == InvoiceStatus.VOID || invoice.amountPaid().signum() == 0) {
      return PaymentStatus.UNPAID;
    }
    return invoice.balance().signum() == 0 ? PaymentStatus.PAID : PaymentStatus.PARTIALLY_PAID;
  }
}
