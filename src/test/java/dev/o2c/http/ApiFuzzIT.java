package dev.o2c.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.o2c.support.Http;
import dev.o2c.support.TestServer;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * A share of {@link ApiFuzzTest}'s corpus (another seed) against the real server and its Cassandra
 * node, over HTTP: no answer 5xx, every error problem+json, and a normal order afterwards.
 */
class ApiFuzzIT {

  private static final long SEED = 29112026L;
  private static final int REQUESTS = 1_500;

  @Test
  void hostile_requests_against_the_real_server_get_no_5xx() throws Exception {
    try (TestServer server = TestServer.start("fuzz_it")) {
      assertEquals(201, server.postJson("/v1/customers", "{\"customerId\":\"fz\",\"name\":\"Fuzz\",\"currency\":\"EUR\","
          + "\"creditLimit\":\"100000\",\"paymentTermsDays\":30}", null).status());
      List<String> real = new ArrayList<>(List.of("fz"));
      var placed = server.postJson("/v1/orders", "{\"customerId\":\"fz\",\"currency\":\"EUR\",\"lines\":[{\"sku\":\"A\","
          + "\"quantity\":1,\"unitPrice\":\"10.00\"}]}", null).json();
      real.add(placed.get("orderId").asText());
      real.add(placed.get("invoiceId").asText());
      Random random = new Random(SEED);
      Map<Integer, Integer> statuses = new TreeMap<>();
      int sent = 0;
      for (int i = 0; i < REQUESTS; i++) {
        ApiFuzzTest.Generated g = ApiFuzzTest.generate(random, real);
        HttpRequest.Builder request;
        try {
          request = server.request(g.target())
              .method(g.method(), g.body() == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(g.body()));
          if (g.contentType() != null) {
            request.header("Content-Type", g.contentType());
          }
          if (g.idempotencyKey() != null) {
            request.header("Idempotency-Key", g.idempotencyKey());
          }
        } catch (IllegalArgumentException clientRefused) {
          continue; // a header value or URI the JDK's client will not send; the route suite sends it
        }
        Http.Response response = server.http().send(request);
        sent++;
        statuses.merge(response.status(), 1, Integer::sum);
        String what = "request " + i + " of seed " + SEED + ": " + g.method() + " " + g.target();
        assertTrue(response.status() < 500, () -> what + " answered " + response.status() + ": " + response.body());
        if (response.status() >= 400) {
          assertTrue(response.raw().headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json"), what);
          assertTrue(response.json().path("detail").asText().length() > 0, what + ": " + response.body());
        }
      }
      System.out.println("ApiFuzzIT: " + sent + " requests sent, answers by status: " + statuses);
      assertTrue(sent > REQUESTS * 9 / 10, "most of the corpus was sent: " + sent);
      assertEquals(201, server.postJson("/v1/orders", "{\"customerId\":\"fz\",\"currency\":\"EUR\",\"lines\":[{\"sku\":\"OK\","
          + "\"quantity\":1,\"unitPrice\":\"1.00\"}]}", null).status());
    }
  }
}
