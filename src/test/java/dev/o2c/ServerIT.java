package dev.o2c;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.o2c.infra.Ports;
import dev.o2c.infra.cassandra.CassandraSettings;
import dev.o2c.support.Http;
import dev.o2c.support.TestCassandra;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The whole server — cluster, persistence, HTTP — against the real Cassandra node. */
class ServerIT {

  private static Http http(O2cServer server) {
    return new Http("http://127.0.0.1:" + server.httpAddress().getPort());
  }

  private static void stop(O2cServer server) throws Exception {
    server.stop().toCompletableFuture().get(60, TimeUnit.SECONDS);
    server.system().getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  @Test
  void the_server_becomes_ready_applies_its_schema_and_answers_with_problems() throws Exception {
    var config = TestCassandra.serverConfig("server_it");
    O2cServer server = O2cServer.start(config, CassandraSettings.fromConfig(config));
    try {
      Http http = http(server);
      assertEquals(200, http.get("/health/live").status());
      JsonNode ready = http.await("/health/ready", r -> r.status() == 200, Duration.ofSeconds(60)).json();
      assertEquals("READY", ready.get("status").asText());
      assertTrue(ready.get("checks").get("cassandra").get("ok").asBoolean());
      assertTrue(ready.get("checks").get("cluster").get("detail").asText().endsWith("is Up"));

      var unauthorized = http.get("/v1/anything");
      assertEquals(401, unauthorized.status());
      assertEquals("application/problem+json", unauthorized.raw().headers().firstValue("Content-Type").orElse(""));
    } finally {
      stop(server);
    }
  }

  @Test
  void without_cassandra_the_server_is_live_but_not_ready_and_says_why() throws Exception {
    int nothingListens = Ports.freePort();
    var config =
        TestCassandra.serverConfig(
            "server_it_down",
            Map.of(
                "o2c.cassandra.contact-points", "127.0.0.1:" + nothingListens,
                "o2c.cassandra.apply-schema", "off"));
    O2cServer server = O2cServer.start(config, CassandraSettings.fromConfig(config));
    try {
      Http http = http(server);
      assertEquals(200, http.get("/health/live").status());
      var notReady = http.await(
          "/health/ready",
          r -> r.status() == 503 && r.json().get("checks").get("cluster").get("ok").asBoolean(),
          Duration.ofSeconds(60));
      JsonNode body = notReady.json();
      assertEquals("urn:o2c:problem:service-unavailable", body.get("type").asText());
      assertFalse(body.get("checks").get("cassandra").get("ok").asBoolean());
      assertTrue(body.get("detail").asText().contains("cassandra"), body.toString());
    } finally {
      stop(server);
    }
  }
}
