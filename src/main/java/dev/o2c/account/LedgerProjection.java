package dev.o2c.account;

import dev.o2c.infra.BusinessClock;
import dev.o2c.infra.EntityIds;
import dev.o2c.invoice.InvoiceChange;
import dev.o2c.invoice.DunningSchedule;
import dev.o2c.invoice.Invoice;
import dev.o2c.invoice.InvoiceResult;
import dev.o2c.invoice.InvoicingSettings;
import dev.o2c.payment.Payment;
import dev.o2c.payment.PaymentLedgerResult;
import dev.o2c.reporting.Alert;
import dev.o2c.reporting.AlertStore;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.javadsl.Handler;

/**
 * Carries the ledger's decisions out of the customer's account, at least once: each payment
 * application, write-off, credit note, void and dunning step onto the invoice it concerns (which
 * records it once, by its id); each change of a payment the payment itself did not ask for (an
 * automatic application, a refund) onto the payment; each dunning step as an alert; and each new
 * receivable, and each invoice that owes again, into the dunning schedule.
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
    if (event instanceof CustomerAccount.PaymentApplied || event instanceof CustomerAccount.CreditNoteIssued
        || event instanceof CustomerAccount.AccountCreditApplied) {
      return record(tenantId, InvoiceChanges.of(event));
    }
    if (event instanceof CustomerAccount.PaymentAllocated e) {
      return record(tenantId, InvoiceChanges.of(event)).thenCompose(done -> mirror(tenantId, customerId, List.of(e.paymentId())));
    }
    if (event instanceof CustomerAccount.PaymentUnallocated e) {
      // The invoice owes again: dunning looks at the customer from today.
      return record(tenantId, InvoiceChanges.of(event))
          .thenCompose(done -> mirror(tenantId, customerId, List.of(e.paymentId())))
          .thenCompose(done -> schedule.schedule(new DunningSchedule.Entry(clock.today(), tenantId, customerId)));
    }
    if (event instanceof CustomerAccount.PaymentReversed e) {
      return record(tenantId, InvoiceChanges.of(event))
          .thenCompose(done -> mirror(tenantId, customerId, List.of(e.paymentId())))
          .thenCompose(done -> schedule.schedule(new DunningSchedule.Entry(clock.today(), tenantId, customerId)));
    }
    if (event instanceof CustomerAccount.RefundIssued e) {
      return mirror(tenantId, customerId, e.sources().stream().map(CustomerAccount.RefundSource::paymentId).toList());
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

  /** Records each change on its invoice, one after the other. */
  private CompletionStage<Done> record(String tenantId, List<InvoiceChange> changes) {
    CompletionStage<Done> all = done();
    for (InvoiceChange change : changes) {
      all = all.thenCompose(done ->
          invoice(tenantId, change.invoiceId(), replyTo -> new Invoice.RecordApplication(change.application(), replyTo)));
    }
    return all;
  }

  /** Each payment, as the account holds it now, onto its payment entity (which keeps the newest). */
  private CompletionStage<Done> mirror(String tenantId, String customerId, List<String> paymentIds) {
    CompletionStage<Done> all = done();
    for (String paymentId : paymentIds) {
      all = all.thenCompose(done -> sharding.entityRefFor(CustomerAccount.KEY, EntityIds.entityId(tenantId, customerId))
          .<PaymentLedgerResult>ask(replyTo -> new CustomerAccount.GetPayment(paymentId, replyTo), timeout)
          .thenCompose(answer -> {
            if (!(answer instanceof PaymentLedgerResult.Ok ok)) {
              throw new IllegalStateException("Payment " + paymentId + " is not on the account of " + customerId + ": " + answer);
            }
            return sharding.entityRefFor(Payment.KEY, EntityIds.entityId(tenantId, paymentId))
                .<Done>ask(replyTo -> new Payment.RecordOutcome(customerId, ok.payment(), replyTo), timeout);
          }));
    }
    return all;
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
