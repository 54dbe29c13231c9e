package dev.o2c.account;

import dev.o2c.payment.PaymentEntry;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.Done;

/**
 * Where a customer account keeps the settled invoices and finished payments it no longer holds in
 * its state, whole, as the account last held them. The account stores them here before it
 * persists that they left ({@link CustomerAccount.ItemsArchived}), so whatever left can always be
 * found again; when a command needs one (a chargeback, a cancellation, a credit note), the
 * account loads it and puts it back in the same write as its decision
 * ({@link CustomerAccount.ItemsRestored}). Reads (an invoice, a payment, a statement) find them
 * here without changing the account. Stored items are keyed by id: storing one again overwrites
 * it.
 */
public interface AccountArchive {

  /** Archived items found. */
  record Found(List<Receivable> invoices, List<PaymentEntry> payments) {
    public static final Found NOTHING = new Found(List.of(), List.of());

    public Found {
      invoices = List.copyOf(invoices);
      payments = List.copyOf(payments);
    }

    public boolean isEmpty() {
      return invoices.isEmpty() && payments.isEmpty();
    }
  }

  /** Stores (overwrites) these items of the customer; completes when they are durable. */
  CompletionStage<Done> store(String tenantId, String customerId, List<Receivable> invoices, List<PaymentEntry> payments);

  /** The archived items of these ids (those it has). */
  CompletionStage<Found> load(String tenantId, String customerId, Set<String> invoiceIds, Set<String> paymentIds);

  /** The archived payments received from {@code from} to {@code to}, both included (for a statement). */
  CompletionStage<List<PaymentEntry>> paymentsReceived(String tenantId, String customerId, LocalDate from, LocalDate to);

  /** An archive in memory (tests, and a server without Cassandra). */
  static AccountArchive inMemory() {
    Map<String, Receivable> invoices = new ConcurrentHashMap<>();
    Map<String, PaymentEntry> payments = new ConcurrentHashMap<>();
    return new AccountArchive() {
      @Override
      public CompletionStage<Done> store(String tenantId, String customerId, List<Receivable> in, List<PaymentEntry> ps) {
        in.forEach(r -> invoices.put(tenantId + "|" + customerId + "|" + r.invoiceId(), r));
        ps.forEach(p -> payments.put(tenantId + "|" + customerId + "|" + p.paymentId(), p));
        return CompletableFuture.completedFuture(Done.getInstance());
      }

      @Override
      public CompletionStage<Found> load(String tenantId, String customerId, Set<String> invoiceIds, Set<String> paymentIds) {
        List<Receivable> foundInvoices = new ArrayList<>();
        List<PaymentEntry> foundPayments = new ArrayList<>();
        invoiceIds.forEach(id -> {
          Receivable r = invoices.get(tenantId + "|" + customerId + "|" + id);
          if (r != null) {
            foundInvoices.add(r);
          }
        });
        paymentIds.forEach(id -> {
          PaymentEntry p = payments.get(tenantId + "|" + customerId + "|" + id);
          if (p != null) {
            foundPayments.add(p);
          }
        });
        return CompletableFuture.completedFuture(new Found(foundInvoices, foundPayments));
      }

      @Override
      public CompletionStage<List<PaymentEntry>> paymentsReceived(String tenantId, String customerId, LocalDate from, LocalDate to) {
        String prefix = tenantId + "|" + customerId + "|";
        List<PaymentEntry> found = payments.entrySet().stream()
            .filter(e -> e.getKey().startsWith(prefix))
            .map(Map.Entry::getValue)
            .filter(p -> !p.receivedOn().isBefore(from) && !p.receivedOn().isAfter(to))
            .toList();
        return CompletableFuture.completedFuture(found);
      }
    };
  }
}
