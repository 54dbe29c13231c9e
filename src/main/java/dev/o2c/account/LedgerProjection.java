package dev.o2c.account;

import dev.o2c.infra.BusinessClock;
import dev.o2c.infra.EntityIds;
import dev.o2c.invoice.Application;
import dev.o2c.invoice.DunningSchedule;
import dev.o2c.invoice.Invoice;
import dev.o2c.invoice.InvoiceResult;
import dev.o2c.invoice.InvoicingSettings;
import dev.o2c.reporting.Alert;
import dev.o2c.reporting.AlertStore;
import java.time.Duration;
import java.time.LocalDate;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.javadsl.Handler;

/**
 * Carries the ledger's decisions out of the customer's account, at least once: each credit note,
 * void and dunning step onto the invoice it concerns (which records it once), each dunning step
 * as an alert, and each new receivable into the dunning schedule.
 */
public final class LedgerProjection extends Handler<EventEnvelope<CustomerAccount.Event>> {

  public static final String NAME = "account-ledger";

  private final ClusterSharding sharding;
  private final AlertStore alerts;
  private final DunningSchedule schedule;
  private final InvoicingSettings settings;
  private final BusinessClock clock;
  private final Duration timeout;

  public LedgerProjection(
      ActorSystem<?> system, AlertStore alerts, DunningSchedule schedule, InvoicingSettings settings, BusinessClock clock,
      Duration timeout) {
    this.sharding = ClusterSharding.get(system);
    this.alerts = alerts;
    this.schedule = schedule;
    this.settings = settings;
    this.clock = clock;
    this.timeout = timeout;
  }

  @Override
  public CompletionStage<Done> process(EventEnvelope<CustomerAccount.Event> envelope) {
    String accountEntityId = PersistenceId.extractEntityId(envelope.persistenceId());
    String tenantId = EntityIds.tenantOf(accountEntityId);
    String customerId = EntityIds.idOf(accountEntityId);
    CustomerAccount.Event event = envelope.event();
    if (event instanceof CustomerAccount.ReceivableRecorded e) {
      return scheduleDunning(tenantId, customerId, e.dueOn());
    }
    if (event instanceof CustomerAccount.CreditNoteIssued e) {
      if (e.appliedToInvoice().signum() == 0) {
        return done();
      }
      Application credit = new Application(
          e.creditNoteId(), Application.Kind.CREDIT_NOTE, e.appliedToInvoice(), e.creditNoteId(), null, e.reason(), e.at());
      return invoice(tenantId, e.invoiceId(), replyTo -> new Invoice.RecordApplication(credit, replyTo));
    }
    if (event instanceof CustomerAccount.InvoiceVoided e) {
      return invoice(tenantId, e.invoiceId(), replyTo -> new Invoice.RecordVoid(e.reason(), e.by(), e.at(), replyTo));
    }
    if (event instanceof CustomerAccount.DunningLevelRaised e) {
      Alert alert = new Alert("dunning:" + e.invoiceId() + ":" + e.level(), "DUNNING", e.at(), e.level().name(),
          "Invoice " + e.invoiceNumber() + " is " + e.daysOverdue() + (e.daysOverdue() == 1 ? " day" : " days") + " overdue: " + e.level()
              + (e.creditHold() ? "; the customer is on credit hold until it is settled." : "."),
          null, customerId, e.invoiceId());
      return alerts.save(tenantId, alert)
          .thenCompose(saved -> invoice(tenantId, e.invoiceId(),
              replyTo -> new Invoice.RecordDunning(e.level(), e.daysOverdue(), e.at(), replyTo)));
    }
    return done();
  }

  /** The customer is looked at on the invoice's first dunning day (today, if that has passed). */
  private CompletionStage<Done> scheduleDunning(String tenantId, String customerId, LocalDate dueOn) {
    var first = settings.tenant(tenantId).nextStep(dev.o2c.invoice.DunningLevel.NONE);
    if (first == null) {
      return done();
    }
    LocalDate day = dueOn.plusDays(first.daysOverdue());
    LocalDate today = clock.today();
    return schedule.schedule(new DunningSchedule.Entry(day.isBefore(today) ? today : day, tenantId, customerId));
  }

  private CompletionStage<Done> invoice(
      String tenantId, String invoiceId,
      org.apache.pekko.japi.function.Function<org.apache.pekko.actor.typed.ActorRef<InvoiceResult>, Invoice.Command> command) {
    return sharding.entityRefFor(Invoice.KEY, EntityIds.entityId(tenantId, invoiceId))
        .ask(command, timeout)
        .thenApply(result -> {
          if (result instanceof InvoiceResult.Failed failed) {
            throw new IllegalStateException("Invoice " + invoiceId + " did not record the change: " + failed.rejection());
          }
          return Done.getInstance();
        });
  }

  private static CompletionStage<Done> done() {
    return CompletableFuture.completedFuture(Done.getInstance());
  }
}
