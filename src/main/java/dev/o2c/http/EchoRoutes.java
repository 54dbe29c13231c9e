package dev.o2c.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.o2c.tenancy.Caller;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code POST /v1/echo}: answers the JSON body it was sent, read and written as every endpoint
 * reads and writes JSON, behind the same API key. It touches no entity and no database: the
 * ceiling against which the load benchmark (loadtest/benchmark.sh) measures the durable endpoints.
 * Present only when {@code o2c.benchmark.echo-route} is on (config/benchmark.conf).
 */
public final class EchoRoutes extends ApiDirectives implements TenantRoutes {

  public EchoRoutes(HttpSettings settings) {
    super(settings);
  }

  @Override
  public Route route(Caller caller) {
    return path("echo", () -> post(() -> jsonBody(JsonNode.class, body -> complete(json(200, body)))));
  }
}
