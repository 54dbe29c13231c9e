package dev.o2c.account;

import dev.o2c.account.CustomerAccount.Event;
import dev.o2c.account.CustomerAccount.InvoiceIssued;
import dev.o2c.infra.EntityIds;
import dev.o2c.invoice.InvoiceChange;
import dev.o2c.invoice.InvoiceNumbers;
import dev.o2c.invoice.InvoiceStatus;
import dev.o2c.invoice.InvoiceStore;
import dev.o2c.order.LedgerAnswer;
import dev.o2c.order.Order;
import dev.o2c.order.PaymentStatus;
import dev.o2c.order.PlacementRequest;
import dev.o2c.payment.Payment;
import dev.o2c.payment.PaymentEntry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

/**
 * What accounts do outside themselves, in the cluster: invoice references into their read model,
 * payment statuses onto orders, outcomes onto payments (all told directly; the ledger projection
 * repeats them), invoice numbers from the node's number blocks, and healing of orders.
 */
public final class ShardedLedgerEffects implements LedgerEffects {

  private final ActorSystem<?> system;
  private final ClusterSharding sharding;
  private final InvoiceStore invoices;
  private final InvoiceNumbers numbers;
  private final BiConsumer<String, List<String>> referencesAppeared;
  private final Duration timeout;

  /**
   * @param referencesAppeared told the tenant and the names (number, order id, external
   *     reference) of each new invoice: payments waiting for a customer may name them
   */
  public ShardedLedgerEffects(
      ActorSystem<?> system, InvoiceStore invoices, InvoiceNumbers numbers, BiConsumer<String, List<String>> referencesAppeared,
      Duration timeout) {
    this.system = system;
    this.sharding = ClusterSharding.get(system);
    this.invoices = invoices;
    this.numbers = numbers;
    this.referencesAppeared = referencesAppeared;
    this.timeout = timeout;
  }

  @Override
  public CompletionStage<Done> written(String tenantId, String customerId, List<Event> events, CustomerState after) {
    return written(tenantId, customerId, events, after, index(tenantId, customerId, events));
  }

  @Override
  public CompletionStage<Done> index(String tenantId, String customerId, List<Event> events) {
    List<CompletableFuture<Done>> indexed = new ArrayList<>();
    for (Event event : events) {
      if (event instanceof InvoiceIssued e) {
        indexed.add(invoices.saveReferences(tenantId, e.invoiceId(), customerId,
            InvoiceStore.namesOf(e.invoiceNumber(), e.externalReference())).toCompletableFuture());
      }
    }
    return CompletableFuture.allOf(indexed.toArray(CompletableFuture[]::new)).thenApply(x -> Done.getInstance());
  }

  @Override
  public CompletionStage<Done> written(
      String tenantId, String customerId, List<Event> events, CustomerState after, CompletionStage<Done> indexed) {
    List<String> names = new ArrayList<>();
    events.forEach(event -> names.addAll(LedgerEvents.namesAppeared(event, events)));
    if (!names.isEmpty()) {
      // Once the references are indexed: a payment waiting for one of these names is attributed by them.
      indexed.whenComplete((done, failure) -> referencesAppeared.accept(tenantId, names));
    }
    Set<String> changed = new LinkedHashSet<>();
    events.forEach(event -> InvoiceChanges.of(event).forEach(change -> changed.add(change.invoiceId())));
    for (String invoiceId : touchedInvoices(events)) {
      Receivable r = after.invoice(invoiceId);
      // A new invoice nothing was applied to leaves its order UNPAID, as the order starts: nothing to tell.
      if (r != null && (changed.contains(invoiceId) || r.voided() || paymentStatus(r) != PaymentStatus.UNPAID)) {
        sharding.entityRefFor(Order.KEY, EntityIds.entityId(tenantId, r.orderId()))
            .tell(new Order.RecordPaymentStatus(paymentStatus(r), system.ignoreRef()));
      }
    }
    for (String paymentId : LedgerEvents.paymentsChangedByTheAccount(events)) {
      PaymentEntry entry = after.payments().get(paymentId);
      if (entry != null) {
        sharding.entityRefFor(Payment.KEY, EntityIds.entityId(tenantId, paymentId))
            .tell(new Payment.RecordOutcome(customerId, entry, system.ignoreRef()));
      }
    }
    return indexed;
  }

  /** The invoices whose payments may have changed: every application, every new or void invoice. */
  static Set<String> touchedInvoices(List<Event> events) {
    Set<String> touched = new LinkedHashSet<>();
    for (Event event : events) {
      if (event instanceof InvoiceIssued e) {
        touched.add(e.invoiceId());
      } else if (event instanceof CustomerAccount.InvoiceVoided e) {
        touched.add(e.invoiceId());
      }
      for (InvoiceChange change : InvoiceChanges.of(event)) {
        touched.add(change.invoiceId());
      }
    }
    return touched;
  }

  /**
   * The order's payment status: what has been paid on its invoice. Nothing paid is UNPAID even
   * when credit notes settled the invoice (a cancelled order's, say); paid with nothing left owed
   * is PAID; anything between is PARTIALLY_PAID.
   */
  public static PaymentStatus paymentStatus(InvoiceStatus status, java.math.BigDecimal paid, java.math.BigDecimal balance) {
    if (status == InvoiceStatus.VOID || paid.signum() == 0) {
      return PaymentStatus.UNPAID;
    }
    return balance.signum() == 0 ? PaymentStatus.PAID : PaymentStatus.PARTIALLY_PAID;
  }

  static PaymentStatus paymentStatus(Receivable r) {
    return paymentStatus(r.status(), r.paid(), r.balance());
  }

  /** The same, of an invoice as the API shows it. */
  public static PaymentStatus paymentStatus(dev.o2c.invoice.InvoiceView v) {
    return paymentStatus(v.status(), v.amountPaid(), v.balance());
  }

  @Override
  public CompletionStage<List<String>> numbers(String tenantId, String prefix, int year, int count) {
    // One after the other: the node's cache hands numbers out in the order asked, so they increase.
    CompletionStage<List<String>> all = CompletableFuture.completedFuture(new ArrayList<>());
    for (int i = 0; i < count; i++) {
      all = all.thenCompose(taken -> numbers.next(tenantId, prefix, year).thenApply(number -> {
        taken.add(number);
        return taken;
      }));
    }
    return all;
  }

  @Override
  public CompletionStage<Boolean> orderRecorded(String tenantId, String orderId) {
    return sharding.entityRefFor(Order.KEY, EntityIds.entityId(tenantId, orderId)).ask(Order.IsRecorded::new, timeout);
  }

  @Override
  public void restoreOrder(String tenantId, PlacementRequest request, LedgerAnswer.Accepted answer) {
    sharding.entityRefFor(Order.KEY, EntityIds.entityId(tenantId, request.orderId()))
        .tell(new Order.Restore(request, answer, system.ignoreRef()));
  }
}
