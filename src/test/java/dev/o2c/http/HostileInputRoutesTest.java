package dev.o2c.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
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

  @Test
  void a_gzip_body_is_read_decoded_a_body_that_is_not_gzip_is_400_and_another_encoding_is_415() throws Exception {
    String body = order("hostile", "EUR", "GZ-1", 1, "2.00");
    var zipped = new java.io.ByteArrayOutputStream();
    try (var gzip = new java.util.zip.GZIPOutputStream(zipped)) {
      gzip.write(body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    var gzipped = org.apache.pekko.http.javadsl.model.headers.ContentEncoding.create(
        org.apache.pekko.http.javadsl.model.headers.HttpEncodings.GZIP);
    var decoded = send(ACME, HttpRequest.POST("/v1/orders").addHeader(gzipped)
        .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, zipped.toByteArray())));
    var mislabelled = send(ACME, HttpRequest.POST("/v1/orders").addHeader(gzipped)
        .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, body)));
    var compressed = send(ACME, HttpRequest.POST("/v1/orders").addHeader(org.apache.pekko.http.javadsl.model.headers.ContentEncoding.create(
        org.apache.pekko.http.javadsl.model.headers.HttpEncodings.COMPRESS))
        .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, body)));

    assertEquals(201, decoded.response().status().intValue(), decoded.entityString());
    assertEquals("GZ-1", json(decoded).get("lines").get(0).get("sku").asText());
    problem(mislabelled, 400, "bad-request");
    problem(compressed, 415, "unsupported-media-type");
    assertAnOrderStillGoesThrough();
  }

  @Test
  void a_body_shorter_than_its_content_length_is_408_once_the_wait_for_the_rest_is_over() {
    // The declared length never arrives: the body's stream never completes.
    var entity = HttpEntities.create(ContentTypes.APPLICATION_JSON, 1_000L,
        org.apache.pekko.stream.javadsl.Source.<org.apache.pekko.util.ByteString>maybe());

    var result = send(ACME, HttpRequest.POST("/v1/customers").withEntity(entity));

    JsonNode problem = problem(result, 408, "request-timeout");
    assertTrue(problem.get("detail").asText().contains("Content-Length"), problem.toString());
  }

  @Test
  void a_chunked_body_over_the_limit_is_413() {
    var chunk = org.apache.pekko.util.ByteString.fromString(" ".repeat(64 * 1024));
    var entity = HttpEntities.createChunked(ContentTypes.APPLICATION_JSON,
        org.apache.pekko.stream.javadsl.Source.repeat(chunk).take(20));

    problem(send(ACME, HttpRequest.POST("/v1/customers").withEntity(entity)), 413, "payload-too-large");
  }

  /**
   * Requests the HTTP parser refuses before any route sees them, sent over a socket to the gateway
   * bound as the server binds it ({@link GuardedHttpServer}): each answered problem+json with the
   * parser's status.
   */
  @Test
  void requests_the_parser_refuses_are_answered_problem_json_too() throws Exception {
    onGuardedServer(port -> {
      String key = "X-API-Key: " + ACME + "\r\nConnection: close\r\n";
      assertParserProblem(port, "GET /v1/customers/" + "x".repeat(3000) + " HTTP/1.1\r\nHost: a\r\n" + key + "\r\n", 414);
      assertParserProblem(port, "GET /v1/customers/hostile HTTP/1.1\r\nHost: a\r\nX-Big: " + "y".repeat(9000) + "\r\n" + key
          + "\r\n", 431);
      assertParserProblem(port, "GET /v1/customers/%zz HTTP/1.1\r\nHost: a\r\n" + key + "\r\n", 400);
      assertParserProblem(port, "GET /v1/customers/hostile HTTP/1.1\r\nHost: a\r\nX-Bad: a\u0001b\r\n" + key + "\r\n", 400);
    });
  }

  /**
   * Issue 11 finding 7: a header value ending in a UTF-8 lead byte. Pekko's parser would take the
   * CR LF after it into the value — the next header (here the API key, or a Content-Length)
   * vanishes into it, or at the end of the headers the request never ends. Now it is a 400.
   */
  @Test
  void a_header_value_ending_in_a_utf8_lead_byte_is_400_and_swallows_nothing() throws Exception {
    onGuardedServer(port -> {
      String key = "X-API-Key: " + ACME + "\r\n";
      // Before the key header (it was swallowed: 401), and at the very end of the headers (no answer for 60 s).
      assertParserProblem(port, "GET /v1/customers/hostile HTTP/1.1\r\nHost: a\r\nX-Foo: \u00e9\r\n" + key + "\r\n", 400);
      assertParserProblem(port, "GET /v1/customers/hostile HTTP/1.1\r\nHost: a\r\n" + key + "X-Foo: \u00e9\r\n\r\n", 400);
      assertParserProblem(port, "GET /v1/customers/hostile HTTP/1.1\r\nHost: a\r\n" + key + "X-Foo: ab\u00f0\u009f\r\n\r\n", 400);
      // A Content-Length hidden from the parser would make this body a second request: one 400, then the connection closes.
      String smuggled = "GET /v1/alerts HTTP/1.1\r\nHost: a\r\n" + key + "\r\n";
      String response = exchange(port, "POST /v1/echo HTTP/1.1\r\nHost: a\r\n" + key + "X-Foo: \u00e9\r\nContent-Type: application/json"
          + "\r\nContent-Length: " + smuggled.length() + "\r\n\r\n" + smuggled);
      assertTrue(response.startsWith("HTTP/1.1 400"), response);
      assertEquals(1, response.split("HTTP/1.1 ", -1).length - 1, "one response, no smuggled second one: " + response);
    });
  }

  @Test
  void well_formed_utf8_headers_and_pipelined_requests_with_bodies_go_through_the_guard_unchanged() throws Exception {
    onGuardedServer(port -> {
      String key = "X-API-Key: " + ACME + "\r\n";
      String body = "{\"customerId\":\"guard-1\",\"name\":\"Caf\u00e9 \u00e9\u00e9\",\"currency\":\"EUR\",\"creditLimit\":\"10\","
          + "\"paymentTermsDays\":30}";
      byte[] json = body.getBytes(StandardCharsets.UTF_8);
      var out = new java.io.ByteArrayOutputStream();
      out.writeBytes(("POST /v1/customers HTTP/1.1\r\nHost: a\r\n" + key + "X-Note: caf\u00e9\r\nContent-Type: application/json\r\n"
          + "Content-Length: " + json.length + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
      out.writeBytes(json);
      out.writeBytes(("GET /v1/customers/guard-1 HTTP/1.1\r\nHost: a\r\n" + key + "Connection: close\r\n\r\n")
          .getBytes(StandardCharsets.UTF_8));
      String response;
      try (var socket = new java.net.Socket("127.0.0.1", port)) {
        socket.setSoTimeout(10_000);
        socket.getOutputStream().write(out.toByteArray());
        socket.getOutputStream().flush();
        response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      }
      assertTrue(response.startsWith("HTTP/1.1 201"), response);
      assertTrue(response.contains("HTTP/1.1 200"), "the second, pipelined request is answered: " + response);
      assertTrue(response.contains("Caf\u00e9 \u00e9\u00e9"), "the body arrived unchanged: " + response);
    });
  }

  private interface PortTest {
    void run(int port) throws Exception;
  }

  /** Runs {@code test} against the routes bound as the server binds them ({@link GuardedHttpServer}), on a free port. */
  private void onGuardedServer(PortTest test) throws Exception {
    var binding = GuardedHttpServer.bind(typedSystem(), "127.0.0.1", 0, route).toCompletableFuture().get(10, TimeUnit.SECONDS);
    try {
      test.run(binding.localAddress().getPort());
    } finally {
      binding.unbind().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  private static String exchange(int port, String request) throws Exception {
    try (var socket = new java.net.Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static void assertParserProblem(int port, String request, int status) throws Exception {
    String response = exchange(port, request);
    String head = response.lines().findFirst().orElse("");
    assertTrue(head.startsWith("HTTP/1.1 " + status), "status line: " + head + "\n" + response);
    assertTrue(response.toLowerCase(java.util.Locale.ROOT).contains("content-type: application/problem+json"), response);
    assertTrue(response.contains("\"status\":" + status), response);
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
