package dev.o2c.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.junit.jupiter.api.Test;

/**
 * The benchmark's echo route, on as config/benchmark.conf turns it on: it answers the JSON it
 * was sent, behind the API key and the same strict JSON reading as every endpoint.
 */
class EchoRoutesTest extends DomainRouteTestBase {

  @Override
  protected Config config() {
    return ConfigFactory.parseString("o2c.benchmark.echo-route = on").withFallback(super.config());
  }

  @Test
  void the_body_comes_back_as_it_was_sent() {
    String body = "{\"customerId\":\"acme\",\"lines\":[{\"sku\":\"A-1\",\"quantity\":3,\"unitPrice\":\"19.99\"}],\"note\":null}";

    var result = send(ACME, post("/v1/echo", body));

    result.assertStatusCode(200);
    JsonNode echoed = json(result);
    assertEquals("19.99", echoed.get("lines").get(0).get("unitPrice").asText());
    assertEquals(3, echoed.get("lines").get(0).get("quantity").asInt());
    assertEquals("acme", echoed.get("customerId").asText());
  }

  @Test
  void bad_input_is_refused_like_anywhere_else() {
    problem(send(ACME, post("/v1/echo", "{\"a\":")), 400, "malformed-json");
    problem(send(ACME, HttpRequest.GET("/v1/echo")), 405, "method-not-allowed");
    problem(testRoute(route).run(post("/v1/echo", "{}")), 401, "unauthorized");
  }
}
