package dev.o2c;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.o2c.support.Http;
import dev.o2c.support.TestServer;
import java.math.BigDecimal;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Order intake on the real Cassandra journal: concurrent duplicates, restarts, batches. */
class OrderIntakeIT {

  private static String customer(String id, String limit) {
    return "{\"customerId\":\"" + id + "\",\"name\":\"" + id + "\",\"currency\":\"EUR\",\"creditLimit\":\"" + limit
        + "\",\"paymentTermsDays\":30}";
  }

  private static String order(String customerId, int quantity, String price) {
    return "{\"customerId\":\"" + customerId + "\",\"currency\":\"EUR\",\"lines\":[{\"sku\":\"W\",\"quantity\":" + quantity
        + ",\"unitPrice\":\"" + price + "\"}]}";
  }

  @Test
  void concurrent_duplicates_of_one_key_create_exactly_one_order() throws Exception {
    try (TestServer server = TestServer.start("intake_concurrent")) {
      assertEquals(201, server.postJson("/v1/customers", customer("dup", "1000"), null).status());
      String body = order("dup", 2, "12.50");
      int copies = 16;
      ExecutorService pool = Executors.newFixedThreadPool(copies);
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Http.Response>> responses = new ArrayList<>();
      for (int i = 0; i < copies; i++) {
        responses.add(pool.submit(() -> {
          start.await();
          return server.postJson("/v1/orders", body, "same-key");
        }));
      }
      start.countDown();
      Set<String> orderIds = new HashSet<>();
      int created = 0;
      for (Future<Http.Response> response : responses) {
        Http.Response r = response.get();
        assertTrue(r.status() == 201 || r.status() == 409, r.status() + " " + r.body());
        if (r.status() == 201) {
          created++;
          orderIds.add(r.json().get("orderId").asText());
        } else {
          assertEquals("urn:o2c:problem:idempotency-key-in-flight", r.json().get("type").asText());
        }
      }
      pool.shutdown();
      assertTrue(created >= 1);
      assertEquals(1, orderIds.size(), "every 201 names the same order");

      Http.Response after = server.postJson("/v1/orders", body, "same-key");
      assertEquals(201, after.status());
      assertEquals("true", after.raw().headers().firstValue("Idempotent-Replayed").orElse(""));
      assertEquals(orderIds.iterator().next(), after.json().get("orderId").asText());
      assertEquals("25.00", server.get("/v1/customers/dup").json().get("creditUsed").asText(), "reserved once");
    }
  }

  @Test
  void a_key_is_honoured_across_a_restart_of_the_server() throws Exception {
    JsonNode first;
    try (TestServer server = TestServer.start("intake_restart")) {
      assertEquals(201, server.postJson("/v1/customers", customer("rst", "1000"), null).status());
      Http.Response created = server.postJson("/v1/orders", order("rst", 1, "99.99"), "restart-key");
      assertEquals(201, created.status());
      first = created.json();
    }
    try (TestServer server = TestServer.start("intake_restart")) {
      Http.Response again = server.postJson("/v1/orders", order("rst", 1, "99.990"), "restart-key");
      assertEquals(201, again.status());
      assertEquals(first, again.json(), "the first answer, unchanged");
      assertEquals(422, server.postJson("/v1/orders", order("rst", 2, "99.99"), "restart-key").status());
      assertEquals("99.99", server.get("/v1/customers/rst").json().get("creditUsed").asText());
      assertEquals("VERIFIED", server.get("/v1/orders/" + first.get("orderId").asText()).json().get("status").asText());
    }
  }

  @Test
  void a_batch_of_a_thousand_orders_is_answered_in_order() throws Exception {
    try (TestServer server = TestServer.start("intake_batch")) {
      assertEquals(201, server.postJson("/v1/customers", customer("bulk", "1000000"), null).status());
      StringBuilder ndjson = new StringBuilder();
      BigDecimal expected = BigDecimal.ZERO;
      for (int i = 0; i < 1000; i++) {
        int quantity = 1 + i % 7;
        ndjson.append("{\"idempotencyKey\":\"bulk-").append(i).append("\",\"customerId\":\"bulk\",\"currency\":\"EUR\",")
            .append("\"lines\":[{\"sku\":\"S").append(i % 13).append("\",\"quantity\":").append(quantity)
            .append(",\"unitPrice\":\"1.25\"}]}\n");
        expected = expected.add(new BigDecimal("1.25").multiply(BigDecimal.valueOf(quantity)));
      }
      Http.Response response = server.http().send(server.request("/v1/orders/batch")
          .header("Content-Type", "application/x-ndjson")
          .timeout(Duration.ofMinutes(5))
          .POST(HttpRequest.BodyPublishers.ofString(ndjson.toString())));
      assertEquals(200, response.status());
      List<String> lines = response.body().lines().toList();
      assertEquals(1000, lines.size());
      for (int i = 0; i < lines.size(); i++) {
        JsonNode item = dev.o2c.http.Json.RESPONSES.readTree(lines.get(i));
        assertEquals(i, item.get("index").asInt());
        assertEquals(201, item.get("status").asInt(), lines.get(i));
        assertEquals("bulk-" + i, item.get("idempotencyKey").asText());
      }
      // Each order's credit is reserved, or already an open invoice (invoicing runs meanwhile).
      JsonNode customer = server.get("/v1/customers/bulk").json();
      assertEquals(0, expected.compareTo(new BigDecimal(customer.get("creditUsed").asText())), customer.toString());
      assertEquals(1000, customer.get("openOrders").asInt() + customer.get("openInvoices").asInt(), customer.toString());
    }
  }
}
