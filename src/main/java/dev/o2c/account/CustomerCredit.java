package dev.o2c.account;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import dev.o2c.infra.EntityIds;

/** How an order asks its customer's account for credit (through Cluster Sharding). */
public interface CustomerCredit {

  /** Reserve credit for the order (see {@link CustomerAccount.ReserveCredit}). */
  CompletionStage<CreditDecision> reserve(
      String tenantId, String customerId, String orderId, BigDecimal amount, String currency, boolean override, String by);

  /** Say without reserving whether an order of this amount would be held. */
  CompletionStage<CreditDecision> check(String tenantId, String customerId, BigDecimal amount, String currency);

  /** The accounts of the cluster, asked with the given timeout. */
  static CustomerCredit sharded(ActorSystem<?> system, Duration timeout) {
    ClusterSharding sharding = ClusterSharding.get(system);
    return new CustomerCredit() {
      @Override
      public CompletionStage<CreditDecision> reserve(
          String tenantId, String customerId, String orderId, BigDecimal amount, String currency, boolean override, String by) {
        return sharding.entityRefFor(CustomerAccount.KEY, EntityIds.entityId(tenantId, customerId))
            .ask(replyTo -> new CustomerAccount.ReserveCredit(orderId, amount, currency, override, by, replyTo), timeout);
      }

      @Override
      public CompletionStage<CreditDecision> check(String tenantId, String customerId, BigDecimal amount, String currency) {
        return sharding.entityRefFor(CustomerAccount.KEY, EntityIds.entityId(tenantId, customerId))
            .ask(replyTo -> new CustomerAccount.CheckCredit(amount, currency, replyTo), timeout);
      }
    };
  }
}
