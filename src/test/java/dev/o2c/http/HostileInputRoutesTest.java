package dev.o2c.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.testkit.TestRouteResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Bodies a careless or hostile client sends, each answered at once with a 400 that says what was
 * wrong — never a 500, or a 503 that a retry meets again — and the server goes on serving: a body
 * of JSON {@code null}, text holding an unpaired UTF-16 surrogate (which JSON's escapes allow but no
 * store can write), numbers whose exponent no decimal can hold.
 */
class HostileInputRoutesTest extends DomainRouteTestBase {

  /** Every write operation that reads a body. */
  private static final List<String[]> BODIES = List.of(
      new String[] {"POST", "/v1/customers"},
      new String[] {"PATCH", "/v1/customers/hostile"},
      new String[] {"POST", "/v1/orders"},
      new String[] {"POST", "/v1/orders/batch"},
      new String[] {"POST", "/v1/orders/ord_x/approve"},
      new String[] {"POST", "/v1/orders/ord_x/reject"},
      new String[] {"POST", "/v1/orders/ord_x/ship"},
      new String[] {"POST", "/v1/orders/ord_x/deliver"},
      new String[] {"POST", "/v1/orders/ord_x/cancel"},
      new String[] {"POST", "/v1/invoices/inv_x/credit-notes"},
      new String[] {"POST", "/v1/invoices/inv_x/void"},
      new String[] {"POST", "/v1/payments"},
      new String[] {"POST", "/v1/payments/batch"},
      new String[] {"POST", "/v1/payments/pay_x/allocations"},
      new String[] {"POST", "/v1/payments/pay_x/reverse"},
      new String[] {"POST", "/v1/customers/hostile/refunds"});

  @BeforeAll
  void aCustomer() {
    send(ACME, post("/v1/customers", customer("hostile", "EUR", "100000.00"))).assertStatusCode(201);
  }

  @Test
  void a_body_of_json_null_is_400_on_every_operation_that_reads_a_body() {
    for (String[] op : BODIES) {
      var result = send(ACME, request(op[0], op[1], "null"));
      JsonNode problem = problem(result, 400, "validation");
      if (op[1].endsWith("/batch")) {
        assertTrue(problem.get("detail").asText().contains("array"), op[1] + ": " + problem);
      } else {
        assertEquals("$", problem.path("errors").path(0).path("field").asText(), op[0] + " " + op[1] + ": " + problem);
      }
    }
    assertAnOrderStillGoesThrough();
  }

  @Test
  void an_unpaired_surrogate_in_any_text_is_400_naming_the_field() {
    String lone = "a\\ud800b";
    assertNamed(send(ACME, post("/v1/customers", "{\"customerId\":\"ls1\",\"name\":\"" + lone + "\",\"currency\":\"EUR\","
        + "\"creditLimit\":\"10\",\"paymentTermsDays\":30}")), "name");
    assertNamed(send(ACME, request("PATCH", "/v1/customers/hostile", "{\"name\":\"" + lone + "\"}")), "name");
    assertNamed(send(ACME, post("/v1/orders", "{\"customerId\":\"hostile\",\"currency\":\"EUR\",\"lines\":[{\"sku\":\"" + lone
        + "\",\"quantity\":1,\"unitPrice\":\"1.00\"}]}")), "lines[0].sku");
    assertNamed(send(ACME, post("/v1/orders", "{\"customerId\":\"hostile\",\"currency\":\"EUR\",\"channel\":\"\\udc00\","
        + "\"lines\":[{\"sku\":\"A\",\"quantity\":1,\"unitPrice\":\"1.00\"}]}")), "channel");
    assertNamed(send(ACME, post("/v1/orders", "{\"customerId\":\"hostile\",\"currency\":\"EUR\",\"externalReference\":\"x\\udbff\","
        + "\"lines\":[{\"sku\":\"A\",\"quantity\":1,\"unitPrice\":\"1.00\"}]}")), "externalReference");
    assertNamed(send(ACME, post("/v1/payments", "{\"amount\":\"1.00\",\"currency\":\"EUR\",\"bankReference\":\"" + lone + "\"}")),
        "bankReference");
    assertNamed(send(ACME, post("/v1/payments", "{\"amount\":\"1.00\",\"currency\":\"EUR\",\"remittanceInfo\":\"" + lone + "\"}")),
        "remittanceInfo");
    assertNamed(send(ACME, post("/v1/customers/hostile/refunds", "{\"amount\":\"1.00\",\"currency\":\"EUR\",\"reference\":\""
        + lone + "\"}")), "reference");
    assertAnOrderStillGoesThrough();
  }

  @Test
  void a_surrogate_pair_is_text_like_any_other() {
    var created = send(ACME, post("/v1/customers", "{\"customerId\":\"emoji\",\"name\":\"Caf\\u00e9 \\ud83d\\ude00\","
        + "\"currency\":\"EUR\",\"creditLimit\":\"10\",\"paymentTermsDays\":30}"));

    created.assertStatusCode(201);
    assertEquals("Café \uD83D\uDE00", json(created).get("name").asText());
  }

  @Test
  void a_number_no_decimal_can_hold_is_400_wherever_it_is() {
    for (String number : List.of("1e2147483648", "1e-2147483648", "-1e2147483648")) {
      problem(send(ACME, request("PATCH", "/v1/customers/hostile", "{\"creditLimit\":" + number + "}")), 400, "malformed-json");
      problem(send(ACME, request("PATCH", "/v1/customers/hostile", "{\"paymentTermsDays\":" + number + "}")), 400, "malformed-json");
      var posted = send(ACME, post("/v1/customers", "{\"customerId\":\"big\",\"name\":\"B\",\"currency\":\"EUR\",\"creditLimit\":"
          + number + ",\"paymentTermsDays\":30}"));
      assertEquals(400, posted.response().status().intValue(), posted.entityString());
      var order = send(ACME, post("/v1/orders", "{\"customerId\":\"hostile\",\"currency\":\"EUR\",\"lines\":[{\"sku\":\"A\","
          + "\"quantity\":1,\"unitPrice\":" + number + "}]}"));
      assertEquals(400, order.response().status().intValue(), order.entityString());
    }
    assertFalse(json(send(ACME, HttpRequest.GET("/v1/customers/hostile"))).get("creditLimit").asText().contains("E"));
    assertAnOrderStillGoesThrough();
  }

  private static void assertNamed(TestRouteResult result, String field) {
    JsonNode problem = problem(result, 400, "validation");
    JsonNode errors = problem.get("errors");
    assertTrue(errors != null && errors.size() > 0, problem.toString());
    assertEquals(field, errors.get(0).get("field").asText(), problem.toString());
    assertTrue(errors.get(0).get("message").asText().contains("surrogate"), problem.toString());
  }

  private void assertAnOrderStillGoesThrough() {
    send(ACME, post("/v1/orders", order("hostile", "EUR", "OK-1", 1, "1.00"))).assertStatusCode(201);
  }

  private static HttpRequest request(String method, String path, String body) {
    return HttpRequest.create(path).withMethod(method.equals("PATCH") ? HttpMethods.PATCH : HttpMethods.POST)
        .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, body));
  }
}
