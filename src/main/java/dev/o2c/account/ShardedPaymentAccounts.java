package dev.o2c.account;

import dev.o2c.infra.EntityIds;
import dev.o2c.payment.ChosenAllocation;
import dev.o2c.payment.PaymentAccounts;
import dev.o2c.payment.PaymentLedgerResult;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * The customer accounts of the cluster as payments use them. The account is the ledger: what it
 * decides about a payment is on its invoices as soon as it answers.
 */
public final class ShardedPaymentAccounts implements PaymentAccounts {

  private final ClusterSharding sharding;
  private final Duration timeout;

  public ShardedPaymentAccounts(ActorSystem<?> system, Duration timeout) {
    this.sharding = ClusterSharding.get(system);
    this.timeout = timeout;
  }

  @Override
  public CompletionStage<PaymentLedgerResult> apply(String tenantId, String customerId, Received p) {
    return ask(tenantId, customerId, replyTo -> new CustomerAccount.ApplyPayment(
        p.paymentId(), p.amount(), p.currency(), p.receivedOn(), p.remittanceInfo(), p.bankReference(), replyTo));
  }

  @Override
  public CompletionStage<PaymentLedgerResult> allocate(
      String tenantId, String customerId, Received p, List<ChosenAllocation> allocations, String by) {
    return ask(tenantId, customerId, replyTo -> new CustomerAccount.AllocatePayment(
        p.paymentId(), p.amount(), p.currency(), p.receivedOn(), allocations, by, replyTo));
  }

  @Override
  public CompletionStage<PaymentLedgerResult> unallocate(String tenantId, String customerId, String paymentId, String invoiceId, String by) {
    return ask(tenantId, customerId, replyTo -> new CustomerAccount.UnallocatePayment(paymentId, invoiceId, by, replyTo));
  }

  @Override
  public CompletionStage<PaymentLedgerResult> reverse(String tenantId, String customerId, String paymentId, String reason, String by) {
    return ask(tenantId, customerId, replyTo -> new CustomerAccount.ReversePayment(paymentId, reason, by, replyTo));
  }

  @Override
  public CompletionStage<PaymentLedgerResult> checkPayer(String tenantId, String customerId, String currency) {
    return sharding.entityRefFor(CustomerAccount.KEY, EntityIds.entityId(tenantId, customerId))
        .ask(replyTo -> new CustomerAccount.CheckPayer(currency, replyTo), timeout);
  }

  private CompletionStage<PaymentLedgerResult> ask(
      String tenantId, String customerId, Function<ActorRef<PaymentLedgerResult>, CustomerAccount.Command> command) {
    return sharding.entityRefFor(CustomerAccount.KEY, EntityIds.entityId(tenantId, customerId)).ask(command::apply, timeout);
  }
}
