package dev.o2c.reporting;

import dev.o2c.infra.EntityIds;
import dev.o2c.order.Order;
import dev.o2c.order.RuleAlert;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.javadsl.Handler;

/** Writes the alerts that ALERT automation rules raised on placed orders into the alerts read model. */
public final class AlertsProjection extends Handler<EventEnvelope<Order.Event>> {

  public static final String NAME = "order-alerts";

  private final AlertStore store;

  public AlertsProjection(AlertStore store) {
    this.store = store;
  }

  @Override
  public CompletionStage<Done> process(EventEnvelope<Order.Event> envelope) {
    if (!(envelope.event() instanceof Order.Placed placed) || placed.alerts().isEmpty()) {
      return CompletableFuture.completedFuture(Done.getInstance());
    }
    String tenantId = EntityIds.tenantOf(PersistenceId.extractEntityId(envelope.persistenceId()));
    CompletableFuture<?>[] writes = new CompletableFuture<?>[placed.alerts().size()];
    for (int i = 0; i < writes.length; i++) {
      RuleAlert alert = placed.alerts().get(i);
      writes[i] = store.save(tenantId, new Alert(
          "order:" + placed.orderId() + ":" + alert.rule(), "ORDER_RULE", placed.at(), alert.rule(), alert.message(),
          placed.orderId(), placed.customerId(), null)).toCompletableFuture();
    }
    return CompletableFuture.allOf(writes).thenApply(done -> Done.getInstance());
  }
}
