package dev.o2c.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigFactory;
import dev.o2c.infra.health.HealthCheck;
import dev.o2c.infra.health.Readiness;
import dev.o2c.support.JUnit5RouteTest;
import dev.o2c.tenancy.ApiKeys;
import dev.o2c.tenancy.Caller;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.testkit.TestRouteResult;
import org.junit.jupiter.api.Test;

class ApiGatewayRouteTest extends JUnit5RouteTest {

  private static final String KEY = "test-key-of-acme";
  private static final HttpSettings SETTINGS =
      new HttpSettings("127.0.0.1", 0, 256, 4096, Duration.ofSeconds(2), Duration.ofSeconds(1));
  private static final ApiKeys API_KEYS =
      ApiKeys.fromConfig(
          ConfigFactory.parseString(
              "o2c.http.rate-limit { requests-per-second = 500, burst = 1000 }\n"
                  + "o2c.tenants { acme { api-keys = [ { key = \"" + KEY + "\", principal = \"shop\", roles = [orders] } ] } }"));

  /** A body the echo endpoint reads strictly. */
  record EchoRequest(String name, Integer quantity, BigDecimal amount) {}

  /** A context under /v1 that exercises body reading and the error mapping. */
  static final class EchoRoutes extends ApiDirectives implements TenantRoutes {
    EchoRoutes() {
      super(SETTINGS);
    }

    @Override
    public Route route(Caller caller) {
      return concat(
          path(
              "echo",
              () ->
                  post(
                      () ->
                          jsonBody(
                              EchoRequest.class,
                              body ->
                                  complete(
                                      json(
                                          200,
                                          Map.of(
                                              "tenant", caller.tenantId(),
                                              "principal", caller.principal(),
                                              "name", String.valueOf(body.name()),
                                              "amount", body.amount())))))),
          path("boom", () -> get(() -> { throw new IllegalStateException("secret internals"); })),
          path("conflict", () -> get(() -> onSuccess(
              CompletableFuture.<String>failedFuture(
                  Problem.of(ProblemType.CONFLICT, "already shipped").with("currentStatus", "SHIPPED").toException()),
              s -> complete(s)))),
          path("slow", () -> get(() -> onSuccess(
              CompletableFuture.<String>failedFuture(new TimeoutException("ask timed out")), s -> complete(s)))));
    }
  }

  private final AtomicReference<HealthCheck.Result> cassandra = new AtomicReference<>(HealthCheck.Result.ok("fine"));

  private Route route() {
    HealthCheck cluster = check("cluster", () -> CompletableFuture.completedFuture(HealthCheck.Result.ok("Up")));
    HealthCheck db = check("cassandra", () -> CompletableFuture.completedFuture(cassandra.get()));
    Readiness readiness = new Readiness(List.of(cluster, db), Duration.ofMillis(300));
    return new ApiGateway(SETTINGS, API_KEYS, new HealthRoutes(SETTINGS, readiness), List.of(new EchoRoutes())).route();
  }

  private static HealthCheck check(String name, java.util.function.Supplier<java.util.concurrent.CompletionStage<HealthCheck.Result>> run) {
    return new HealthCheck() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public java.util.concurrent.CompletionStage<Result> run() {
        return run.get();
      }
    };
  }

  private TestRouteResult run(HttpRequest request) {
    return testRoute(route()).run(request);
  }

  private static HttpRequest withKey(HttpRequest request) {
    return request.addHeader(RawHeader.create("X-API-Key", KEY));
  }

  private static HttpRequest postJson(String path, String body) {
    return withKey(HttpRequest.POST(path).withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, body)));
  }

  private static JsonNode problem(TestRouteResult result, int status) {
    result.assertStatusCode(status);
    result.assertContentType(ApiDirectives.PROBLEM_JSON);
    try {
      JsonNode body = dev.o2c.http.Json.RESPONSES.readTree(result.entityString());
      assertEquals(status, body.get("status").asInt());
      assertTrue(body.get("type").asText().startsWith("urn:o2c:problem:"), body.toString());
      assertFalse(body.get("title").asText().isBlank());
      assertFalse(body.get("detail").asText().isBlank());
      return body;
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void live_answers_without_an_api_key() {
    var result = run(HttpRequest.GET("/health/live"));
    result.assertStatusCode(200);
    result.assertEntity("{\"status\":\"UP\"}");
  }

  @Test
  void ready_is_200_when_every_check_passes() {
    cassandra.set(HealthCheck.Result.ok("write and read back in 3 ms"));
    var result = run(HttpRequest.GET("/health/ready"));
    result.assertStatusCode(200);
    assertTrue(result.entityString().contains("\"status\":\"READY\""));
  }

  @Test
  void ready_is_503_with_the_failing_check_named_when_cassandra_fails() {
    cassandra.set(HealthCheck.Result.failed("no answer within 3000 ms"));
    JsonNode body = problem(run(HttpRequest.GET("/health/ready")), 503);
    assertTrue(body.get("detail").asText().contains("cassandra: no answer"), body.toString());
    assertFalse(body.get("checks").get("cassandra").get("ok").asBoolean());
    assertTrue(body.get("checks").get("cluster").get("ok").asBoolean());
  }

  @Test
  void a_missing_api_key_is_401_with_a_challenge() {
    var result = run(HttpRequest.GET("/v1/echo"));
    JsonNode body = problem(result, 401);
    assertTrue(body.get("detail").asText().contains("X-API-Key"));
    result.assertHeaderExists("WWW-Authenticate", "ApiKey realm=\"o2c\"");
  }

  @Test
  void an_unknown_api_key_is_401() {
    var request = HttpRequest.GET("/v1/echo").addHeader(RawHeader.create("X-API-Key", "not-a-key-at-all"));
    JsonNode body = problem(run(request), 401);
    assertEquals("The API key is not known.", body.get("detail").asText());
  }

  @Test
  void an_unknown_path_under_v1_is_checked_for_a_key_first_then_404() {
    problem(run(HttpRequest.GET("/v1/nothing-here")), 401);
    problem(run(withKey(HttpRequest.GET("/v1/nothing-here"))), 404);
  }

  @Test
  void an_unknown_path_elsewhere_is_404() {
    problem(run(HttpRequest.GET("/nothing")), 404);
  }

  @Test
  void a_wrong_method_is_405_with_allow() {
    var result = run(HttpRequest.DELETE("/health/live"));
    problem(result, 405);
    result.assertHeaderExists("Allow", "GET");
  }

  @Test
  void a_valid_body_reaches_the_route_with_the_callers_tenant() {
    var result = run(postJson("/v1/echo", "{\"name\":\"x\",\"quantity\":2,\"amount\":\"12.50\"}"));
    result.assertStatusCode(200);
    assertTrue(result.entityString().contains("\"tenant\":\"acme\""));
    assertTrue(result.entityString().contains("\"principal\":\"shop\""));
    assertTrue(result.entityString().contains("\"amount\":\"12.50\""), "amounts are plain strings, scale kept");
  }

  @Test
  void a_wrong_content_type_is_415() {
    var request = withKey(HttpRequest.POST("/v1/echo").withEntity(HttpEntities.create(ContentTypes.TEXT_PLAIN_UTF8, "{}")));
    JsonNode body = problem(run(request), 415);
    assertTrue(body.get("detail").asText().contains("application/json"));
  }

  @Test
  void a_body_over_the_limit_is_413() {
    String big = "{\"name\":\"" + "x".repeat(400) + "\"}";
    JsonNode body = problem(run(postJson("/v1/echo", big)), 413);
    assertTrue(body.get("detail").asText().contains("limit of 256 bytes"), body.toString());
  }

  @Test
  void malformed_json_is_400_and_says_where() {
    JsonNode body = problem(run(postJson("/v1/echo", "{\n  \"name\": \"x\",\n  }")), 400);
    assertEquals("urn:o2c:problem:malformed-json", body.get("type").asText());
    assertTrue(body.get("detail").asText().contains("line 3"), body.toString());
  }

  @Test
  void an_unknown_field_is_400_naming_the_field() {
    JsonNode body = problem(run(postJson("/v1/echo", "{\"name\":\"x\",\"colour\":\"red\"}")), 400);
    assertEquals("colour", body.get("errors").get(0).get("field").asText());
  }

  @Test
  void an_empty_body_is_400() {
    problem(run(postJson("/v1/echo", "")), 400);
  }

  @Test
  void an_unexpected_exception_is_500_without_internals() {
    JsonNode body = problem(run(withKey(HttpRequest.GET("/v1/boom"))), 500);
    assertFalse(body.toString().contains("secret internals"));
    assertFalse(body.toString().contains("IllegalStateException"));
    assertTrue(body.get("detail").asText().contains("Reference"));
  }

  @Test
  void a_problem_from_a_failed_future_keeps_its_status_and_extensions() {
    JsonNode body = problem(run(withKey(HttpRequest.GET("/v1/conflict"))), 409);
    assertEquals("SHIPPED", body.get("currentStatus").asText());
  }

  @Test
  void a_timeout_is_503_with_retry_after() {
    var result = run(withKey(HttpRequest.GET("/v1/slow")));
    problem(result, 503);
    result.assertHeaderExists("Retry-After", "1");
  }
}
