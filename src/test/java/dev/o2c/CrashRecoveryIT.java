package dev.o2c;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.o2c.account.CustomerAccount;
import dev.o2c.account.CreditDecision;
import dev.o2c.support.TestServer;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.junit.jupiter.api.Test;

/**
 * An order and its customer's account agree again after the ActorSystem is killed between the
 * steps of a change, in either direction.
 */
class CrashRecoveryIT {

  private static final String CUSTOMER =
      "{\"customerId\":\"%s\",\"name\":\"C\",\"currency\":\"EUR\",\"creditLimit\":\"1000\",\"paymentTermsDays\":30}";

  private static String order(String customerId, String price) {
    return "{\"customerId\":\"" + customerId + "\",\"currency\":\"EUR\",\"lines\":[{\"sku\":\"W\",\"quantity\":1,\"unitPrice\":\""
        + price + "\"}]}";
  }

  @Test
  void a_reservation_whose_order_was_never_recorded_is_released_after_a_crash() throws Exception {
    String orderId;
    try (TestServer server = TestServer.start("crash_reservation")) {
      assertEquals(201, server.postJson("/v1/customers", CUSTOMER.formatted("c1"), null).status());
      orderId = server.postJson("/v1/orders", order("c1", "100.00"), "real-order").json().get("orderId").asText();
      // The first step of a placement whose second step never happens: the account reserves for
      // an order the system is killed before recording.
      var sharding = ClusterSharding.get(server.server().system());
      CreditDecision decision = sharding.entityRefFor(CustomerAccount.KEY, "dev:c1")
          .<CreditDecision>ask(replyTo -> new CustomerAccount.ReserveCredit(
              "ord_ghost", new BigDecimal("250.00"), "EUR", false, "test", replyTo), Duration.ofSeconds(10))
          .toCompletableFuture().get(15, TimeUnit.SECONDS);
      assertEquals(CreditDecision.Reserved.class, decision.getClass());
      assertEquals("350.00", creditUsed(server, "c1"));
      server.crash();
    }
    try (TestServer server = TestServer.start("crash_reservation")) {
      // The account heals on recovery: the ghost's reservation goes, the real order's stays.
      awaitCreditUsed(server, "c1", "100.00", Duration.ofSeconds(60));
      assertEquals("VERIFIED", server.get("/v1/orders/" + orderId).json().get("status").asText());
    }
  }

  @Test
  void a_cancellation_whose_release_never_ran_is_completed_after_a_restart() throws Exception {
    String orderId;
    // Projections off: the order records its cancellation, the release does not happen yet.
    try (TestServer server = TestServer.start("crash_cancel", Map.of("o2c.projections.enabled", false))) {
      assertEquals(201, server.postJson("/v1/customers", CUSTOMER.formatted("c2"), null).status());
      orderId = server.postJson("/v1/orders", order("c2", "40.00"), null).json().get("orderId").asText();
      assertEquals(200, server.postJson("/v1/orders/" + orderId + "/cancel", "{\"reason\":\"test\"}", null).status());
      assertEquals("40.00", creditUsed(server, "c2"));
      server.crash();
    }
    try (TestServer server = TestServer.start("crash_cancel")) {
      awaitCreditUsed(server, "c2", "0.00", Duration.ofSeconds(90));
      assertEquals("CANCELLED", server.get("/v1/orders/" + orderId).json().get("status").asText());
    }
  }

  private static String creditUsed(TestServer server, String customerId) {
    return server.get("/v1/customers/" + customerId).json().get("creditUsed").asText();
  }

  private static void awaitCreditUsed(TestServer server, String customerId, String amount, Duration within) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    String last = null;
    while (System.nanoTime() < deadline) {
      last = creditUsed(server, customerId);
      if (last.equals(amount)) {
        return;
      }
      Thread.sleep(500);
    }
    throw new AssertionError("creditUsed of " + customerId + " stayed " + last + ", expected " + amount);
  }
}
