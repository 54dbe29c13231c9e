package dev.o2c.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.o2c.Contexts;
import dev.o2c.account.LedgerProjection;
import dev.o2c.infra.BusinessClock;
import dev.o2c.infra.O2cConfig;
import dev.o2c.infra.health.Readiness;
import dev.o2c.invoice.InvoicingSettings;
import dev.o2c.support.InMemoryAlertStore;
import dev.o2c.support.JUnit5RouteTest;
import dev.o2c.tenancy.ApiKeys;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.testkit.TestRouteResult;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.testkit.PersistenceTestKitPlugin;
import org.apache.pekko.persistence.testkit.PersistenceTestKitSnapshotPlugin;
import org.apache.pekko.persistence.testkit.query.javadsl.PersistenceTestKitReadJournal;
import org.apache.pekko.projection.eventsourced.EventEnvelope;
import org.apache.pekko.projection.javadsl.Handler;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.BeforeAll;
import scala.concurrent.duration.FiniteDuration;

/**
 * Route tests of the domain: the real entities on a one-node cluster with the in-memory journal,
 * wired by {@link Contexts#start} (the read models in memory, the projections not running), behind
 * the real gateway, and helpers to drive them — among them one that gives a projection handler an
 * entity's events, as the projections would.
 */
public abstract class DomainRouteTestBase extends JUnit5RouteTest {

  protected static final String ACME = "acme-key-123";
  protected static final String GLOBEX = "globex-key-123";
  protected static final Duration TIMEOUT = Duration.ofSeconds(10);

  protected Route route;
  protected Contexts.Stores stores;

  @Override
  protected Config config() {
    Config test = ConfigFactory.parseString("""
        pekko.actor.provider = cluster
        pekko.remote.artery.canonical.port = 0
        pekko.persistence.journal.plugin = "pekko.persistence.testkit.journal"
        pekko.persistence.snapshot-store.plugin = "pekko.persistence.testkit.snapshotstore.pluginid"
        o2c.orders.batch.max-orders = 5
        o2c.orders.max-lines = 3
        o2c.tenants {
          acme {
            api-keys = [
              { key = "acme-key-123", principal = "acme-shop", roles = [orders, finance, admin],
                rate-limit { requests-per-second = 100000, burst = 100000 } }
              { key = "acme-limited-key", principal = "acme-slow", roles = [read], rate-limit { requests-per-second = 2, burst = 5 } }
              { key = "acme-read-key", principal = "acme-reader", roles = [read] }
              { key = "acme-orders-key", principal = "acme-web", roles = [orders] }
              { key = "acme-finance-key", principal = "acme-ar", roles = [finance] }
            ]
            rate-limit { requests-per-second = 100000, burst = 100000 }
            invoicing.tax.rates { STANDARD = 19 }
            rules = [
              { name = "big", when { total-over = 1000 }, action = HOLD, reason = LARGE_ORDER }
              { name = "gift", when { sku-in = [GIFT] }, action = ALERT, message = "gift card" }
              { name = "b2b", when { channel-in = [b2b] }, action = ROUTE, queue = "b2b-review" }
            ]
          }
          globex { api-keys = [ { key = "globex-key-123", principal = "globex-web", roles = [admin],
            rate-limit { requests-per-second = 100000, burst = 100000 } } ] }
          initech {
            rate-limit { requests-per-second = 2, burst = 3 }
            api-keys = [
              { key = "initech-key-1", principal = "initech-a", roles = [read] }
              { key = "initech-key-2", principal = "initech-b", roles = [read] }
            ]
          }
        }
        """);
    return O2cConfig.load(test.withFallback(PersistenceTestKitPlugin.config()).withFallback(PersistenceTestKitSnapshotPlugin.config()));
  }

  /** The business clock of the domain (the machine's unless a test needs another). */
  protected BusinessClock clock() {
    return BusinessClock.system();
  }

  @Override
  public FiniteDuration awaitDuration() {
    return FiniteDuration.create(15, TimeUnit.SECONDS);
  }

  @BeforeAll
  void startDomain() throws Exception {
    Cluster cluster = Cluster.get(typedSystem());
    cluster.manager().tell(Join.create(cluster.selfMember().address()));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (cluster.selfMember().status() != MemberStatus.up() && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    Config config = config();
    HttpSettings http = HttpSettings.fromConfig(config);
    stores = new Contexts.Stores(new InMemoryAlertStore(), new dev.o2c.support.InMemoryInvoiceStore(),
        new dev.o2c.support.InMemoryDunningSchedule(), new dev.o2c.support.InMemoryPaymentStore());
    var contexts = Contexts.start(typedSystem(), config, http, clock(), stores, false);
    route = new ApiGateway(http, ApiKeys.fromConfig(config), new HealthRoutes(http, new Readiness(List.of(), Duration.ofSeconds(1))),
        contexts).route();
  }

  // --- helpers -----------------------------------------------------------------------------

  protected static List<String> toList(JsonNode array) {
    List<String> values = new java.util.ArrayList<>();
    array.forEach(node -> values.add(node.asText()));
    return values;
  }

  protected TestRouteResult send(String key, HttpRequest request) {
    return testRoute(route).run(request.addHeader(RawHeader.create("X-API-Key", key)));
  }

  protected static HttpRequest post(String path, String json) {
    return HttpRequest.POST(path).withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, json));
  }

  protected static JsonNode json(TestRouteResult result) {
    try {
      return Json.RESPONSES.readTree(result.entityString());
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  protected static JsonNode problem(TestRouteResult result, int status, String type) {
    result.assertStatusCode(status);
    result.assertContentType(ApiDirectives.PROBLEM_JSON);
    JsonNode body = json(result);
    assertEquals("urn:o2c:problem:" + type, body.get("type").asText(), body.toString());
    return body;
  }

  protected static String customer(String id, String currency, String limit) {
    return "{\"customerId\":\"" + id + "\",\"name\":\"Customer " + id + "\",\"currency\":\"" + currency
        + "\",\"creditLimit\":\"" + limit + "\",\"paymentTermsDays\":30}";
  }

  protected static String order(String customerId, String currency, String sku, int quantity, String price) {
    return "{\"customerId\":\"" + customerId + "\",\"currency\":\"" + currency + "\",\"lines\":[{\"sku\":\"" + sku
        + "\",\"quantity\":" + quantity + ",\"unitPrice\":\"" + price + "\"}]}";
  }

  protected void createCustomer(String key, String id, String currency, String limit) {
    send(key, post("/v1/customers", customer(id, currency, limit))).assertStatusCode(201);
  }

  /**
   * Gives the ledger projection's handler every event the customer's account has persisted so far
   * (tagged or not: the handler ignores what it does not read): the customer's invoice lists,
   * the dunning schedule and alerts, the orders' payment statuses and the payments' outcomes.
   */
  protected void projectLedger(String customerId) throws Exception {
    project("CustomerAccount|acme:" + customerId, new LedgerProjection(typedSystem(), stores.invoices(), stores.alerts(),
        stores.dunning(), InvoicingSettings.fromConfig(config()), clock(), (tenantId, names) -> {}, TIMEOUT));
  }

  /** Gives every event the entity has persisted so far to a projection handler, in order. */
  @SuppressWarnings("unchecked")
  protected <E> void project(String persistenceId, Handler<EventEnvelope<E>> handler) throws Exception {
    var queries = PersistenceQuery.get(system())
        .getReadJournalFor(PersistenceTestKitReadJournal.class, PersistenceTestKitReadJournal.Identifier());
    var events = queries.currentEventsByPersistenceId(persistenceId, 0L, Long.MAX_VALUE)
        .runWith(Sink.seq(), materializer())
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    assertNotEquals(0, events.size(), "no events of " + persistenceId);
    for (var envelope : events) {
      handler.process(EventEnvelope.create(envelope.offset(), persistenceId, envelope.sequenceNr(), (E) envelope.event(),
          envelope.timestamp())).toCompletableFuture().get(15, TimeUnit.SECONDS);
    }
  }

  protected JsonNode placeOrder(String key, String idempotencyKey, String body) {
    HttpRequest request = post("/v1/orders", body);
    if (idempotencyKey != null) {
      request = request.addHeader(RawHeader.create("Idempotency-Key", idempotencyKey));
    }
    TestRouteResult result = send(key, request);
    result.assertStatusCode(201);
    return json(result);
  }
}
