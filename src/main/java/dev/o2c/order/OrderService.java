package dev.o2c.order;

import dev.o2c.infra.EntityIds;
import dev.o2c.tenancy.Caller;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/**
 * The orders of the cluster as the HTTP routes (single and batch) use them: every call reaches
 * the caller's tenant's order entity through Cluster Sharding, asked with a timeout.
 */
public final class OrderService {

  /** The scope of order ids made from Idempotency-Keys. */
  static final String KEY_SCOPE = "orders";

  private final ClusterSharding sharding;
  private final Duration askTimeout;

  public OrderService(ActorSystem<?> system, Duration askTimeout) {
    this.sharding = ClusterSharding.get(system);
    this.askTimeout = askTimeout;
  }

  /**
   * Places an order. With an Idempotency-Key the order's id is made from the tenant and the key,
   * so a retry reaches the same entity; without one the order gets a random id.
   */
  public CompletionStage<OrderResult> place(Caller caller, NewOrder order, String idempotencyKey) {
    String orderId = idempotencyKey == null
        ? EntityIds.random("ord")
        : EntityIds.derived("ord", caller.tenantId(), KEY_SCOPE, idempotencyKey);
    return ask(caller.tenantId(), orderId, replyTo -> new Order.Place(order, idempotencyKey, caller.by(), replyTo));
  }

  public CompletionStage<OrderResult> ask(
      String tenantId, String orderId, Function<ActorRef<OrderResult>, Order.Command> command) {
    return ref(tenantId, orderId).ask(command::apply, askTimeout);
  }

  private EntityRef<Order.Command> ref(String tenantId, String orderId) {
    return sharding.entityRefFor(Order.KEY, EntityIds.entityId(tenantId, orderId));
  }
}
