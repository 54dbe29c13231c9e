package dev.o2c;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.o2c.support.TestServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSessionRegistry;
import org.junit.jupiter.api.Test;

/**
 * Exactly one invoice per order on the real Cassandra journal: the invoice is issued in the
 * customer's account's own write, so neither a projection delivering every event again nor a
 * crash makes a second one.
 */
class InvoicingIT {

  private static final String CUSTOMER =
      "{\"customerId\":\"%s\",\"name\":\"C\",\"currency\":\"EUR\",\"creditLimit\":\"1000\",\"paymentTermsDays\":14}";

  private static String order(String customerId) {
    return "{\"customerId\":\"" + customerId + "\",\"currency\":\"EUR\",\"lines\":[{\"sku\":\"W\",\"quantity\":2,\"unitPrice\":\"10.00\","
        + "\"taxCode\":\"STANDARD\"}]}";
  }

  private static JsonNode await(TestServer server, String path, Predicate<JsonNode> condition) {
    return server.http().await(path, r -> r.status() == 200 && condition.test(r.json()), Duration.ofSeconds(90)).json();
  }

  @Test
  void replaying_every_account_event_through_the_ledger_projection_makes_no_second_invoice() throws Exception {
    String orderId;
    JsonNode invoice;
    try (TestServer server = TestServer.start("invoicing_replay")) {
      server.postJson("/v1/customers", CUSTOMER.formatted("r1"), null);
      orderId = server.postJson("/v1/orders", order("r1"), "replay-1").json().get("orderId").asText();
      String invoiceId = await(server, "/v1/orders/" + orderId, o -> o.has("invoiceId")).get("invoiceId").asText();
      invoice = await(server, "/v1/invoices/" + invoiceId, i -> true);
      assertEquals("23.80", invoice.get("total").asText(), "20.00 + 19% tax");
      assertEquals("23.80", server.get("/v1/customers/r1").json().get("openReceivables").asText());
      // Forget where the ledger projection had got to: it will deliver every account event again.
      var cql = CassandraSessionRegistry.get(server.server().system()).sessionFor(O2cServer.CASSANDRA_SESSION);
      List<com.datastax.oss.driver.api.core.cql.Row> offsets = List.of();
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (offsets.stream().noneMatch(row -> row.getString("projection_name").equals(dev.o2c.account.LedgerProjection.NAME)) && System.nanoTime() < deadline) {
        Thread.sleep(200); // offsets are saved every 500 ms (or 100 events)
        offsets = cql.selectAll("SELECT projection_name, partition, projection_key FROM invoicing_replay.offset_store")
            .toCompletableFuture().get();
      }
      int forgotten = 0;
      for (var row : offsets) {
        if (row.getString("projection_name").equals(dev.o2c.account.LedgerProjection.NAME)) {
          cql.executeWrite("DELETE FROM invoicing_replay.offset_store WHERE projection_name = ? AND partition = ? AND projection_key = ?",
              row.getString("projection_name"), row.getInt("partition"), row.getString("projection_key")).toCompletableFuture().get();
          forgotten++;
        }
      }
      assertTrue(forgotten > 0, "the ledger projection had stored offsets");
      server.crash();
    }
    try (TestServer server = TestServer.start("invoicing_replay")) {
      // A later order shows that the projection has run past the replayed events.
      String later = server.postJson("/v1/orders", order("r1"), "replay-2").json().get("orderId").asText();
      await(server, "/v1/orders/" + later, o -> o.has("invoiceId"));
      JsonNode again = server.get("/v1/invoices/" + invoice.get("invoiceId").asText()).json();
      assertEquals(invoice.get("invoiceNumber"), again.get("invoiceNumber"), "the same invoice, the same number");
      JsonNode customer = await(server, "/v1/customers/r1", c -> c.get("openInvoices").asInt() == 2);
      assertEquals("47.60", customer.get("openReceivables").asText(), "two invoices, not three");
      assertEquals(2, await(server, "/v1/customers/r1/invoices?status=all", list -> list.get("invoices").size() == 2)
          .get("invoices").size());
    }
  }

  @Test
  void an_order_verified_just_before_a_crash_is_invoiced_once_after_it() throws Exception {
    String orderId;
    try (TestServer server = TestServer.start("invoicing_crash", Map.of("o2c.projections.enabled", false))) {
      server.postJson("/v1/customers", CUSTOMER.formatted("c1"), null);
      orderId = server.postJson("/v1/orders", order("c1"), null).json().get("orderId").asText();
      assertEquals("VERIFIED", server.get("/v1/orders/" + orderId).json().get("status").asText());
      server.crash();
    }
    try (TestServer server = TestServer.start("invoicing_crash")) {
      JsonNode order = await(server, "/v1/orders/" + orderId, o -> o.has("invoiceId"));
      JsonNode invoice = await(server, "/v1/invoices/" + order.get("invoiceId").asText(), i -> true);
      assertTrue(invoice.get("invoiceNumber").asText().matches("INV-\\d{4}-\\d{6}"), invoice.toString());
      JsonNode customer = await(server, "/v1/customers/c1", c -> c.get("openInvoices").asInt() == 1);
      assertEquals("0.00", customer.get("reservedForOrders").asText(), "the reservation became the receivable");
      assertEquals("23.80", customer.get("creditUsed").asText());
    }
  }

  @Test
  void cancelling_an_invoiced_order_voids_its_invoice() throws Exception {
    try (TestServer server = TestServer.start("invoicing_cancel")) {
      server.postJson("/v1/customers", CUSTOMER.formatted("x1"), null);
      String orderId = server.postJson("/v1/orders", order("x1"), null).json().get("orderId").asText();
      String invoiceId = await(server, "/v1/orders/" + orderId, o -> o.has("invoiceId")).get("invoiceId").asText();
      await(server, "/v1/customers/x1", c -> c.get("openInvoices").asInt() == 1);
      assertEquals(200, server.postJson("/v1/orders/" + orderId + "/cancel", "{\"reason\":\"changed mind\"}", null).status());
      assertEquals("VOID", await(server, "/v1/invoices/" + invoiceId, i -> i.get("status").asText().equals("VOID"))
          .get("status").asText());
      JsonNode customer = await(server, "/v1/customers/x1", c -> c.get("openInvoices").asInt() == 0);
      assertEquals("0.00", customer.get("creditUsed").asText());
    }
  }
}
