package dev.o2c.account;

import dev.o2c.infra.BusinessClock;
import dev.o2c.infra.EntityIds;
import dev.o2c.invoice.DunningLevel;
import dev.o2c.invoice.DunningSchedule;
import dev.o2c.invoice.InvoiceResult;
import dev.o2c.invoice.InvoiceStore;
import dev.o2c.invoice.InvoicingSettings;
import dev.o2c.order.Order;
import dev.o2c.order.OrderResult;
import dev.o2c.order.OrderStatus;
import dev.o2c.order.RuleAlert;
import dev.o2c.payment.Payment;
import dev.o2c.payment.PaymentLedgerResult;
import dev.o2c.reporting.Alert;
import dev.o2c.reporting.AlertStore;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.javadsl.Handler;

/**
 * Feeds the read models from the customer's account (the ledger), at least once, off the request
 * path: each invoice's row in its customer's lists, as the account holds it now (keyed upserts);
 * the alerts of rules, failed invoicing and dunning steps; the dunning schedule. It is also the
 * backstop of what the account tells directly after each write — invoice references, orders'
 * payment statuses, payments' records of what the account did to them — so nothing is lost when a
 * direct message is.
 */
public final class LedgerProjection extends Handler<EventEnvelope<CustomerAccount.Event>> {

  public static final String NAME = "account-ledger";

  private final ActorSystem<?> system;
  private final ClusterSharding sharding;
  private final InvoiceStore invoices;
  private final AlertStore alerts;
  private final DunningSchedule schedule;
  private final InvoicingSettings settings;
  private final BusinessClock clock;
  private final BiConsumer<String, List<String>> referencesAppeared;
  private final Duration timeout;

  public LedgerProjection(
      ActorSystem<?> system, InvoiceStore invoices, AlertStore alerts, DunningSchedule schedule, InvoicingSettings settings,
      BusinessClock clock, BiConsumer<String, List<String>> referencesAppeared, Duration timeout) {
    this.system = system;
    this.sharding = ClusterSharding.get(system);
    this.invoices = invoices;
    this.alerts = alerts;
    this.schedule = schedule;
    this.settings = settings;
    this.clock = clock;
    this.referencesAppeared = referencesAppeared;
    this.timeout = timeout;
  }

  @Override
  public CompletionStage<Done> process(EventEnvelope<CustomerAccount.Event> envelope) {
    String accountEntityId = PersistenceId.extractEntityId(envelope.persistenceId());
    String tenantId = EntityIds.tenantOf(accountEntityId);
    String customerId = EntityIds.idOf(accountEntityId);
    CustomerAccount.Event event = envelope.event();
    CompletionStage<Done> first = done();
    if (event instanceof CustomerAccount.OrderAccepted e) {
      List<String> names = LedgerEvents.namesAppeared(e, List.of(e));
      first = ruleAlerts(tenantId, customerId, e).thenApply(saved -> {
        if (e.status() == OrderStatus.ON_HOLD && !names.isEmpty()) {
          referencesAppeared.accept(tenantId, names);
        }
        return Done.getInstance();
      });
    } else if (event instanceof CustomerAccount.InvoiceIssued e) {
      List<String> names = new ArrayList<>(List.of(e.invoiceNumber(), e.orderId()));
      if (e.externalReference() != null) {
        names.add(e.externalReference());
      }
      first = invoices.saveReferences(tenantId, e.invoiceId(), customerId, InvoiceStore.namesOf(e.invoiceNumber(), e.externalReference()))
          .thenCompose(saved -> scheduleDunning(tenantId, customerId, e.dueOn()))
          .thenApply(scheduled -> {
            referencesAppeared.accept(tenantId, names);
            return Done.getInstance();
          });
    } else if (event instanceof CustomerAccount.InvoicingFailed e) {
      first = alerts.save(tenantId, new Alert("invoicing:" + e.orderId(), "INVOICING_FAILED", e.at(), null,
          "Order " + e.orderId() + " could not be invoiced: " + e.detail(), e.orderId(), customerId, null));
    } else if (event instanceof CustomerAccount.DunningLevelRaised e) {
      first = alerts.save(tenantId, new Alert("dunning:" + e.invoiceId() + ":" + e.level(), "DUNNING", e.at(), e.level().name(),
          "Invoice " + e.invoiceNumber() + " is " + e.daysOverdue() + (e.daysOverdue() == 1 ? " day" : " days") + " overdue: " + e.level()
              + (e.creditHold() ? "; the customer is on credit hold until it is settled." : "."),
          null, customerId, e.invoiceId()));
    } else if (event instanceof CustomerAccount.PaymentUnallocated || event instanceof CustomerAccount.PaymentReversed) {
      // The invoice owes again: dunning looks at the customer from today.
      first = schedule.schedule(new DunningSchedule.Entry(clock.today(), tenantId, customerId));
    }
    List<String> payments = new ArrayList<>(LedgerEvents.paymentsChangedByTheAccount(List.of(event)));
    return first
        .thenCompose(done -> invoiceRows(tenantId, customerId, List.copyOf(ShardedLedgerEffects.touchedInvoices(List.of(event)))))
        .thenCompose(done -> mirror(tenantId, customerId, payments));
  }

  private CompletionStage<Done> ruleAlerts(String tenantId, String customerId, CustomerAccount.OrderAccepted e) {
    CompletableFuture<?>[] writes = new CompletableFuture<?>[e.request().rules().alerts().size()];
    for (int i = 0; i < writes.length; i++) {
      RuleAlert alert = e.request().rules().alerts().get(i);
      String orderId = e.request().orderId();
      writes[i] = alerts.save(tenantId, new Alert("order:" + orderId + ":" + alert.rule(), "ORDER_RULE", e.at(), alert.rule(),
          alert.message(), orderId, customerId, null)).toCompletableFuture();
    }
    return CompletableFuture.allOf(writes).thenApply(all -> Done.getInstance());
  }

  /** The customer is looked at on the invoice's first dunning day (today, if that has passed). */
  private CompletionStage<Done> scheduleDunning(String tenantId, String customerId, LocalDate dueOn) {
    var first = settings.tenant(tenantId).nextStep(DunningLevel.NONE);
    if (first == null) {
      return done();
    }
    LocalDate day = dueOn.plusDays(first.daysOverdue());
    LocalDate today = clock.today();
    return schedule.schedule(new DunningSchedule.Entry(day.isBefore(today) ? today : day, tenantId, customerId));
  }

  /** Each invoice, as the account holds it now, into its customer's lists; its order's payment status with it. */
  private CompletionStage<Done> invoiceRows(String tenantId, String customerId, List<String> invoiceIds) {
    CompletionStage<Done> all = done();
    for (String invoiceId : invoiceIds) {
      all = all.thenCompose(done -> account(tenantId, customerId)
          .<InvoiceResult>ask(replyTo -> new CustomerAccount.GetInvoice(invoiceId, replyTo), timeout)
          .thenCompose(answer -> {
            if (!(answer instanceof InvoiceResult.Ok ok)) {
              return done(); // not the account's any more (never happens while invoices stay on it)
            }
            return invoices.save(tenantId, InvoiceStore.Summary.of(ok.invoice())).thenCompose(saved ->
              sharding.entityRefFor(Order.KEY, EntityIds.entityId(tenantId, ok.invoice().orderId()))
                  .<OrderResult>ask(replyTo -> new Order.RecordPaymentStatus(ShardedLedgerEffects.paymentStatus(ok.invoice()), replyTo),
                      timeout)
                  .thenApply(recorded -> Done.getInstance()));
          }));
    }
    return all;
  }

  /** Each payment, as the account holds it now, onto its payment entity (which keeps the newest). */
  private CompletionStage<Done> mirror(String tenantId, String customerId, List<String> paymentIds) {
    CompletionStage<Done> all = done();
    for (String paymentId : paymentIds) {
      all = all.thenCompose(done -> account(tenantId, customerId)
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

  private org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef<CustomerAccount.Command> account(String tenantId, String customerId) {
    return sharding.entityRefFor(CustomerAccount.KEY, EntityIds.entityId(tenantId, customerId));
  }

  private static CompletionStage<Done> done() {
    return CompletableFuture.completedFuture(Done.getInstance());
  }
}
