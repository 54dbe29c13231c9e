package dev.o2c.account;

import dev.o2c.infra.EntityIds;
import dev.o2c.invoice.DunningAccounts;
import dev.o2c.order.LedgerAnswer;
import dev.o2c.order.OrderLedger;
import dev.o2c.order.PlacementRequest;
import java.time.Duration;
import java.time.LocalDate;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/** The customer accounts of the cluster as orders and the dunning run reach them, through Cluster Sharding. */
public final class ShardedOrderLedger implements OrderLedger, DunningAccounts {

  private final ClusterSharding sharding;
  private final Duration timeout;

  public ShardedOrderLedger(ActorSystem<?> system, Duration timeout) {
    this.sharding = ClusterSharding.get(system);
    this.timeout = timeout;
  }

  @Override
  public CompletionStage<LedgerAnswer> place(String tenantId, PlacementRequest request) {
    return account(tenantId, request.customerId()).ask(replyTo -> new CustomerAccount.PlaceOrder(request, replyTo), timeout);
  }

  @Override
  public CompletionStage<LedgerAnswer> change(String tenantId, String customerId, String orderId, Change change, String reason, String by) {
    return account(tenantId, customerId).ask(replyTo -> new CustomerAccount.ChangeOrder(orderId, change, reason, by, replyTo), timeout);
  }

  @Override
  public void recorded(String tenantId, String customerId, String orderId) {
    account(tenantId, customerId).tell(new CustomerAccount.PlacementRecorded(orderId));
  }

  @Override
  public CompletionStage<LocalDate> run(String tenantId, String customerId, LocalDate today) {
    return account(tenantId, customerId)
        .<CustomerAccount.DunningRun>ask(replyTo -> new CustomerAccount.RunDunning(today, replyTo), timeout)
        .thenApply(CustomerAccount.DunningRun::nextOn);
  }

  private EntityRef<CustomerAccount.Command> account(String tenantId, String customerId) {
    return sharding.entityRefFor(CustomerAccount.KEY, EntityIds.entityId(tenantId, customerId));
  }
}
