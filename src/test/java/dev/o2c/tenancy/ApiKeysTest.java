package dev.o2c.tenancy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ApiKeysTest {

  private static ApiKeys keys(String tenants) {
    return ApiKeys.fromConfig(ConfigFactory.parseString("o2c.http.rate-limit { requests-per-second = 500, burst = 1000 }\n"
        + "o2c.tenants { " + tenants + " }"));
  }

  @Test
  void a_key_names_its_tenant_and_principal() {
    ApiKeys keys =
        keys("acme { api-keys = [ {key = \"acme-key-1\", principal = shop}, {key = \"acme-key-2\", principal = erp} ] }"
            + "\n globex { api-keys = [ {key = \"globex-key\", principal = web} ] }");
    assertEquals(Optional.of(new Caller("acme", "shop")), keys.lookup("acme-key-1"));
    assertEquals(Optional.of(new Caller("acme", "erp")), keys.lookup("acme-key-2"));
    assertEquals(Optional.of(new Caller("globex", "web")), keys.lookup("globex-key"));
    assertTrue(keys.hasTenant("globex"));
  }

  @Test
  void an_unknown_empty_or_missing_key_names_nobody() {
    ApiKeys keys = keys("acme { api-keys = [ {key = \"acme-key-1\", principal = shop} ] }");
    assertEquals(Optional.empty(), keys.lookup("acme-key-2"));
    assertEquals(Optional.empty(), keys.lookup("ACME-KEY-1"));
    assertEquals(Optional.empty(), keys.lookup(""));
    assertEquals(Optional.empty(), keys.lookup(null));
  }

  @Test
  void the_shipped_configuration_has_the_development_key() {
    ApiKeys keys = ApiKeys.fromConfig(dev.o2c.infra.O2cConfig.load());
    assertEquals(Optional.of(new Caller("dev", "dev")), keys.lookup("o2c-dev-key"));
  }

  @Test
  void a_short_key_stops_the_start() {
    var e = assertThrows(IllegalArgumentException.class, () -> keys("acme { api-keys = [ {key = \"short\", principal = p} ] }"));
    assertTrue(e.getMessage().contains("acme"));
  }

  @Test
  void a_key_given_twice_stops_the_start() {
    assertThrows(
        IllegalArgumentException.class,
        () -> keys("a { api-keys = [ {key = \"same-key-x\", principal = p} ] }\n b { api-keys = [ {key = \"same-key-x\", principal = q} ] }"));
  }

  @Test
  void a_tenant_id_with_separators_or_capitals_stops_the_start() {
    assertThrows(IllegalArgumentException.class, () -> keys("\"Acme\" { api-keys = [] }"));
    assertThrows(IllegalArgumentException.class, () -> keys("\"ac|me\" { api-keys = [] }"));
  }

  @Test
  void a_key_has_its_own_rate_limit_or_the_default() {
    ApiKeys keys = keys("acme { api-keys = [ {key = \"acme-key-1\", principal = shop, rate-limit { requests-per-second = 2.5, burst = 4 }},"
        + " {key = \"acme-key-2\", principal = erp} ] }");

    assertEquals(new RateLimit(2.5, 4), keys.find("acme-key-1").orElseThrow().limit());
    assertEquals(new RateLimit(500, 1000), keys.find("acme-key-2").orElseThrow().limit());
    assertEquals(new RateLimit(500, 1000), ApiKeys.fromConfig(dev.o2c.infra.O2cConfig.load(
        ConfigFactory.parseString("o2c.profile = production"))).find("o2c-dev-key").map(ApiKeys.Key::limit).orElse(new RateLimit(500, 1000)));
  }

  @Test
  void a_rate_limit_of_nothing_stops_the_start() {
    assertThrows(IllegalArgumentException.class, () -> keys(
        "acme { api-keys = [ {key = \"acme-key-1\", principal = shop, rate-limit { requests-per-second = 0, burst = 4 }} ] }"));
  }

  @Test
  void a_bucket_gives_its_burst_at_once_then_tokens_at_the_rate() {
    long[] now = {0};
    var limiter = new RateLimiter(() -> now[0]);
    var key = new ApiKeys.Key("d", new Caller("acme", "shop"), new RateLimit(2, 3));

    for (int i = 0; i < 3; i++) {
      assertEquals(0, limiter.admit(key), "within the burst");
    }
    long wait = limiter.admit(key);
    assertEquals(500_000_000L, wait, "the next token in half a second at 2 per second");
    now[0] += 499_000_000L;
    assertTrue(limiter.admit(key) > 0, "not yet");
    now[0] += 2_000_000L;
    assertEquals(0, limiter.admit(key), "a token came back");
    now[0] += 60_000_000_000L;
    for (int i = 0; i < 3; i++) {
      assertEquals(0, limiter.admit(key), "refilled to the burst, never above it");
    }
    assertTrue(limiter.admit(key) > 0);
    var other = new ApiKeys.Key("e", new Caller("acme", "erp"), new RateLimit(2, 3));
    assertEquals(0, limiter.admit(other), "another key has its own bucket");
  }
}
