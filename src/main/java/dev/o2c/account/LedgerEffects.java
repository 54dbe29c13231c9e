package dev.o2c.account;

import dev.o2c.order.LedgerAnswer;
import dev.o2c.order.PlacementRequest;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;

/**
 * What a customer account does outside itself: after a write it tells the others directly
 * (the ledger projection repeats it at least once, as the backstop); it takes invoice numbers;
 * and it heals orders that lost their record. An interface so that the account's tests can do
 * without the rest of the cluster.
 */
public interface LedgerEffects {

  /**
   * After a durable write: index the references of new invoices (completes when they are stored),
   * tell orders their payment status and payments what the account did to them.
   */
  CompletionStage<Done> written(String tenantId, String customerId, List<CustomerAccount.Event> events, CustomerState after);

  /**
   * Index the references of the new invoices among {@code events} — started as the write of those
   * events is, so that the two go on at the same time; the answers wait for both. A write that then
   * fails leaves index rows naming a number no one was ever told, and nothing else.
   */
  default CompletionStage<Done> index(String tenantId, String customerId, List<CustomerAccount.Event> events) {
    return CompletableFuture.completedFuture(Done.getInstance());
  }

  /** After a durable write whose references {@link #index} is storing ({@code indexed}): everything else of {@link #written}. */
  default CompletionStage<Done> written(
      String tenantId, String customerId, List<CustomerAccount.Event> events, CustomerState after, CompletionStage<Done> indexed) {
    return indexed.thenCompose(done -> written(tenantId, customerId, events, after));
  }

  /** {@code count} numbers of the tenant's series {@code <prefix>-<year>}, increasing. */
  CompletionStage<List<String>> numbers(String tenantId, String prefix, int year, int count);

  /** Whether the order has stored its own record of its placement. */
  CompletionStage<Boolean> orderRecorded(String tenantId, String orderId);

  /** Give an order back the placement it lost. */
  void restoreOrder(String tenantId, PlacementRequest request, LedgerAnswer.Accepted answer);

  /** Effects of nothing (tests of the account alone): numbers counted from 1 per series. */
  static LedgerEffects none() {
    java.util.Map<String, Long> counters = new java.util.concurrent.ConcurrentHashMap<>();
    return new LedgerEffects() {
      @Override
      public CompletionStage<Done> written(String tenantId, String customerId, List<CustomerAccount.Event> events, CustomerState after) {
        return CompletableFuture.completedFuture(Done.getInstance());
      }

      @Override
      public CompletionStage<List<String>> numbers(String tenantId, String prefix, int year, int count) {
        List<String> taken = new java.util.ArrayList<>();
        for (int i = 0; i < count; i++) {
          long next = counters.merge(tenantId + "|" + prefix + "|" + year, 1L, Long::sum);
          taken.add(dev.o2c.invoice.InvoiceNumbers.format(prefix, year, next));
        }
        return CompletableFuture.completedFuture(taken);
      }

      @Override
      public CompletionStage<Boolean> orderRecorded(String tenantId, String orderId) {
        return CompletableFuture.completedFuture(true);
      }

      @Override
      public void restoreOrder(String tenantId, PlacementRequest request, LedgerAnswer.Accepted answer) {}
    };
  }
}
