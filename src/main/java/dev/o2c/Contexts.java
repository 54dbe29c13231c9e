package dev.o2c;

import com.typesafe.config.Config;
import dev.o2c.account.AccountArchive;
import dev.o2c.account.AccountSettings;
import dev.o2c.account.ArchiveSettings;
import dev.o2c.account.CustomerAccount;
import dev.o2c.account.LedgerProjection;
import dev.o2c.account.ShardedLedgerEffects;
import dev.o2c.account.ShardedOrderLedger;
import dev.o2c.account.ShardedPaymentAccounts;
import dev.o2c.http.AdminRoutes;
import dev.o2c.http.AlertRoutes;
import dev.o2c.http.BatchIntake;
import dev.o2c.http.CustomerRoutes;
import dev.o2c.http.EchoRoutes;
import dev.o2c.http.HttpSettings;
import dev.o2c.http.InvoiceRoutes;
import dev.o2c.http.OpenApiRoutes;
import dev.o2c.http.OrderBatch;
import dev.o2c.http.OrderRoutes;
import dev.o2c.http.PaymentBatch;
import dev.o2c.http.PaymentRoutes;
import dev.o2c.http.ReportRoutes;
import dev.o2c.http.TenantRoutes;
import dev.o2c.idempotency.KeyClaim;
import dev.o2c.idempotency.KeyClaims;
import dev.o2c.infra.BusinessClock;
import dev.o2c.infra.Journals;
import dev.o2c.infra.TaggedProjections;
import dev.o2c.invoice.DunningRunner;
import dev.o2c.invoice.DunningSchedule;
import dev.o2c.invoice.InvoiceStore;
import dev.o2c.invoice.InvoicingSettings;
import dev.o2c.invoice.NumberBlockCache;
import dev.o2c.invoice.NumberCounter;
import dev.o2c.order.Order;
import dev.o2c.order.OrderResult;
import dev.o2c.order.OrderService;
import dev.o2c.order.OrderSettings;
import dev.o2c.payment.OrderCustomers;
import dev.o2c.payment.Payment;
import dev.o2c.payment.PaymentService;
import dev.o2c.payment.PaymentStore;
import dev.o2c.payment.PaymentsProjection;
import dev.o2c.payment.PaymentSettings;
import dev.o2c.reporting.AlertStore;
import dev.o2c.reports.InMemoryOrderReportStore;
import dev.o2c.reports.InMemoryReportStore;
import dev.o2c.reports.OrderReportProjection;
import dev.o2c.reports.OrderReportStore;
import dev.o2c.reports.LedgerReportProjection;
import dev.o2c.reports.ReportDefinitions;
import dev.o2c.reports.ReportRebuild;
import dev.o2c.reports.ReportSettings;
import dev.o2c.reports.ReportStore;
import dev.o2c.reports.Reports;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.SingletonActor;

/**
 * The bounded contexts of a node: their entities on Cluster Sharding, the projections and the
 * dunning run over their events, and their routes under /v1.
 */
public final class Contexts {

  /** Where the read models and the dunning schedule are kept. */
  public record Stores(
      AlertStore alerts, InvoiceStore invoices, DunningSchedule dunning, PaymentStore payments, AccountArchive archive,
      ReportStore reports, OrderReportStore orderReports, ReportDefinitions definitions) {

    /** With the account archive and the reports in memory (tests without Cassandra). */
    public Stores(AlertStore alerts, InvoiceStore invoices, DunningSchedule dunning, PaymentStore payments) {
      this(alerts, invoices, dunning, payments, AccountArchive.inMemory(), new InMemoryReportStore(), new InMemoryOrderReportStore(),
          ReportDefinitions.inMemory());
    }
  }

  private Contexts() {}

  /**
   * Starts sharding of every entity type and, when {@code background} is on, the projections
   * and the dunning run; returns the routes of every context.
   */
  public static List<TenantRoutes> start(
      ActorSystem<?> system, Config config, HttpSettings http, BusinessClock clock, Stores stores, boolean background) {
    OrderSettings orderSettings = OrderSettings.fromConfig(config);
    InvoicingSettings invoicing = InvoicingSettings.fromConfig(config);
    AccountSettings accountSettings = AccountSettings.fromConfig(config);
    ArchiveSettings archiving = ArchiveSettings.fromConfig(config);
    PaymentSettings payments = PaymentSettings.fromConfig(config);
    ClusterSharding sharding = ClusterSharding.get(system);
    OrderService orders = new OrderService(system, http.askTimeout());
    Duration timeout = orderSettings.customerAskTimeout();

    sharding.init(Entity.of(NumberCounter.KEY, entity -> NumberCounter.create(entity.getEntityId(), Journals.untagged(config))));
    ActorRef<NumberBlockCache.Command> numberCache =
        system.systemActorOf(NumberBlockCache.create(invoicing.numberBlockSize()), "invoice-numbers", Props.empty());
    var numbers = NumberBlockCache.numbers(system, numberCache, Duration.ofSeconds(10));
    ShardedPaymentAccounts paymentAccounts = new ShardedPaymentAccounts(system, payments.accountAskTimeout());
    OrderCustomers orderCustomers = (tenantId, orderId) -> orders.ask(tenantId, orderId, Order.Get::new)
        .thenApply(found -> found instanceof OrderResult.Ok ok ? Optional.of(ok.order().customerId()) : Optional.<String>empty());
    PaymentService paymentService =
        new PaymentService(system, paymentAccounts, stores.invoices(), stores.payments(), orderCustomers, http.askTimeout());
    ShardedLedgerEffects effects =
        new ShardedLedgerEffects(system, stores.invoices(), numbers, paymentService::referencesAppeared, accountSettings.orderAskTimeout());
    sharding.init(Entity.of(CustomerAccount.KEY, entity -> CustomerAccount.create(entity.getEntityId(),
        new CustomerAccount.Dependencies(clock, effects, accountSettings, invoicing, payments, stores.archive(), archiving))));
    ShardedOrderLedger ledger = new ShardedOrderLedger(system, timeout);
    sharding.init(Entity.of(Order.KEY, entity -> Order.create(entity.getEntityId(),
        new Order.Dependencies(clock, ledger, orderSettings))));
    sharding.init(Entity.of(Payment.KEY, entity -> Payment.create(entity.getEntityId(),
        new Payment.Dependencies(clock, paymentAccounts, payments))));
    sharding.init(Entity.of(KeyClaim.KEY, entity -> KeyClaim.create(entity.getEntityId(), Journals.untagged(config))));
    KeyClaims keys = new KeyClaims(system, http.askTimeout());

    Optional<ActorRef<DunningRunner.Command>> dunning = Optional.empty();
    ReportSettings reportSettings = ReportSettings.fromConfig(config);
    Optional<ReportRebuild> rebuild = Optional.empty();
    if (background) {
      TaggedProjections.<CustomerAccount.Event>start(system, LedgerProjection.NAME, "account", accountSettings.tagBuckets(),
          () -> new LedgerProjection(system, stores.invoices(), stores.alerts(), stores.dunning(), invoicing, clock,
              paymentService::referencesAppeared, timeout));
      TaggedProjections.<Payment.Event>start(system, PaymentsProjection.NAME, "payment", payments.tagBuckets(),
          () -> new PaymentsProjection(system, stores.payments(), http.askTimeout()));
      TaggedProjections.<CustomerAccount.Event>startGrouped(system, LedgerReportProjection.NAME, "account", reportSettings.tagBuckets(),
          reportSettings.groupSize(), reportSettings.groupWithin(), reportSettings.readJournal(),
          tag -> new LedgerReportProjection(stores.reports(), stores.orderReports(), tag, java.time.Clock.systemUTC()));
      TaggedProjections.<Order.Event>startGrouped(system, OrderReportProjection.NAME, "order", orderSettings.tagBuckets(),
          reportSettings.groupSize(), reportSettings.groupWithin(), reportSettings.readJournal(),
          tag -> new OrderReportProjection(stores.orderReports(), stores.reports(), tag, java.time.Clock.systemUTC()));
      rebuild = Optional.of(new ReportRebuild(system, stores.reports(), reportSettings.tagBuckets(), orderSettings.tagBuckets()));
      dunning = Optional.of(ClusterSingleton.get(system).init(SingletonActor.of(
          DunningRunner.create(stores.dunning(), clock, invoicing, ledger), "dunning-runner")));
    }
    List<TenantRoutes> routes = new ArrayList<>(List.of(
        new CustomerRoutes(http, system),
        new OrderRoutes(http, orders, orderSettings, invoicing, new BatchIntake(http, new OrderBatch(orders, orderSettings, invoicing))),
        new InvoiceRoutes(http, system, stores.invoices(), keys, orders),
        new PaymentRoutes(http, system, paymentService, stores.payments(), clock,
            new BatchIntake(http, new PaymentBatch(paymentService, payments, clock)), keys),
        new AlertRoutes(http, stores.alerts(), clock),
        new AdminRoutes(http, clock, dunning),
        new ReportRoutes(http, new Reports(stores.reports(), stores.orderReports(), clock, reportSettings), rebuild, stores.definitions()),
        new OpenApiRoutes(http)));
    if (config.getBoolean("o2c.benchmark.echo-route")) {
      routes.add(new EchoRoutes(http));
    }
    return routes;
  }
}
