package dev.o2c.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.testkit.TestRouteResult;
import org.junit.jupiter.api.Test;

/** A key or a tenant past its rate limit gets 429 problem+json with Retry-After; other keys and tenants go on. */
class RateLimitRoutesTest extends DomainRouteTestBase {

  private static final String LIMITED = "acme-limited-key";

  @Test
  void past_its_burst_a_key_gets_429_with_retry_after_and_another_key_is_not_held_back() {
    int ok = 0;
    TestRouteResult refused = null;
    for (int i = 0; i < 20 && refused == null; i++) {
      var result = send(LIMITED, HttpRequest.GET("/v1/alerts"));
      if (result.response().status().intValue() == 429) {
        refused = result;
      } else {
        assertEquals(200, result.response().status().intValue(), result.entityString());
        ok++;
      }
    }

    assertTrue(ok >= 5, "the burst of 5 goes through: " + ok);
    assertTrue(refused != null, "the key is limited after its burst");
    JsonNode problem = problem(refused, 429, "rate-limited");
    assertTrue(problem.get("detail").asText().contains("rate limit"), problem.toString());
    var retryAfter = refused.response().getHeader("Retry-After");
    assertTrue(retryAfter.isPresent() && Long.parseLong(retryAfter.get().value()) >= 1, "Retry-After in whole seconds");
    send(ACME, HttpRequest.GET("/v1/alerts")).assertStatusCode(200);
  }

  @Test
  void the_keys_of_a_tenant_together_meet_the_tenants_limit_and_other_tenants_go_on() {
    // initech: 2 requests a second with a burst of 3 for the tenant; each key alone has the default.
    int ok = 0;
    TestRouteResult refused = null;
    for (int i = 0; i < 20 && refused == null; i++) {
      var result = send(i % 2 == 0 ? "initech-key-1" : "initech-key-2", HttpRequest.GET("/v1/alerts"));
      if (result.response().status().intValue() == 429) {
        refused = result;
      } else {
        assertEquals(200, result.response().status().intValue(), result.entityString());
        ok++;
      }
    }
    assertTrue(ok >= 3 && ok <= 5, "the tenant's burst of 3 (and what came back meanwhile) is shared by both keys: " + ok);
    assertTrue(refused != null);
    JsonNode problem = problem(refused, 429, "rate-limited");
    assertEquals("tenant", problem.get("limit").asText(), problem.toString());
    assertTrue(refused.response().getHeader("Retry-After").isPresent());
    send(GLOBEX, HttpRequest.GET("/v1/alerts")).assertStatusCode(200);
  }
}
