package dev.o2c.payment;

import dev.o2c.infra.EntityIds;
import dev.o2c.infra.Rejection;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.javadsl.Handler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finishes and indexes payments, at least once: on every payment event it asks the payment to
 * heal (a payment received for a customer whose account never applied it — a crash, a timeout —
 * is applied now; the account applies a payment once, whoever asks), then rewrites the
 * payment's rows in the read models as it is now.
 */
public final class PaymentsProjection extends Handler<EventEnvelope<Payment.Event>> {

  public static final String NAME = "payments";

  private static final Logger LOG = LoggerFactory.getLogger(PaymentsProjection.class);

  private final ClusterSharding sharding;
  private final PaymentStore store;
  private final Duration timeout;

  public PaymentsProjection(ActorSystem<?> system, PaymentStore store, Duration timeout) {
    this.sharding = ClusterSharding.get(system);
    this.store = store;
    this.timeout = timeout;
  }

  @Override
  public CompletionStage<Done> process(EventEnvelope<Payment.Event> envelope) {
    String paymentEntityId = PersistenceId.extractEntityId(envelope.persistenceId());
    String tenantId = EntityIds.tenantOf(paymentEntityId);
    var payment = sharding.entityRefFor(Payment.KEY, paymentEntityId);
    return payment.<PaymentResult>ask(Payment.Heal::new, timeout)
        .thenCompose(healed -> {
          if (healed instanceof PaymentResult.Failed failed) {
            if (failed.rejection().kind() == Rejection.Kind.UNAVAILABLE) {
              // The account did not answer: try again (the projection restarts with backoff).
              throw new IllegalStateException("Payment " + paymentEntityId + " could not be applied yet: " + failed.rejection());
            }
            LOG.error("Payment {} could not be applied: {}", paymentEntityId, failed.rejection());
            return payment.<PaymentResult>ask(Payment.Get::new, timeout);
          }
          return java.util.concurrent.CompletableFuture.completedFuture(healed);
        })
        .thenCompose(current -> {
          if (!(current instanceof PaymentResult.Ok ok)) {
            throw new IllegalStateException("Payment " + paymentEntityId + " could not be read: " + current);
          }
          return store.save(tenantId, PaymentStore.Summary.of(ok.payment()));
        });
  }
}
