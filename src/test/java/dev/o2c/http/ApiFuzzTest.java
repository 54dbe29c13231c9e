package dev.o2c.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.testkit.TestRouteResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A fuzz suite over every operation of the OpenAPI document: 12,000 generated requests from a
 * fixed seed (the same corpus on every run; a failure names its seed and index), each a valid
 * request of its operation made hostile — a field replaced by a wrong type, a huge or tiny number,
 * too many decimals, a long or invalid-unicode string, deep nesting, a duplicate key, truncated
 * JSON, another content type or encoding, a hostile id in the path, hostile query parameters and
 * Idempotency-Keys. Every answer must be below 500, every error problem+json with a detail, and the
 * server must serve a normal order afterwards.
 */
class ApiFuzzTest extends DomainRouteTestBase {

  private static final long SEED = 20261129L;
  private static final int REQUESTS = 12_000;
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** An operation: method, path template ({id} replaced), a valid body (null: none) and query parameters it reads. */
  private record Operation(String method, String path, String body, List<String> query) {}

  private static final String ORDER =
      "{\"customerId\":\"fz\",\"currency\":\"EUR\",\"lines\":[{\"sku\":\"A\",\"quantity\":1,\"unitPrice\":\"1.00\"}],"
          + "\"channel\":\"web\",\"externalReference\":\"PO-1\"}";
  private static final String PAYMENT = "{\"amount\":\"1.00\",\"currency\":\"EUR\",\"customerId\":\"fz\",\"bankReference\":\"B-1\","
      + "\"remittanceInfo\":\"INV-2026-000001\",\"receivedOn\":\"2026-11-01\"}";

  private static final List<Operation> OPERATIONS = List.of(
      new Operation("POST", "/v1/customers", "{\"customerId\":\"c1\",\"name\":\"N\",\"email\":\"a@b.example\",\"currency\":\"EUR\","
          + "\"creditLimit\":\"1000.00\",\"paymentTermsDays\":30}", List.of()),
      new Operation("GET", "/v1/customers/{id}", null, List.of()),
      new Operation("PATCH", "/v1/customers/{id}", "{\"name\":\"X\",\"creditLimit\":\"10\",\"status\":\"ACTIVE\"}", List.of()),
      new Operation("POST", "/v1/orders", ORDER, List.of()),
      new Operation("POST", "/v1/orders/batch", "[" + ORDER + "]", List.of()),
      new Operation("GET", "/v1/orders/{id}", null, List.of()),
      new Operation("POST", "/v1/orders/{id}/approve", "{\"note\":\"ok\"}", List.of()),
      new Operation("POST", "/v1/orders/{id}/reject", "{\"reason\":\"no\"}", List.of()),
      new Operation("POST", "/v1/orders/{id}/ship", "{\"carrier\":\"DHL\",\"trackingNumber\":\"T1\"}", List.of()),
      new Operation("POST", "/v1/orders/{id}/deliver", "{}", List.of()),
      new Operation("POST", "/v1/orders/{id}/invoice", null, List.of()),
      new Operation("POST", "/v1/orders/{id}/cancel", "{\"reason\":\"changed mind\"}", List.of()),
      new Operation("GET", "/v1/customers/{id}/invoices", null, List.of("status", "limit", "pageToken")),
      new Operation("GET", "/v1/invoices", null, List.of("number")),
      new Operation("GET", "/v1/invoices/{id}", null, List.of()),
      new Operation("POST", "/v1/invoices/{id}/credit-notes", "{\"amount\":\"1.00\",\"reason\":\"damaged\"}", List.of()),
      new Operation("POST", "/v1/invoices/{id}/void", "{\"reason\":\"wrong\"}", List.of()),
      new Operation("POST", "/v1/payments", PAYMENT, List.of()),
      new Operation("GET", "/v1/payments", null, List.of("status", "customerId", "limit", "pageToken")),
      new Operation("POST", "/v1/payments/batch", "[" + PAYMENT + "]", List.of()),
      new Operation("POST", "/v1/payments/attribute", null, List.of("pageToken")),
      new Operation("GET", "/v1/payments/{id}", null, List.of()),
      new Operation("POST", "/v1/payments/{id}/attribute", null, List.of()),
      new Operation("POST", "/v1/payments/{id}/allocations", "{\"allocations\":[{\"invoiceId\":\"inv_x\",\"amount\":\"1.00\"}]}",
          List.of()),
      new Operation("DELETE", "/v1/payments/{id}/allocations/{id}", null, List.of()),
      new Operation("POST", "/v1/payments/{id}/reverse", "{\"reason\":\"chargeback\"}", List.of()),
      new Operation("POST", "/v1/customers/{id}/refunds", "{\"amount\":\"1.00\",\"currency\":\"EUR\",\"reference\":\"R-1\"}", List.of()),
      new Operation("GET", "/v1/customers/{id}/statement", null, List.of("from", "to")),
      new Operation("GET", "/v1/alerts", null, List.of("days", "limit", "kind")),
      new Operation("GET", "/v1/admin/clock", null, List.of()),
      new Operation("POST", "/v1/admin/clock", "{\"date\":\"2030-01-01\"}", List.of()),
      new Operation("GET", "/v1/openapi.yaml", null, List.of()));

  private static final List<String> IDS = List.of("fz", "ord_x", "inv_x", "pay_x", "x".repeat(300), "%2e%2e%2f", "..", "a%20b",
      "%00", "%F0%9F%98%80", "%ED%A0%80", "%C3%28", "'%3B%20DROP%20TABLE", "%25", "~", "A-1_b.c", "-", "1e999", "null");

  private static final List<String> QUERY_VALUES = List.of("", "-1", "0", "1", "501", "999999999999999999999", "abc", "%00",
      "2026-13-45", "2026-11-01", "all", "open", "unapplied", "%ED%A0%80", "x".repeat(600), "1.5", "true", "%FF");

  /** Ids of entities that exist (an order, its invoice, a payment), so that the hostile requests reach them too. */
  private static final List<String> REAL = new ArrayList<>();

  @BeforeAll
  void entitiesToReach() {
    send(ACME, post("/v1/customers", customer("fz", "EUR", "100000.00"))).assertStatusCode(201);
    for (int i = 0; i < 3; i++) {
      JsonNode placed = json(send(ACME, post("/v1/orders", order("fz", "EUR", "REAL-" + i, 1, "10.00"))));
      REAL.add(placed.get("orderId").asText());
      REAL.add(placed.get("invoiceId").asText());
    }
    JsonNode paid = json(send(ACME, post("/v1/payments", "{\"amount\":\"5.00\",\"currency\":\"EUR\",\"customerId\":\"fz\"}")));
    REAL.add(paid.get("paymentId").asText());
    REAL.add("fz");
  }

  @Test
  void no_generated_request_gets_a_5xx_and_every_error_is_a_problem_with_a_detail() {
    Random random = new Random(SEED);
    Map<String, Integer> statuses = new TreeMap<>();
    for (int i = 0; i < REQUESTS; i++) {
      HttpRequest request = pekkoRequest(generate(random, REAL));
      String what = "request " + i + " of seed " + SEED + ": " + request.method().name() + " " + request.getUri();
      TestRouteResult result = send(ACME, request);
      int status = result.response().status().intValue();
      statuses.merge(status / 100 + "xx " + status, 1, Integer::sum);
      assertTrue(status < 500, () -> what + " answered " + status + ": " + result.entityString());
      if (status >= 400) {
        assertEquals(ApiDirectives.PROBLEM_JSON, result.response().entity().getContentType(), what);
        JsonNode problem = json(result);
        assertTrue(problem.path("detail").asText().length() > 0, () -> what + ": a problem without a detail: " + problem);
        assertEquals(status, problem.path("status").asInt(), what);
      }
    }
    System.out.println("ApiFuzzTest: " + REQUESTS + " requests, answers by status: " + statuses);
    // It reached the endpoints, not only the JSON reader: some answers are successes, some not found, some refusals.
    assertTrue(statuses.keySet().stream().anyMatch(s -> s.startsWith("2xx")), statuses.toString());
    assertTrue(statuses.keySet().stream().anyMatch(s -> s.endsWith(" 404")), statuses.toString());
    assertTrue(statuses.keySet().stream().anyMatch(s -> s.endsWith(" 400")), statuses.toString());
    send(ACME, post("/v1/orders", order("fz", "EUR", "AFTER-FUZZ", 1, "1.00"))).assertStatusCode(201);
  }

  // --- Generation --------------------------------------------------------------------------------

  /** A generated request, independent of the client that sends it. */
  record Generated(String method, String target, String contentType, byte[] body, String idempotencyKey) {}

  /** One hostile request of a random operation; {@code real} are ids of entities that exist. */
  static Generated generate(Random random, List<String> real) {
    Operation op = OPERATIONS.get(random.nextInt(OPERATIONS.size()));
    String path = op.path();
    while (path.contains("{id}")) {
      path = path.replaceFirst("\\{id}", random.nextInt(3) == 0 ? pick(IDS, random) : pick(real, random));
    }
    StringBuilder query = new StringBuilder();
    for (String name : op.query()) {
      if (random.nextBoolean()) {
        query.append(query.length() == 0 ? "?" : "&").append(name).append('=').append(pick(QUERY_VALUES, random));
      }
    }
    if (random.nextInt(10) == 0) {
      query.append(query.length() == 0 ? "?" : "&").append(pick(List.of("limit=-5", "x=%25ZZ", "pageToken=abc.def", "&&&", "=", "a=b=c"),
          random));
    }
    String body = op.body() == null ? (random.nextInt(4) == 0 ? "{}" : null) : mutate(op.body(), random);
    String contentType = body == null ? null : contentType(random).toString();
    String key = random.nextInt(6) == 0
        ? pick(List.of("", " ", "k".repeat(300), "\u00e9t\u00e9", "a\tb", "key-" + random.nextInt(50)), random)
        : null;
    return new Generated(op.method(), path + query, contentType, body == null ? null : body.getBytes(StandardCharsets.UTF_8), key);
  }

  private static HttpRequest pekkoRequest(Generated g) {
    HttpRequest request = HttpRequest.create(g.target()).withMethod(switch (g.method()) {
      case "GET" -> HttpMethods.GET;
      case "PATCH" -> HttpMethods.PATCH;
      case "DELETE" -> HttpMethods.DELETE;
      default -> HttpMethods.POST;
    });
    if (g.body() != null) {
      ContentType type = org.apache.pekko.http.javadsl.model.ContentTypes.parse(g.contentType());
      request = request.withEntity(HttpEntities.create(type, g.body()));
    }
    if (g.idempotencyKey() != null) {
      request = request.addHeader(RawHeader.create("Idempotency-Key", g.idempotencyKey()));
    }
    return request;
  }

  private static ContentType contentType(Random random) {
    return switch (random.nextInt(12)) {
      case 0 -> ContentTypes.TEXT_PLAIN_UTF8;
      case 1 -> ContentTypes.APPLICATION_OCTET_STREAM;
      case 2 -> MediaTypes.APPLICATION_XML.toContentType(org.apache.pekko.http.javadsl.model.HttpCharsets.UTF_8);
      case 3 -> ContentTypes.create(MediaTypes.applicationWithOpenCharset("merge-patch+json"),
          org.apache.pekko.http.javadsl.model.HttpCharsets.ISO_8859_1);
      default -> ContentTypes.APPLICATION_JSON;
    };
  }

  /** The valid body made hostile in one of many ways. */
  static String mutate(String valid, Random random) {
    JsonNode tree;
    try {
      tree = Json.REQUESTS.readTree(valid);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
    switch (random.nextInt(14)) {
      case 0:
        return valid.substring(0, random.nextInt(valid.length()));
      case 1:
        return valid.replaceFirst("\\{\"", "{\"" + firstField(tree) + "\":1,\"");
      case 2:
        return "[".repeat(2000) + "]".repeat(2000);
      case 3:
        return "{\"a\":".repeat(600) + "1" + "}".repeat(600);
      case 4:
        return pick(List.of("null", "true", "1", "\"text\"", "[]", "{}", "", " ", "\u0000", "{\"a\":1}{", "[null]", "[[]]", "{]"), random);
      case 5: {
        int at = random.nextInt(valid.length());
        return valid.substring(0, at) + pick(List.of("\\", "\"", "}", "\u0001", "\\u", "\\ud800", "\uFFFF", ",", "]"), random)
            + valid.substring(at);
      }
      default: {
        JsonNode copy = tree.deepCopy();
        replaceSomeValue(copy, random);
        return copy.toString();
      }
    }
  }

  private static String firstField(JsonNode tree) {
    JsonNode object = tree.isArray() ? tree.get(0) : tree;
    return object.fieldNames().hasNext() ? object.fieldNames().next() : "x";
  }

  /** Replaces one value somewhere in the tree (or adds an unknown field) by a hostile one. */
  private static void replaceSomeValue(JsonNode node, Random random) {
    List<ObjectNode> objects = new ArrayList<>();
    collect(node, objects);
    if (objects.isEmpty()) {
      return;
    }
    ObjectNode target = objects.get(random.nextInt(objects.size()));
    List<String> fields = new ArrayList<>();
    target.fieldNames().forEachRemaining(fields::add);
    String field = fields.isEmpty() || random.nextInt(8) == 0 ? "unknown" + random.nextInt(3) : pick(fields, random);
    target.set(field, hostileValue(random));
  }

  private static void collect(JsonNode node, List<ObjectNode> objects) {
    if (node instanceof ObjectNode object) {
      objects.add(object);
      object.elements().forEachRemaining(child -> collect(child, objects));
    } else if (node instanceof ArrayNode array) {
      array.elements().forEachRemaining(child -> collect(child, objects));
    }
  }

  private static JsonNode hostileValue(Random random) {
    return switch (random.nextInt(24)) {
      case 0 -> NODES.nullNode();
      case 1 -> NODES.booleanNode(random.nextBoolean());
      case 2 -> NODES.numberNode(new java.math.BigDecimal("1e2147483647"));
      case 3 -> NODES.numberNode(new java.math.BigDecimal("1e-2147483647"));
      case 4 -> NODES.numberNode(new java.math.BigDecimal("123456789012345678901234567890.123456789"));
      case 5 -> NODES.numberNode(-1);
      case 6 -> NODES.numberNode(0);
      case 7 -> NODES.numberNode(Long.MAX_VALUE);
      case 8 -> NODES.numberNode(1.5);
      case 9 -> NODES.textNode("");
      case 10 -> NODES.textNode("x".repeat(random.nextInt(20_000)));
      case 11 -> NODES.textNode("a\ud800b");
      case 12 -> NODES.textNode("\udc00");
      case 13 -> NODES.textNode("1.123456789");
      case 14 -> NODES.textNode("-0.00");
      case 15 -> NODES.textNode("NaN");
      case 16 -> NODES.textNode("Infinity");
      case 17 -> NODES.textNode("1e400");
      case 18 -> NODES.textNode("\u0000\u0007\u001b[31m");
      case 19 -> NODES.textNode("\uD83D\uDE00 caf\u00e9 \u202e");
      case 20 -> NODES.arrayNode().add(1).add("two");
      case 21 -> NODES.objectNode().put("a", 1);
      case 22 -> NODES.textNode("2026-02-30");
      default -> NODES.textNode("INV-2026-000001 ord_x PO-1");
    };
  }

  private static <T> T pick(List<T> values, Random random) {
    return values.get(random.nextInt(values.size()));
  }
}
