package dev.o2c;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.o2c.support.TestServer;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Dunning on the real Cassandra journal and schedule, driven by the test clock: each step once,
 * none skipped when business time jumps, none repeated across a restart; the final step puts the
 * customer on credit hold until the invoice is settled.
 */
class DunningIT {

  private static final Map<String, Object> TEST_CLOCK = Map.of("o2c.test-clock.enabled", true);

  private static JsonNode await(TestServer server, String path, Predicate<JsonNode> condition) {
    return server.http().await(path, r -> r.status() == 200 && condition.test(r.json()), Duration.ofSeconds(90)).json();
  }

  private static void moveClock(TestServer server, LocalDate date) {
    assertEquals(200, server.postJson("/v1/admin/clock", "{\"date\":\"" + date + "\"}", null).status());
  }

  private static List<String> dunningAlerts(TestServer server, String invoiceId) {
    List<String> levels = new ArrayList<>();
    server.get("/v1/alerts?days=90&limit=500").json().get("alerts").forEach(alert -> {
      if (invoiceId.equals(alert.path("invoiceId").asText()) && alert.get("kind").asText().equals("DUNNING")) {
        levels.add(alert.get("rule").asText());
      }
    });
    return levels;
  }

  /** The ledger projection has put the customer into the dunning schedule (it does within seconds). */
  private static void awaitScheduled(TestServer server, String customerId) throws Exception {
    var cql = org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSessionRegistry.get(server.server().system())
        .sessionFor(O2cServer.CASSANDRA_SESSION);
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      var rows = cql.selectAll("SELECT customer_id FROM dunning_restart.dunning_schedule").toCompletableFuture().get();
      if (rows.stream().anyMatch(row -> row.getString("customer_id").equals(customerId))) {
        return;
      }
      Thread.sleep(250);
    }
    throw new AssertionError(customerId + " never reached the dunning schedule");
  }

  @Test
  void dunning_steps_happen_once_each_across_a_restart_and_the_final_one_holds_credit() throws Exception {
    String invoiceId;
    LocalDate dueOn;
    try (TestServer server = TestServer.start("dunning_restart", TEST_CLOCK)) {
      server.postJson("/v1/customers",
          "{\"customerId\":\"late\",\"name\":\"Late Payer\",\"currency\":\"EUR\",\"creditLimit\":\"1000\",\"paymentTermsDays\":10}", null);
      String orderId = server.postJson("/v1/orders",
          "{\"customerId\":\"late\",\"currency\":\"EUR\",\"lines\":[{\"sku\":\"W\",\"quantity\":1,\"unitPrice\":\"100.00\"}]}", null)
          .json().get("orderId").asText();
      invoiceId = await(server, "/v1/orders/" + orderId, o -> o.has("invoiceId")).get("invoiceId").asText();
      dueOn = LocalDate.parse(await(server, "/v1/invoices/" + invoiceId, i -> true).get("dueOn").asText());
      // The schedule gets the customer once the receivable is recorded; then pass the due date.
      await(server, "/v1/customers/late", c -> c.get("openInvoices").asInt() == 1);
      awaitScheduled(server, "late");
      moveClock(server, dueOn.plusDays(1));
      await(server, "/v1/invoices/" + invoiceId, i -> i.get("dunningLevel").asText().equals("REMINDER"));
      server.http().await("/v1/alerts", r -> dunningAlerts(server, invoiceId).contains("REMINDER"), Duration.ofSeconds(60));
      server.crash();
    }
    try (TestServer server = TestServer.start("dunning_restart", TEST_CLOCK)) {
      // The test clock is this node's: after the restart business time starts from today again.
      moveClock(server, dueOn.plusDays(31));
      JsonNode invoice = await(server, "/v1/invoices/" + invoiceId, i -> i.get("dunningLevel").asText().equals("FINAL_NOTICE"));
      assertEquals("ISSUED", invoice.get("status").asText());
      server.http().await("/v1/alerts", r -> dunningAlerts(server, invoiceId).size() == 3, Duration.ofSeconds(60));
      assertEquals(List.of("FINAL_NOTICE", "REMINDER", "SECOND_NOTICE"), dunningAlerts(server, invoiceId).stream().sorted().toList(),
          "each step once: REMINDER not repeated after the restart, SECOND_NOTICE not skipped by the jump");
      JsonNode customer = server.get("/v1/customers/late").json();
      assertEquals("CREDIT_HOLD", customer.get("status").asText());
      assertTrue(customer.get("dunningHold").asBoolean());
      JsonNode held = server.postJson("/v1/orders",
          "{\"customerId\":\"late\",\"currency\":\"EUR\",\"lines\":[{\"sku\":\"W\",\"quantity\":1,\"unitPrice\":\"1.00\"}]}", null).json();
      assertEquals("ON_HOLD", held.get("status").asText());
      assertEquals("CUSTOMER_CREDIT_HOLD", held.get("holdReasons").get(0).get("code").asText());

      // Crediting the invoice to zero settles it and lifts the hold.
      assertEquals(201, server.postJson("/v1/invoices/" + invoiceId + "/credit-notes",
          "{\"amount\":\"100.00\",\"reason\":\"goodwill\"}", null).status());
      JsonNode released = server.get("/v1/customers/late").json();
      assertEquals("ACTIVE", released.get("status").asText());
      assertEquals("PAID", server.get("/v1/invoices/" + invoiceId).json().get("status").asText());
    }
  }
}
