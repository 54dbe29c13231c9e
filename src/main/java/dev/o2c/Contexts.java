package dev.o2c;

import com.typesafe.config.Config;
import dev.o2c.account.AccountSettings;
import dev.o2c.account.CustomerAccount;
import dev.o2c.account.CustomerCredit;
import dev.o2c.http.AlertRoutes;
import dev.o2c.http.BatchIntake;
import dev.o2c.http.CustomerRoutes;
import dev.o2c.http.HttpSettings;
import dev.o2c.http.OpenApiRoutes;
import dev.o2c.http.OrderRoutes;
import dev.o2c.http.TenantRoutes;
import dev.o2c.infra.BusinessClock;
import dev.o2c.infra.TaggedProjections;
import dev.o2c.order.CreditReleaseProjection;
import dev.o2c.order.Order;
import dev.o2c.order.OrderService;
import dev.o2c.order.OrderSettings;
import dev.o2c.reporting.AlertStore;
import dev.o2c.reporting.AlertsProjection;
import java.util.List;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;

/**
 * The bounded contexts of a node: their entities on Cluster Sharding, the projections over their
 * events, and their routes under /v1.
 */
public final class Contexts {

  private Contexts() {}

  /**
   * Starts sharding of every entity type and, when {@code projections} is on, the projections;
   * returns the routes of every context.
   */
  public static List<TenantRoutes> start(
      ActorSystem<?> system, Config config, HttpSettings http, BusinessClock clock, AlertStore alerts, boolean projections) {
    OrderSettings orderSettings = OrderSettings.fromConfig(config);
    AccountSettings accountSettings = AccountSettings.fromConfig(config);
    ClusterSharding sharding = ClusterSharding.get(system);
    OrderService orders = new OrderService(system, http.askTimeout());

    sharding.init(Entity.of(CustomerAccount.KEY, entity -> CustomerAccount.create(entity.getEntityId(),
        new CustomerAccount.Dependencies(clock, orders.reservationLookup(accountSettings.orderAskTimeout()), accountSettings))));
    CustomerCredit credit = CustomerCredit.sharded(system, orderSettings.customerAskTimeout());
    sharding.init(Entity.of(Order.KEY, entity -> Order.create(entity.getEntityId(),
        new Order.Dependencies(clock, credit, orderSettings))));

    if (projections) {
      TaggedProjections.<Order.Event>start(system, CreditReleaseProjection.NAME, "order", orderSettings.tagBuckets(),
          () -> new CreditReleaseProjection(system, orderSettings.customerAskTimeout()));
      TaggedProjections.<Order.Event>start(system, AlertsProjection.NAME, "order", orderSettings.tagBuckets(),
          () -> new AlertsProjection(alerts));
    }
    return List.of(
        new CustomerRoutes(http, system),
        new OrderRoutes(http, orders, orderSettings, new BatchIntake(http, orders, orderSettings)),
        new AlertRoutes(http, alerts, clock),
        new OpenApiRoutes(http));
  }
}
