package dev.o2c.order;

import dev.o2c.account.CustomerAccount;
import dev.o2c.infra.EntityIds;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.javadsl.Handler;

/**
 * Carries an order's cancellation or rejection to its customer's account: the reservation is
 * released, or, for an order already invoiced, the invoice is voided (nothing applied to it yet)
 * or credited in full. The order records the change first, and this projection carries it to the
 * account at least once (it resumes from its offset after a crash; every step is idempotent).
 */
public final class CreditReleaseProjection extends Handler<EventEnvelope<Order.Event>> {

  public static final String NAME = "order-credit-release";

  private final ClusterSharding sharding;
  private final Duration timeout;

  public CreditReleaseProjection(ActorSystem<?> system, Duration timeout) {
    this.sharding = ClusterSharding.get(system);
    this.timeout = timeout;
  }

  @Override
  public CompletionStage<Done> process(EventEnvelope<Order.Event> envelope) {
    String entityId = PersistenceId.extractEntityId(envelope.persistenceId());
    if (envelope.event() instanceof Order.Cancelled cancelled) {
      if (cancelled.invoiceId() != null) {
        return cancelInvoice(entityId, cancelled);
      }
      return release(entityId, cancelled.customerId(), "order cancelled");
    }
    if (envelope.event() instanceof Order.Rejected rejected) {
      return release(entityId, rejected.customerId(), "order rejected");
    }
    return CompletableFuture.completedFuture(Done.getInstance());
  }

  private CompletionStage<Done> cancelInvoice(String orderEntityId, Order.Cancelled cancelled) {
    String tenantId = EntityIds.tenantOf(orderEntityId);
    String orderId = EntityIds.idOf(orderEntityId);
    return sharding.entityRefFor(CustomerAccount.KEY, EntityIds.entityId(tenantId, cancelled.customerId()))
        .ask(replyTo -> new CustomerAccount.CancelInvoice(cancelled.invoiceId(), orderId, cancelled.by(), replyTo), timeout);
  }

  private CompletionStage<Done> release(String orderEntityId, String customerId, String reason) {
    String tenantId = EntityIds.tenantOf(orderEntityId);
    String orderId = EntityIds.idOf(orderEntityId);
    return sharding.entityRefFor(CustomerAccount.KEY, EntityIds.entityId(tenantId, customerId))
        .ask(replyTo -> new CustomerAccount.ReleaseCredit(orderId, reason, replyTo), timeout);
  }
}
