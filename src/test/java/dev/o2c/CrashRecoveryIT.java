package dev.o2c;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.o2c.account.CustomerAccount;
import dev.o2c.infra.EntityIds;
import dev.o2c.order.AutomationRules;
import dev.o2c.order.LedgerAnswer;
import dev.o2c.order.NewOrder;
import dev.o2c.order.OrderLine;
import dev.o2c.order.OrderStatus;
import dev.o2c.order.PlacementRequest;
import dev.o2c.support.Http;
import dev.o2c.support.TestServer;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.junit.jupiter.api.Test;

/**
 * An order and its customer's account agree again after the ActorSystem is killed between the
 * account's write (the durable record of a placement, which the caller was answered on) and the
 * order's own copy of it.
 */
class CrashRecoveryIT {

  private static final String CUSTOMER =
      "{\"customerId\":\"%s\",\"name\":\"C\",\"currency\":\"EUR\",\"creditLimit\":\"1000\",\"paymentTermsDays\":30}";

  private static String order(String customerId, String price) {
    return "{\"customerId\":\"" + customerId + "\",\"currency\":\"EUR\",\"lines\":[{\"sku\":\"W\",\"quantity\":1,\"unitPrice\":\""
        + price + "\"}]}";
  }

  @Test
  void a_placement_the_order_never_recorded_is_given_back_to_it_after_a_crash() throws Exception {
    String orderId = EntityIds.derived("ord", "dev", "orders", "lost-copy");
    try (TestServer server = TestServer.start("crash_placement")) {
      assertEquals(201, server.postJson("/v1/customers", CUSTOMER.formatted("c1"), null).status());
      // The account takes an order whose own record is never written: the system is killed first.
      NewOrder order = new NewOrder("c1", "EUR",
          List.of(new OrderLine(1, "W", 1, new BigDecimal("100.00"), new BigDecimal("100.00"), null)), new BigDecimal("100.00"), null,
          null);
      PlacementRequest request = new PlacementRequest(orderId, order, AutomationRules.Outcome.NONE, "lost-copy", order.fingerprint(),
          "dev", Instant.now());
      LedgerAnswer answer = ClusterSharding.get(server.server().system()).entityRefFor(CustomerAccount.KEY, "dev:c1")
          .<LedgerAnswer>ask(replyTo -> new CustomerAccount.PlaceOrder(request, replyTo), Duration.ofSeconds(10))
          .toCompletableFuture().get(15, TimeUnit.SECONDS);
      assertEquals(OrderStatus.VERIFIED, assertInstanceOf(LedgerAnswer.Accepted.class, answer).status());
      assertEquals(404, server.get("/v1/orders/" + orderId).status());
      server.crash();
    }
    try (TestServer server = TestServer.start("crash_placement")) {
      // The account checks its unconfirmed placements after recovery and gives the order its record.
      var found = awaitStatus(server, "/v1/orders/" + orderId, 200, Duration.ofSeconds(60));
      assertEquals("VERIFIED", found.json().get("status").asText());
      assertEquals("inv_" + orderId.substring(4), found.json().get("invoiceId").asText());
      assertEquals("100.00", found.json().get("grossTotal").asText());
      // Its invoice is there, and a retry with the same key is the same order, not a second one.
      assertEquals(200, server.get("/v1/invoices/inv_" + orderId.substring(4)).status());
      var retry = server.postJson("/v1/orders", order("c1", "100.00"), "lost-copy");
      assertEquals(201, retry.status());
      assertEquals(orderId, retry.json().get("orderId").asText());
      assertEquals("100.00", server.get("/v1/customers/c1").json().get("creditUsed").asText());
    }
  }

  @Test
  void a_cancellation_releases_the_credit_at_once_without_any_projection() throws Exception {
    try (TestServer server = TestServer.start("crash_cancel", Map.of("o2c.projections.enabled", false))) {
      assertEquals(201, server.postJson("/v1/customers", CUSTOMER.formatted("c2"), null).status());
      String orderId = server.postJson("/v1/orders", order("c2", "40.00"), null).json().get("orderId").asText();
      assertEquals("40.00", server.get("/v1/customers/c2").json().get("creditUsed").asText());
      assertEquals(200, server.postJson("/v1/orders/" + orderId + "/cancel", "{\"reason\":\"test\"}", null).status());
      // The invoice issued with the order is voided by the account in the cancellation's own write.
      assertEquals("0.00", server.get("/v1/customers/c2").json().get("creditUsed").asText());
      assertEquals("VOID", server.get("/v1/invoices/inv_" + orderId.substring(4)).json().get("status").asText());
      server.crash();
    }
    try (TestServer server = TestServer.start("crash_cancel")) {
      assertEquals("0.00", server.get("/v1/customers/c2").json().get("creditUsed").asText());
    }
  }

  private static Http.Response awaitStatus(TestServer server, String path, int status, Duration within) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    Http.Response last = null;
    while (System.nanoTime() < deadline) {
      last = server.get(path);
      if (last.status() == status) {
        return last;
      }
      Thread.sleep(500);
    }
    throw new AssertionError(path + " answered " + (last == null ? "nothing" : last.status()) + ", expected " + status);
  }
}
