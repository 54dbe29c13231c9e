package dev.o2c.reports;

import dev.o2c.account.CustomerAccount;
import dev.o2c.infra.EntityIds;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.javadsl.Handler;

/**
 * Keeps the customers' report books from their accounts' events, a group at a time (what queued
 * while the last group was written): each customer's events of the group are applied to its book
 * together, one read and one write per customer whatever their number. At least once: a book
 * applies an event once by its sequence number, so a group delivered again changes nothing.
 */
public final class LedgerReportProjection extends Handler<List<EventEnvelope<CustomerAccount.Event>>> {

  public static final String NAME = "reports-ledger";

  private final ReportStore store;
  private final OrderReportStore orders;
  private final LagRecorder lag;

  public LedgerReportProjection(ReportStore store, OrderReportStore orders, String instance, Clock clock) {
    this.store = store;
    this.orders = orders;
    this.lag = new LagRecorder(store, NAME, instance, clock);
  }

  @Override
  public CompletionStage<Done> process(List<EventEnvelope<CustomerAccount.Event>> envelopes) {
    Map<String, List<EventEnvelope<CustomerAccount.Event>>> byAccount = new LinkedHashMap<>();
    for (EventEnvelope<CustomerAccount.Event> envelope : envelopes) {
      byAccount.computeIfAbsent(envelope.persistenceId(), id -> new ArrayList<>()).add(envelope);
    }
    List<CompletableFuture<Done>> customers = new ArrayList<>();
    for (var entry : byAccount.entrySet()) {
      customers.add(customer(entry.getKey(), entry.getValue()).toCompletableFuture());
    }
    return CompletableFuture.allOf(customers.toArray(CompletableFuture[]::new)).thenCompose(all -> lag.handled(envelopes.stream().map(EventEnvelope::timestamp).toList()));
  }

  private CompletionStage<Done> customer(String persistenceId, List<EventEnvelope<CustomerAccount.Event>> events) {
    String entityId = PersistenceId.extractEntityId(persistenceId);
    String tenantId = EntityIds.tenantOf(entityId);
    String customerId = EntityIds.idOf(entityId);
    Set<String> touched = new LinkedHashSet<>();
    events.forEach(e -> touched.addAll(Book.invoicesTouched(e.event())));
    return store.load(tenantId, customerId, touched).thenCompose(book -> {
      Map<String, OrderReportStore.Flags> handled = new LinkedHashMap<>();
      for (EventEnvelope<CustomerAccount.Event> e : events) {
        book.apply(e.sequenceNr(), e.event(), LocalDate.ofInstant(e.event().at(), ZoneOffset.UTC));
        handWork(e.event(), book, handled);
      }
      long last = events.get(events.size() - 1).sequenceNr();
      if (book.seqNr() > last) {
        // A later group was stored already, with everything after it (a replay, a rebuild's other tenants).
        return CompletableFuture.completedFuture(Done.getInstance());
      }
      // Stored even when every event was applied before: a crash may have come between the book's
      // write and its totals' (they are rewritten from the book, the same rows).
      CompletionStage<Done> saved = store.save(tenantId, customerId, book);
      for (var order : handled.entrySet()) {
        saved = saved.thenCompose(done -> orders.flag(tenantId, order.getKey(), order.getValue()));
      }
      return saved;
    });
  }

  /** The orders whose invoices this event worked on by hand: a manual allocation, a credit note (not straight through). */
  static void handWork(CustomerAccount.Event event, Book book, Map<String, OrderReportStore.Flags> handled) {
    if (event instanceof CustomerAccount.PaymentAllocated e) {
      for (var a : e.allocations()) {
        Book.Invoice invoice = book.invoice(a.invoiceId());
        if (a.rule() == dev.o2c.payment.Rule.MANUAL && invoice != null) {
          handled.merge(invoice.orderId(), new OrderReportStore.Flags(true, false), LedgerReportProjection::either);
        }
      }
    } else if (event instanceof CustomerAccount.CreditNoteIssued e) {
      Book.Invoice invoice = book.invoice(e.invoiceId());
      if (invoice != null) {
        handled.merge(invoice.orderId(), new OrderReportStore.Flags(false, true), LedgerReportProjection::either);
      }
    }
  }

  private static OrderReportStore.Flags either(OrderReportStore.Flags a, OrderReportStore.Flags b) {
    return new OrderReportStore.Flags(a.manualAllocation() || b.manualAllocation(), a.creditNote() || b.creditNote());
  }

}
