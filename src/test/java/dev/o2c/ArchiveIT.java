package dev.o2c;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.o2c.support.Http;
import dev.o2c.support.TestServer;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSession;
import org.apache.pekko.stream.connectors.cassandra.javadsl.CassandraSessionRegistry;
import org.junit.jupiter.api.Test;

/**
 * Settled invoices and payments leave the customer's account for the archive on the real Cassandra
 * node, and nothing about them changes for a reader or for a chargeback: after they left, and after
 * a restart, the invoice and the payment read as before, and a chargeback of the payment reopens
 * the invoice.
 */
class ArchiveIT {

  private static final String KEYSPACE = "archive_it";
  private static final Map<String, Object> SETTINGS = Map.of(
      "o2c.test-clock.enabled", true,
      "o2c.customers.archive.after", "1 d",
      "o2c.customers.archive.interval", "500 ms");

  @Test
  void a_paid_invoice_and_its_payment_leave_the_account_and_a_chargeback_brings_them_back() throws Exception {
    String invoiceId;
    String paymentId;
    JsonNode paidInvoice;
    try (TestServer server = TestServer.start(KEYSPACE, SETTINGS)) {
      assertEquals(201, server.postJson("/v1/customers", "{\"customerId\":\"old\",\"name\":\"Old Customer\",\"currency\":\"EUR\","
          + "\"creditLimit\":\"1000\",\"paymentTermsDays\":30}", null).status());
      JsonNode order = server.postJson("/v1/orders", "{\"customerId\":\"old\",\"currency\":\"EUR\",\"lines\":[{\"sku\":\"W\","
          + "\"quantity\":1,\"unitPrice\":\"100.00\",\"taxCode\":\"STANDARD\"}]}", null).json();
      invoiceId = order.get("invoiceId").asText();
      Http.Response paid = server.postJson("/v1/payments", "{\"amount\":\"119.00\",\"currency\":\"EUR\",\"remittanceInfo\":\""
          + order.get("invoiceNumber").asText() + "\"}", null);
      assertEquals(201, paid.status(), paid.body());
      paymentId = paid.json().get("paymentId").asText();
      paidInvoice = server.get("/v1/invoices/" + invoiceId).json();
      assertEquals("PAID", paidInvoice.get("status").asText());

      assertEquals(200, server.postJson("/v1/admin/clock", "{\"date\":\"" + LocalDate.now().plusDays(3) + "\"}", null).status());
      awaitJournaled(server, "ItemsArchived");
      assertEquals(2, archived(server).size(), "the invoice and the payment are in the archive");
      assertEquals(paidInvoice, server.get("/v1/invoices/" + invoiceId).json(), "read from the archive as it was");
      server.crash();
    }
    try (TestServer server = TestServer.start(KEYSPACE, SETTINGS)) {
      assertEquals(paidInvoice, server.get("/v1/invoices/" + invoiceId).json(), "after a restart too");
      JsonNode customer = server.get("/v1/customers/old").json();
      assertEquals("0.00", customer.get("openReceivables").asText());

      Http.Response reversed = server.postJson("/v1/payments/" + paymentId + "/reverse", "{\"reason\":\"chargeback\"}", null);
      assertEquals(200, reversed.status(), reversed.body());

      JsonNode reopened = server.get("/v1/invoices/" + invoiceId).json();
      assertEquals("ISSUED", reopened.get("status").asText());
      assertEquals("119.00", reopened.get("balance").asText());
      assertEquals("119.00", server.get("/v1/customers/old").json().get("openReceivables").asText());
      assertTrue(journaled(server).contains("ItemsRestored"));
    }
  }

  private static CassandraSession cql(TestServer server) {
    return CassandraSessionRegistry.get(server.server().system()).sessionFor(O2cServer.CASSANDRA_SESSION);
  }

  private static List<String> archived(TestServer server) throws Exception {
    return cql(server).selectAll("SELECT item_id FROM " + KEYSPACE + ".account_archive WHERE tenant = 'dev' AND customer_id = 'old'")
        .toCompletableFuture().get().stream().map(row -> row.getString("item_id")).toList();
  }

  /** The simple class names of the account's events in the journal. */
  private static List<String> journaled(TestServer server) throws Exception {
    return cql(server).selectAll("SELECT ser_manifest FROM " + KEYSPACE + ".messages WHERE persistence_id = 'CustomerAccount|dev:old'"
        + " AND partition_nr = 0").toCompletableFuture().get().stream()
        .map(row -> row.getString("ser_manifest"))
        .map(manifest -> manifest.substring(manifest.lastIndexOf('$') + 1))
        .toList();
  }

  private static void awaitJournaled(TestServer server, String event) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      if (journaled(server).contains(event)) {
        return;
      }
      Thread.sleep(250);
    }
    throw new AssertionError(event + " never written; journal: " + journaled(server));
  }
}
