package dev.o2c.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.o2c.Contexts;
import dev.o2c.infra.BusinessClock;
import dev.o2c.infra.O2cConfig;
import dev.o2c.infra.health.Readiness;
import dev.o2c.invoice.InvoiceIds;
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
import org.apache.pekko.persistence.testkit.PersistenceTestKitPlugin;
import org.apache.pekko.persistence.testkit.PersistenceTestKitSnapshotPlugin;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import scala.concurrent.duration.FiniteDuration;

/**
 * The customer, order and alert routes against the real entities on a one-node cluster, with the
 * in-memory journal: every status code of the API, and tenant isolation.
 */
class DomainRoutesTest extends DomainRouteTestBase {



  // --- customers -----------------------------------------------------------------------------

  @Test
  void the_benchmarks_echo_route_is_not_there_unless_configured() {
    problem(send(ACME, post("/v1/echo", "{\"a\":1}")), 404, "not-found");
  }

  @Test
  void a_customer_is_created_read_and_changed() {
    var created = send(ACME, post("/v1/customers", customer("c-read", "EUR", "500")));
    created.assertStatusCode(201);
    created.assertHeaderExists("Location", "/v1/customers/c-read");
    JsonNode body = json(created);
    assertEquals("500.00", body.get("creditLimit").asText());
    assertEquals("0.00", body.get("creditUsed").asText());
    assertEquals("500.00", body.get("availableCredit").asText());
    assertEquals("ACTIVE", body.get("status").asText());

    var read = send(ACME, HttpRequest.GET("/v1/customers/c-read"));
    read.assertStatusCode(200);
    assertEquals("Customer c-read", json(read).get("name").asText());

    var patched = send(ACME, HttpRequest.PATCH("/v1/customers/c-read").withEntity(HttpEntities.create(
        ContentTypes.APPLICATION_JSON, "{\"creditLimit\":750.5,\"status\":\"CREDIT_HOLD\",\"email\":\"ap@c.example\"}")));
    patched.assertStatusCode(200);
    assertEquals("750.50", json(patched).get("creditLimit").asText());
    assertEquals("CREDIT_HOLD", json(patched).get("status").asText());
    assertEquals("ap@c.example", json(patched).get("email").asText());
  }

  @Test
  void a_customer_without_an_id_gets_one_and_a_retry_with_the_key_gets_the_same_answer() {
    String body = "{\"name\":\"Anon\",\"currency\":\"USD\",\"creditLimit\":100,\"paymentTermsDays\":14}";
    var first = send(ACME, post("/v1/customers", body).addHeader(RawHeader.create("Idempotency-Key", "cust-k1")));
    first.assertStatusCode(201);
    String id = json(first).get("customerId").asText();
    assertTrue(id.startsWith("cus_"), id);
    var again = send(ACME, post("/v1/customers", body).addHeader(RawHeader.create("Idempotency-Key", "cust-k1")));
    again.assertStatusCode(201);
    again.assertHeaderExists("Idempotent-Replayed", "true");
    assertEquals(id, json(again).get("customerId").asText());
    var different = send(ACME, post("/v1/customers", body.replace("Anon", "Other"))
        .addHeader(RawHeader.create("Idempotency-Key", "cust-k1")));
    problem(different, 422, "idempotency-key-reused");
  }

  @Test
  void a_taken_customer_id_is_409() {
    createCustomer(ACME, "c-taken", "EUR", "10");
    var body = problem(send(ACME, post("/v1/customers", customer("c-taken", "EUR", "10"))), 409, "already-exists");
    assertTrue(body.get("detail").asText().contains("c-taken"));
  }

  @Test
  void an_invalid_customer_is_400_with_every_field_error() {
    var body = problem(send(ACME, post("/v1/customers",
        "{\"name\":\" \",\"currency\":\"EURO\",\"creditLimit\":\"-1\",\"paymentTermsDays\":400,\"email\":\"nope\"}")),
        400, "validation");
    var fields = body.get("errors").findValuesAsText("field");
    assertTrue(fields.containsAll(List.of("name", "currency", "creditLimit", "paymentTermsDays", "email")), fields.toString());
  }

  @Test
  void an_unknown_customer_is_404_for_read_and_change() {
    problem(send(ACME, HttpRequest.GET("/v1/customers/nobody")), 404, "not-found");
    problem(send(ACME, HttpRequest.PATCH("/v1/customers/nobody")
        .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, "{\"name\":\"x\"}"))), 404, "not-found");
    problem(send(ACME, HttpRequest.GET("/v1/customers/bad%20id")), 404, "not-found");
  }

  @Test
  void a_patch_with_a_bad_or_unknown_field_is_400() {
    createCustomer(ACME, "c-patch", "JPY", "1000");
    var overPrecise = problem(send(ACME, HttpRequest.PATCH("/v1/customers/c-patch").withEntity(HttpEntities.create(
        ContentTypes.APPLICATION_JSON, "{\"creditLimit\":\"10.5\"}"))), 400, "validation");
    assertEquals("creditLimit", overPrecise.get("errors").get(0).get("field").asText());
    var unknown = problem(send(ACME, HttpRequest.PATCH("/v1/customers/c-patch").withEntity(HttpEntities.create(
        ContentTypes.APPLICATION_JSON, "{\"currency\":\"EUR\"}"))), 400, "validation");
    assertEquals("currency", unknown.get("errors").get(0).get("field").asText());
  }

  // --- orders --------------------------------------------------------------------------------

  @Test
  void an_order_within_credit_is_verified_and_invoiced_in_the_same_write() {
    createCustomer(ACME, "c-verified", "EUR", "100");
    var result = send(ACME, post("/v1/orders", order("c-verified", "EUR", "W", 3, "19.99")));
    result.assertStatusCode(201);
    JsonNode order = json(result);
    String orderId = order.get("orderId").asText();
    result.assertHeaderExists("Location", "/v1/orders/" + orderId);
    assertEquals("VERIFIED", order.get("status").asText());
    assertEquals("UNPAID", order.get("paymentStatus").asText());
    assertEquals("59.97", order.get("total").asText());
    assertEquals("59.97", order.get("grossTotal").asText(), "no tax code: the gross is the net");
    assertEquals("59.97", order.get("lines").get(0).get("lineTotal").asText());
    assertEquals("acme-shop (orders)", order.get("history").get(0).get("by").asText());
    assertEquals(InvoiceIds.forOrder(orderId), order.get("invoiceId").asText());
    assertTrue(order.get("invoiceNumber").asText().matches("INV-\\d{4}-\\d{6}"), order.toString());
    assertEquals(order, json(send(ACME, HttpRequest.GET("/v1/orders/" + orderId))), "the order stored what it answered");
    var customer = json(send(ACME, HttpRequest.GET("/v1/customers/c-verified")));
    assertEquals("59.97", customer.get("creditUsed").asText());
    assertEquals("40.03", customer.get("availableCredit").asText());
    assertEquals("0.00", customer.get("reservedForOrders").asText(), "invoiced: the invoice holds the credit, not the order");
    assertEquals("59.97", customer.get("openReceivables").asText());
  }

  @Test
  void credit_is_checked_at_the_gross_total_with_tax() {
    createCustomer(ACME, "c-gross", "EUR", "20");
    JsonNode held = placeOrder(ACME, null, "{\"customerId\":\"c-gross\",\"currency\":\"EUR\",\"lines\":["
        + "{\"sku\":\"W\",\"quantity\":2,\"unitPrice\":\"10.00\",\"taxCode\":\"STANDARD\"}]}");

    assertEquals("ON_HOLD", held.get("status").asText(), "20.00 net is within the limit, 23.80 gross is not");
    assertEquals("20.00", held.get("total").asText());
    assertEquals("23.80", held.get("grossTotal").asText());
    JsonNode reason = held.get("holdReasons").get(0);
    assertEquals("CREDIT_LIMIT_EXCEEDED", reason.get("code").asText());
    assertTrue(reason.get("detail").asText().contains("23.80 EUR (tax included)"), reason.toString());
    assertFalse(held.hasNonNull("invoiceId"), "a held order is not invoiced");
    JsonNode customer = json(send(ACME, HttpRequest.GET("/v1/customers/c-gross")));
    assertEquals("0.00", customer.get("creditUsed").asText());
    assertEquals("0.00", customer.get("openReceivables").asText());
  }

  @Test
  void the_same_key_and_body_returns_the_first_order_and_a_different_body_is_422() {
    createCustomer(ACME, "c-idem", "EUR", "100");
    JsonNode first = placeOrder(ACME, "idem-1", order("c-idem", "EUR", "W", 1, "10.00"));
    var again = send(ACME, post("/v1/orders", order("c-idem", "EUR", "W", 1, "10"))
        .addHeader(RawHeader.create("Idempotency-Key", "idem-1")));
    again.assertStatusCode(201);
    again.assertHeaderExists("Idempotent-Replayed", "true");
    assertEquals(first, json(again));
    problem(send(ACME, post("/v1/orders", order("c-idem", "EUR", "W", 2, "10.00"))
        .addHeader(RawHeader.create("Idempotency-Key", "idem-1"))), 422, "idempotency-key-reused");
    assertEquals("10.00", json(send(ACME, HttpRequest.GET("/v1/customers/c-idem"))).get("creditUsed").asText(),
        "the retry reserved nothing more");
  }

  @Test
  void a_bad_idempotency_key_is_400() {
    var body = problem(send(ACME, post("/v1/orders", order("c-x", "EUR", "W", 1, "1"))
        .addHeader(RawHeader.create("Idempotency-Key", "x".repeat(256)))), 400, "validation");
    assertEquals("Idempotency-Key", body.get("errors").get(0).get("field").asText());
  }

  @Test
  void an_order_over_the_available_credit_is_held_with_a_machine_readable_reason() {
    createCustomer(ACME, "c-held", "EUR", "50");
    JsonNode order = placeOrder(ACME, null, order("c-held", "EUR", "W", 1, "60.00"));
    assertEquals("ON_HOLD", order.get("status").asText());
    assertEquals("CREDIT_LIMIT_EXCEEDED", order.get("holdReasons").get(0).get("code").asText());
    assertEquals("0.00", json(send(ACME, HttpRequest.GET("/v1/customers/c-held"))).get("creditUsed").asText(),
        "a held order reserves nothing");
  }

  @Test
  void rules_hold_alert_and_route() {
    createCustomer(ACME, "c-rules", "EUR", "100000");
    JsonNode big = placeOrder(ACME, null, order("c-rules", "EUR", "CRANE", 1, "1000.01"));
    assertEquals("ON_HOLD", big.get("status").asText());
    assertEquals("LARGE_ORDER", big.get("holdReasons").get(0).get("code").asText());
    assertEquals("big", big.get("holdReasons").get(0).get("rule").asText());
    JsonNode routed = placeOrder(ACME, null,
        "{\"customerId\":\"c-rules\",\"currency\":\"EUR\",\"channel\":\"b2b\",\"lines\":[{\"sku\":\"W\",\"quantity\":1,\"unitPrice\":1}]}");
    assertEquals("VERIFIED", routed.get("status").asText());
    assertEquals("b2b-review", routed.get("reviewQueue").asText());
  }

  @Test
  void invalid_orders_are_400_naming_each_field() {
    var body = problem(send(ACME, post("/v1/orders",
        "{\"customerId\":\"c\",\"currency\":\"JPY\",\"lines\":[{\"sku\":\"A\",\"quantity\":0,\"unitPrice\":\"1.5\"}]}")),
        400, "validation");
    var fields = body.get("errors").findValuesAsText("field");
    assertEquals(List.of("lines[0].quantity", "lines[0].unitPrice"), fields);
    problem(send(ACME, post("/v1/orders", "{\"customerId\":\"c\",\"currency\":\"EUR\",\"lines\":[]}")), 400, "validation");
    var tooMany = problem(send(ACME, post("/v1/orders", "{\"customerId\":\"c\",\"currency\":\"EUR\",\"lines\":["
        + "{\"sku\":\"A\",\"quantity\":1,\"unitPrice\":1},".repeat(3) + "{\"sku\":\"A\",\"quantity\":1,\"unitPrice\":1}]}")),
        400, "validation");
    assertEquals("lines", tooMany.get("errors").get(0).get("field").asText());
    problem(send(ACME, post("/v1/orders", "{\"customerId\":\"c\",\"currency\":\"XYZ\",\"lines\":[{\"sku\":\"A\",\"quantity\":1,"
        + "\"unitPrice\":-1}]}")), 400, "validation");
  }

  @Test
  void impossible_orders_are_422_and_store_nothing() {
    createCustomer(ACME, "c-usd", "USD", "100");
    createCustomer(ACME, "c-blocked", "EUR", "100");
    send(ACME, HttpRequest.PATCH("/v1/customers/c-blocked").withEntity(HttpEntities.create(
        ContentTypes.APPLICATION_JSON, "{\"status\":\"BLOCKED\"}"))).assertStatusCode(200);
    problem(send(ACME, post("/v1/orders", order("nobody", "EUR", "W", 1, "1"))), 422, "unprocessable");
    var mismatch = problem(send(ACME, post("/v1/orders", order("c-usd", "EUR", "W", 1, "1"))), 422, "unprocessable");
    assertTrue(mismatch.get("detail").asText().contains("USD"));
    problem(send(ACME, post("/v1/orders", order("c-blocked", "EUR", "W", 1, "1"))
        .addHeader(RawHeader.create("Idempotency-Key", "blocked-1"))), 422, "unprocessable");
    // Nothing was stored under the key: once unblocked, the same key places the order.
    send(ACME, HttpRequest.PATCH("/v1/customers/c-blocked").withEntity(HttpEntities.create(
        ContentTypes.APPLICATION_JSON, "{\"status\":\"ACTIVE\"}"))).assertStatusCode(200);
    assertEquals("VERIFIED", placeOrder(ACME, "blocked-1", order("c-blocked", "EUR", "W", 1, "1")).get("status").asText());
  }

  @Test
  void a_held_order_is_approved_beyond_the_limit_then_shipped_and_delivered() {
    createCustomer(ACME, "c-life", "EUR", "50");
    String id = placeOrder(ACME, null, order("c-life", "EUR", "W", 1, "80.00")).get("orderId").asText();
    var approved = send(ACME, post("/v1/orders/" + id + "/approve", "{\"note\":\"good customer\"}"));
    approved.assertStatusCode(200);
    assertEquals("VERIFIED", json(approved).get("status").asText());
    assertEquals(List.of("CREDIT_LIMIT_EXCEEDED"), toList(json(approved).get("approval").get("overridden")));
    assertEquals("acme-shop (finance)", json(approved).get("approval").get("by").asText());
    assertEquals("-30.00", json(send(ACME, HttpRequest.GET("/v1/customers/c-life"))).get("availableCredit").asText());

    var shipped = send(ACME, post("/v1/orders/" + id + "/ship", "{\"carrier\":\"DHL\",\"trackingNumber\":\"T1\"}"));
    shipped.assertStatusCode(200);
    assertEquals("DHL", json(shipped).get("shipment").get("carrier").asText());
    var delivered = send(ACME, HttpRequest.POST("/v1/orders/" + id + "/deliver"));
    delivered.assertStatusCode(200);
    JsonNode order = json(send(ACME, HttpRequest.GET("/v1/orders/" + id)));
    assertEquals("DELIVERED", order.get("status").asText());
    assertEquals(List.of("ON_HOLD", "VERIFIED", "SHIPPED", "DELIVERED"), order.get("history").findValuesAsText("status"));
  }

  @Test
  void illegal_transitions_are_409_with_the_current_status() {
    createCustomer(ACME, "c-illegal", "EUR", "100");
    String id = placeOrder(ACME, null, order("c-illegal", "EUR", "W", 1, "1.00")).get("orderId").asText();
    var approve = problem(send(ACME, HttpRequest.POST("/v1/orders/" + id + "/approve")), 409, "illegal-transition");
    assertEquals("VERIFIED", approve.get("currentStatus").asText());
    problem(send(ACME, HttpRequest.POST("/v1/orders/" + id + "/deliver")), 409, "illegal-transition");
    send(ACME, HttpRequest.POST("/v1/orders/" + id + "/ship")).assertStatusCode(200);
    var cancel = problem(send(ACME, HttpRequest.POST("/v1/orders/" + id + "/cancel")), 409, "illegal-transition");
    assertEquals("SHIPPED", cancel.get("currentStatus").asText());
  }

  @Test
  void a_verified_order_can_be_cancelled_and_a_held_one_rejected() {
    createCustomer(ACME, "c-cancel", "EUR", "10");
    String verified = placeOrder(ACME, null, order("c-cancel", "EUR", "W", 1, "5")).get("orderId").asText();
    var cancelled = send(ACME, post("/v1/orders/" + verified + "/cancel", "{\"reason\":\"out of stock\"}"));
    cancelled.assertStatusCode(200);
    assertEquals("out of stock", json(cancelled).get("history").get(1).get("note").asText());
    String held = placeOrder(ACME, null, order("c-cancel", "EUR", "W", 1, "50")).get("orderId").asText();
    var rejected = send(ACME, HttpRequest.POST("/v1/orders/" + held + "/reject"));
    rejected.assertStatusCode(200);
    assertEquals("REJECTED", json(rejected).get("status").asText());
  }

  @Test
  void a_transition_body_must_be_json_without_unknown_fields() {
    createCustomer(ACME, "c-body", "EUR", "10");
    String id = placeOrder(ACME, null, order("c-body", "EUR", "W", 1, "5")).get("orderId").asText();
    problem(send(ACME, post("/v1/orders/" + id + "/cancel", "{\"why\":\"x\"}")), 400, "validation");
    problem(send(ACME, HttpRequest.POST("/v1/orders/" + id + "/cancel")
        .withEntity(HttpEntities.create(ContentTypes.TEXT_PLAIN_UTF8, "x"))), 415, "unsupported-media-type");
  }

  @Test
  void get_on_the_batch_path_is_405_not_an_unknown_order() {
    var result = send(ACME, HttpRequest.GET("/v1/orders/batch"));
    problem(result, 405, "method-not-allowed");
    result.assertHeaderExists("Allow", "POST");
  }

  @Test
  void an_empty_body_without_a_content_type_is_400_not_415() {
    problem(send(ACME, HttpRequest.POST("/v1/orders")), 400, "validation");
    problem(send(ACME, HttpRequest.POST("/v1/customers")), 400, "validation");
  }

  @Test
  void a_batch_item_that_fails_validation_still_names_its_key() {
    createCustomer(ACME, "c-keyed", "EUR", "10");
    JsonNode items = json(send(ACME, post("/v1/orders/batch",
        "[{\"idempotencyKey\":\"kk-1\",\"customerId\":\"c-keyed\",\"currency\":\"EUR\",\"lines\":[]}]")));
    assertEquals(400, items.get(0).get("status").asInt());
    assertEquals("kk-1", items.get(0).get("idempotencyKey").asText());
  }

  @Test
  void an_unknown_order_is_404_for_every_request() {
    problem(send(ACME, HttpRequest.GET("/v1/orders/ord_nothing")), 404, "not-found");
    for (String action : List.of("approve", "reject", "ship", "deliver", "cancel")) {
      problem(send(ACME, HttpRequest.POST("/v1/orders/ord_nothing/" + action)), 404, "not-found");
    }
  }

  @Test
  void another_tenant_sees_nothing_of_this_one() {
    createCustomer(ACME, "c-private", "EUR", "100");
    String id = placeOrder(ACME, "private-1", order("c-private", "EUR", "W", 1, "1")).get("orderId").asText();
    problem(send(GLOBEX, HttpRequest.GET("/v1/customers/c-private")), 404, "not-found");
    problem(send(GLOBEX, HttpRequest.GET("/v1/orders/" + id)), 404, "not-found");
    problem(send(GLOBEX, HttpRequest.POST("/v1/orders/" + id + "/cancel")), 404, "not-found");
    problem(send(GLOBEX, post("/v1/orders", order("c-private", "EUR", "W", 1, "1"))), 422, "unprocessable");
    // The same Idempotency-Key in another tenant is another key.
    createCustomer(GLOBEX, "c-private", "EUR", "100");
    String theirs = placeOrder(GLOBEX, "private-1", order("c-private", "EUR", "W", 1, "1")).get("orderId").asText();
    assertNotEquals(id, theirs);
  }

  // --- batch ---------------------------------------------------------------------------------

  @Test
  void a_json_batch_answers_each_order_in_request_order() {
    createCustomer(ACME, "c-batch", "EUR", "1000");
    String batch = "[" + String.join(",",
        "{\"idempotencyKey\":\"bk-1\",\"customerId\":\"c-batch\",\"currency\":\"EUR\",\"lines\":[{\"sku\":\"W\",\"quantity\":1,\"unitPrice\":\"10\"}]}",
        "{\"customerId\":\"nobody\",\"currency\":\"EUR\",\"lines\":[{\"sku\":\"W\",\"quantity\":1,\"unitPrice\":\"10\"}]}",
        "{\"customerId\":\"c-batch\",\"currency\":\"EUR\",\"lines\":[]}",
        "{\"customerId\":\"c-batch\",\"currency\":\"EUR\",\"colour\":\"red\",\"lines\":[{\"sku\":\"W\",\"quantity\":1,\"unitPrice\":\"1\"}]}",
        "{\"customerId\":\"c-batch\",\"currency\":\"EUR\",\"lines\":[{\"sku\":\"W\",\"quantity\":1,\"unitPrice\":\"2000\"}]}") + "]";
    var result = send(ACME, post("/v1/orders/batch", batch));
    result.assertStatusCode(200);
    JsonNode items = json(result);
    assertEquals(5, items.size());
    assertEquals(List.of("0", "1", "2", "3", "4"), items.findValuesAsText("index"));
    assertEquals(201, items.get(0).get("status").asInt());
    assertEquals("bk-1", items.get(0).get("idempotencyKey").asText());
    assertEquals(422, items.get(1).get("status").asInt());
    assertEquals(400, items.get(2).get("status").asInt());
    assertEquals("colour", items.get(3).get("problem").get("errors").get(0).get("field").asText());
    assertEquals("ON_HOLD", items.get(4).get("order").get("status").asText());

    var again = json(send(ACME, post("/v1/orders/batch", "[" + batch.substring(1, batch.indexOf("},{") + 1) + "]")));
    assertTrue(again.get(0).get("replayed").asBoolean());
    assertEquals(items.get(0).get("order").get("orderId"), again.get(0).get("order").get("orderId"));
  }

  @Test
  void an_ndjson_batch_is_answered_in_ndjson_and_blank_lines_are_skipped() {
    createCustomer(ACME, "c-ndjson", "EUR", "1000");
    String lines = order("c-ndjson", "EUR", "W", 1, "1") + "\n\n" + order("c-ndjson", "EUR", "W", 2, "1") + "\n";
    var result = send(ACME, HttpRequest.POST("/v1/orders/batch").withEntity(HttpEntities.create(BatchIntake.NDJSON, org.apache.pekko.util.ByteString.fromString(lines))));
    result.assertStatusCode(200);
    result.assertContentType(BatchIntake.NDJSON);
    List<String> out = result.entityString().lines().toList();
    assertEquals(2, out.size());
    assertTrue(out.get(1).contains("\"index\":1") && out.get(1).contains("\"total\":\"2.00\""), out.get(1));
  }

  @Test
  void orders_beyond_the_batch_limit_are_answered_413_each_and_not_placed() {
    createCustomer(ACME, "c-limit", "EUR", "1000");
    String one = order("c-limit", "EUR", "W", 1, "1");
    JsonNode items = json(send(ACME, post("/v1/orders/batch", "[" + String.join(",", java.util.Collections.nCopies(7, one)) + "]")));
    assertEquals(7, items.size());
    assertEquals(201, items.get(4).get("status").asInt());
    assertEquals(413, items.get(5).get("status").asInt());
    assertEquals(413, items.get(6).get("status").asInt());
    assertEquals("5.00", json(send(ACME, HttpRequest.GET("/v1/customers/c-limit"))).get("creditUsed").asText());
  }

  @Test
  void a_batch_that_is_not_an_array_or_has_a_header_key_is_400_and_other_types_415() {
    problem(send(ACME, post("/v1/orders/batch", order("c", "EUR", "W", 1, "1"))), 400, "validation");
    problem(send(ACME, post("/v1/orders/batch", "")), 400, "validation");
    problem(send(ACME, post("/v1/orders/batch", "[]").addHeader(RawHeader.create("Idempotency-Key", "k"))), 400, "validation");
    problem(send(ACME, HttpRequest.POST("/v1/orders/batch").withEntity(HttpEntities.create(ContentTypes.TEXT_PLAIN_UTF8, "[]"))),
        415, "unsupported-media-type");
    var empty = send(ACME, post("/v1/orders/batch", "[]"));
    empty.assertStatusCode(200);
    assertEquals("[]", empty.entityString());
  }

  @Test
  void a_batch_broken_off_midway_keeps_the_answers_before_the_break() {
    createCustomer(ACME, "c-broken", "EUR", "1000");
    JsonNode items = json(send(ACME, post("/v1/orders/batch", "[" + order("c-broken", "EUR", "W", 1, "1") + ", 42, {]")));
    assertEquals(201, items.get(0).get("status").asInt());
    JsonNode last = items.get(items.size() - 1);
    assertEquals(400, last.get("status").asInt());
    assertFalse(last.has("index"));
  }

  // --- documentation -------------------------------------------------------------------------

  @Test
  void the_openapi_document_is_served_as_yaml() {
    var result = send(ACME, HttpRequest.GET("/v1/openapi.yaml"));
    result.assertStatusCode(200);
    result.assertContentType(OpenApiRoutes.YAML);
    assertTrue(result.entityString().startsWith("openapi: 3.1.0"), result.entityString().substring(0, 40));
  }

  // --- alerts --------------------------------------------------------------------------------

  @Test
  void an_alert_rule_raises_its_alert_through_the_ledger_projection() throws Exception {
    createCustomer(ACME, "c-gift", "EUR", "1000");
    String orderId = placeOrder(ACME, null, order("c-gift", "EUR", "GIFT", 1, "25.00")).get("orderId").asText();

    projectLedger("c-gift");

    JsonNode alerts = json(send(ACME, HttpRequest.GET("/v1/alerts"))).get("alerts");
    JsonNode alert = null;
    for (JsonNode a : alerts) {
      if (orderId.equals(a.path("orderId").asText())) {
        alert = a;
      }
    }
    assertTrue(alert != null, "no alert of " + orderId + " in " + alerts);
    assertEquals("ORDER_RULE", alert.get("kind").asText());
    assertEquals("gift", alert.get("rule").asText());
    assertEquals("gift card", alert.get("message").asText());
    assertEquals("c-gift", alert.get("customerId").asText());
    assertFalse(json(send(GLOBEX, HttpRequest.GET("/v1/alerts"))).get("alerts").toString().contains(orderId), "not another tenant's");
  }

  @Test
  void alerts_take_a_bounded_limit() {
    send(ACME, HttpRequest.GET("/v1/alerts?limit=10&days=30")).assertStatusCode(200);
    var body = problem(send(ACME, HttpRequest.GET("/v1/alerts?limit=0")), 400, "validation");
    assertEquals("limit", body.get("errors").get(0).get("field").asText());
    problem(send(ACME, HttpRequest.GET("/v1/alerts?days=abc")), 400, "validation");
  }
}
