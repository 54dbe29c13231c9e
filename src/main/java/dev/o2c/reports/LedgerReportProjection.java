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
      long last = events.get(events.size() - 1).sequenceNr();
      if (book.seqNr() > last) {
        // A later group was stored already, with everything after it (a replay, a rebuild's other tenants).
        return CompletableFuture.completedFuture(Done.getInstance());
      }
      Map<String, OrderReportStore.Flags> handled = new LinkedHashMap<>();
      // The events of each day are applied and stored before the next day's: a day's rows (its
      // totals at the end, its flows) are written for every day, also when a group holds several
      // (a replay, a rebuild, a projection catching up). The last day's is stored even when every
      // event was applied before: a crash may have come between the book's write and its totals'
      // (they are rewritten from the book, the same rows).
      CompletionStage<Done> saved = CompletableFuture.completedFuture(Done.getInstance());
      List<List<EventEnvelope<CustomerAccount.Event>>> days = byDay(events);
      for (int i = 0; i < days.size(); i++) {
        List<EventEnvelope<CustomerAccount.Event>> day = days.get(i);
        boolean lastDay = i == days.size() - 1;
        saved = saved.thenCompose(done -> {
          boolean applied = false;
          for (EventEnvelope<CustomerAccount.Event> e : day) {
            applied |= book.apply(e.sequenceNr(), e.event(), dayOf(e));
            handWork(e.event(), book, handled);
          }
          return applied || lastDay ? store.save(tenantId, customerId, book) : CompletableFuture.completedFuture(Done.getInstance());
        });
      }
      return saved.thenCompose(done -> {
        CompletionStage<Done> flagged = CompletableFuture.completedFuture(done);
        for (var order : handled.entrySet()) {
          flagged = flagged.thenCompose(d -> orders.flag(tenantId, order.getKey(), order.getValue()));
        }
        return flagged;
      });
    });
  }

  private static LocalDate dayOf(EventEnvelope<CustomerAccount.Event> e) {
    return LocalDate.ofInstant(e.event().at(), ZoneOffset.UTC);
  }

  /** One account's events in runs of one day each: a new run where an event's day is after every day before it. */
  static List<List<EventEnvelope<CustomerAccount.Event>>> byDay(List<EventEnvelope<CustomerAccount.Event>> events) {
    List<List<EventEnvelope<CustomerAccount.Event>>> runs = new ArrayList<>();
    LocalDate latest = null;
    for (EventEnvelope<CustomerAccount.Event> e : events) {
      LocalDate day = dayOf(e);
      if (latest == null || day.isAfter(latest)) {
        runs.add(new ArrayList<>());
        latest = day;
      }
      runs.get(runs.size() - 1).add(e);
    }
    return runs;
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
