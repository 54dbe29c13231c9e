package dev.o2c.account;

import dev.o2c.infra.EntityIds;
import dev.o2c.invoice.Invoice;
import dev.o2c.invoice.InvoiceChange;
import dev.o2c.invoice.InvoiceResult;
import dev.o2c.payment.ChosenAllocation;
import dev.o2c.payment.PaymentAccounts;
import dev.o2c.payment.PaymentLedgerResult;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The customer accounts of the cluster as payments use them. After the account has decided, the
 * applications it made are recorded on their invoices before the answer goes back, so that a read
 * of an invoice right after a payment shows it. That recording is a courtesy: should it fail, the
 * ledger projection records the same applications (by the same ids) moments later.
 */
public final class ShardedPaymentAccounts implements PaymentAccounts {

  private static final Logger LOG = LoggerFactory.getLogger(ShardedPaymentAccounts.class);

  /** How long recording on invoices may hold up an answer (the projection does it anyway). */
  private static final Duration RECORD_TIMEOUT = Duration.ofSeconds(1);

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
    return sharding.entityRefFor(CustomerAccount.KEY, EntityIds.entityId(tenantId, customerId))
        .ask(command::apply, timeout)
        .thenCompose(answer -> answer instanceof PaymentLedgerResult.Ok ok && !ok.changes().isEmpty()
            ? record(tenantId, ok.changes()).thenApply(recorded -> answer)
            : CompletableFuture.completedFuture(answer));
  }

  /** Records the changes on their invoices, all at once; a failure is logged, not passed on. */
  private CompletionStage<Void> record(String tenantId, List<InvoiceChange> changes) {
    CompletableFuture<?>[] all = changes.stream()
        .map(change -> sharding.entityRefFor(Invoice.KEY, EntityIds.entityId(tenantId, change.invoiceId()))
            .<InvoiceResult>ask(replyTo -> new Invoice.RecordApplication(change.application(), replyTo), RECORD_TIMEOUT)
            .toCompletableFuture())
        .toArray(CompletableFuture[]::new);
    return CompletableFuture.allOf(all).handle((done, failure) -> {
      if (failure != null) {
        LOG.info("Recording payment applications on invoices of tenant {} is left to the ledger projection: {}", tenantId,
            failure.toString());
      }
      return null;
    });
  }
}
