package dev.o2c.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.junit.jupiter.api.Test;

/**
 * Roles of API keys, driven by the OpenAPI document: every operation under /v1 states its
 * {@code x-required-role}, and for each one a key without that role gets 403 naming it (before
 * its body is read) while a key with it gets past the check. And a refused change changes nothing.
 */
class RoleRoutesTest extends DomainRouteTestBase {

  private static final String READ = "acme-read-key";
  private static final String ORDERS = "acme-orders-key";
  private static final String FINANCE = "acme-finance-key";

  /** A body for each operation that takes one (a valid one where it matters little; the check comes first). */
  private static final Map<String, String> BODIES = Map.ofEntries(
      Map.entry("createCustomer", customer("role-new", "EUR", "100")),
      Map.entry("updateCustomer", "{\"name\":\"Renamed\"}"),
      Map.entry("placeOrder", order("role-c", "EUR", "W", 1, "1.00")),
      Map.entry("placeOrderBatch", "[" + order("role-c", "EUR", "W", 1, "1.00") + "]"),
      Map.entry("approveOrder", "{}"),
      Map.entry("rejectOrder", "{}"),
      Map.entry("shipOrder", "{}"),
      Map.entry("deliverOrder", "{}"),
      Map.entry("cancelOrder", "{}"),
      Map.entry("createCreditNote", "{\"amount\":\"1.00\",\"reason\":\"damaged\"}"),
      Map.entry("voidInvoice", "{}"),
      Map.entry("receivePayment", "{\"amount\":\"1.00\",\"currency\":\"EUR\",\"customerId\":\"role-c\",\"bankReference\":\"R-1\","
          + "\"receivedOn\":\"2026-11-01\"}"),
      Map.entry("receivePaymentBatch", "[]"),
      Map.entry("allocatePayment", "{\"allocations\":[{\"invoiceId\":\"inv_x\",\"amount\":\"1.00\"}]}"),
      Map.entry("reversePayment", "{}"),
      Map.entry("refundUnappliedCash", "{\"amount\":\"1.00\",\"currency\":\"EUR\",\"reference\":\"R-1\"}"),
      Map.entry("moveBusinessClock", "{\"date\":\"2030-01-01\"}"),
      Map.entry("createReportDefinition", "{\"name\":\"role-def\",\"report\":\"dso\"}"));

  private record Operation(String id, String method, String path, String role) {}

  private static List<Operation> operations() throws Exception {
    JsonNode doc = new ObjectMapper(new YAMLFactory()).readTree(Path.of("docs/openapi.yaml").toFile());
    List<Operation> operations = new ArrayList<>();
    doc.get("paths").fields().forEachRemaining(path -> {
      if (!path.getKey().startsWith("/v1/")) {
        return;
      }
      path.getValue().fields().forEachRemaining(op -> {
        if (op.getValue().has("operationId")) {
          JsonNode role = op.getValue().get("x-required-role");
          assertTrue(role != null && List.of("read", "orders", "finance", "admin").contains(role.asText()),
              op.getValue().get("operationId") + " states the role it needs");
          String concrete = path.getKey().replaceAll("\\{[a-zA-Z]+}", "role-c");
          operations.add(new Operation(op.getValue().get("operationId").asText(), op.getKey(), concrete, role.asText()));
        }
      });
    });
    return operations;
  }

  private HttpRequest request(Operation op) {
    HttpRequest request = HttpRequest.create(op.path()).withMethod(HttpMethods.lookup(op.method().toUpperCase()).orElseThrow());
    String body = BODIES.get(op.id());
    return body == null ? request : request.withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, body));
  }

  @Test
  void every_operation_is_refused_with_403_naming_its_role_to_a_key_without_it_and_allowed_with_it() throws Exception {
    createCustomer(ACME, "role-c", "EUR", "1000");
    List<Operation> operations = operations();
    assertTrue(operations.size() >= 30, "the document's operations: " + operations.size());
    Map<String, List<String>> keyRoles = Map.of(READ, List.of("read"), ORDERS, List.of("read", "orders"),
        FINANCE, List.of("read", "finance"), ACME, List.of("read", "orders", "finance", "admin"));
    int refusals = 0;
    for (Operation op : operations) {
      for (var key : keyRoles.entrySet()) {
        var result = send(key.getKey(), request(op));
        int status = result.response().status().intValue();
        boolean allowed = key.getValue().contains(op.role())
            || op.id().equals("updateCustomer") && key.getKey().equals(FINANCE); // contact data: orders or finance
        String what = op.method() + " " + op.path() + " with " + key.getKey() + ": " + result.entityString();
        if (allowed) {
          assertNotEquals(403, status, what);
          assertTrue(status < 500, what);
        } else {
          JsonNode problem = problem(result, 403, "forbidden");
          assertEquals(op.role(), problem.get("requiredRole").asText(), what);
          assertTrue(problem.get("detail").asText().contains("needs the " + op.role() + " role"), what);
          refusals++;
        }
      }
    }
    assertTrue(refusals > 40, "refusals: " + refusals);
  }

  @Test
  void the_role_is_checked_before_the_body_is_read() {
    var result = send(READ, HttpRequest.POST("/v1/payments").withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, "{not json")));
    assertEquals("finance", problem(result, 403, "forbidden").get("requiredRole").asText());
  }

  @Test
  void a_commerce_channel_changes_contact_data_but_not_credit_and_finance_changes_both() {
    createCustomer(ACME, "role-credit", "EUR", "100");
    var refused = send(ORDERS, HttpRequest.PATCH("/v1/customers/role-credit").withEntity(HttpEntities.create(
        ContentTypes.APPLICATION_JSON, "{\"name\":\"Bigger\",\"creditLimit\":\"1000000\"}")));
    assertEquals("finance", problem(refused, 403, "forbidden").get("requiredRole").asText());
    for (String field : List.of("{\"paymentTermsDays\":90}", "{\"status\":\"ACTIVE\"}")) {
      problem(send(ORDERS, HttpRequest.PATCH("/v1/customers/role-credit")
          .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, field))), 403, "forbidden");
    }
    JsonNode unchanged = json(send(READ, HttpRequest.GET("/v1/customers/role-credit")));
    assertEquals(0, new java.math.BigDecimal(unchanged.get("creditLimit").asText()).compareTo(new java.math.BigDecimal("100")), unchanged.toString());
    assertNotEquals("Bigger", unchanged.get("name").asText(), "nothing of a refused patch is applied");

    send(ORDERS, HttpRequest.PATCH("/v1/customers/role-credit").withEntity(HttpEntities.create(
        ContentTypes.APPLICATION_JSON, "{\"name\":\"Renamed by the shop\"}"))).assertStatusCode(200);
    JsonNode raised = json(send(FINANCE, HttpRequest.PATCH("/v1/customers/role-credit").withEntity(HttpEntities.create(
        ContentTypes.APPLICATION_JSON, "{\"creditLimit\":\"500\"}"))));
    assertEquals(0, new java.math.BigDecimal(raised.get("creditLimit").asText()).compareTo(new java.math.BigDecimal("500")), raised.toString());
    assertEquals("Renamed by the shop", raised.get("name").asText());
  }

  @Test
  void a_channel_places_orders_but_only_finance_approves_a_held_one_and_the_record_names_principal_and_role() {
    createCustomer(ACME, "role-held", "EUR", "10");
    JsonNode held = placeOrder(ORDERS, null, order("role-held", "EUR", "W", 1, "50.00"));
    assertEquals("ON_HOLD", held.get("status").asText());
    assertEquals("acme-web (orders)", held.get("history").get(0).get("by").asText());
    String orderId = held.get("orderId").asText();

    problem(send(ORDERS, HttpRequest.POST("/v1/orders/" + orderId + "/approve")), 403, "forbidden");
    assertEquals("ON_HOLD", json(send(READ, HttpRequest.GET("/v1/orders/" + orderId))).get("status").asText(),
        "a refused approval changes nothing");

    JsonNode approved = json(send(FINANCE, HttpRequest.POST("/v1/orders/" + orderId + "/approve")));
    assertEquals("VERIFIED", approved.get("status").asText());
    assertEquals("acme-ar (finance)", approved.get("approval").get("by").asText());
  }

  @Test
  void a_read_key_reads_but_changes_nothing() {
    createCustomer(ACME, "role-read", "EUR", "100");
    send(READ, HttpRequest.GET("/v1/customers/role-read")).assertStatusCode(200);
    var refused = send(READ, post("/v1/orders", order("role-read", "EUR", "W", 1, "1.00")));
    JsonNode problem = problem(refused, 403, "forbidden");
    assertEquals("orders", problem.get("requiredRole").asText());
    assertTrue(problem.get("detail").asText().contains("this API key has: read"), problem.toString());
    JsonNode customer = json(send(READ, HttpRequest.GET("/v1/customers/role-read")));
    assertEquals(0, new java.math.BigDecimal(customer.get("creditUsed").asText()).signum(), "no order was placed: " + customer);
  }
}
