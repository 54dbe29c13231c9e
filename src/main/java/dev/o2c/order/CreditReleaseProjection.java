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
 * Releases a customer's credit reservation when its order is cancelled or rejected: the order
 * records the change first, and this projection carries it to the account at least once (it
 * resumes from its offset after a crash; releasing twice is harmless).
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
      return release(entityId, cancelled.customerId(), "order cancelled");
    }
    if (envelope.event() instanceof Order.Rejected rejected) {
      return release(entityId, rejected.customerId(), "order rejected");
    }
    return CompletableFuture.completedFuture(Done.getInstance());
  }

  private CompletionStage<Done> release(String orderEntityId, String customerId, String reason) {
    String tenantId = EntityIds.tenantOf(orderEntityId);
    String orderId = EntityIds.idOf(orderEntityId);
    return sharding.entityRefFor(CustomerAccount.KEY, EntityIds.entityId(tenantId, customerId))
        .ask(replyTo -> new CustomerAccount.ReleaseCredit(orderId, reason, replyTo), timeout);
  }
}
