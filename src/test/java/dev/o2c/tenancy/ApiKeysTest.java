package dev.o2c.tenancy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ApiKeysTest {

  private static ApiKeys keys(String tenants) {
    return ApiKeys.fromConfig(ConfigFactory.parseString("o2c.http.rate-limit { requests-per-second = 500, burst = 1000 }\n"
        + "o2c.tenants { " + tenants + " }"));
  }

  @Test
  void a_key_names_its_tenant_and_principal() {
    ApiKeys keys =
        keys("acme { api-keys = [ {key = \"acme-key-1\", principal = shop, roles = [orders]}, {key = \"acme-key-2\", principal = erp, roles = [finance]} ] }"
            + "\n globex { api-keys = [ {key = \"globex-key\", principal = web, roles = [read]} ] }");
    assertEquals(Optional.of(new Caller("acme", "shop", Set.of(Role.ORDERS))), keys.lookup("acme-key-1"));
    assertEquals(Optional.of(new Caller("acme", "erp", Set.of(Role.FINANCE))), keys.lookup("acme-key-2"));
    assertEquals(Optional.of(new Caller("globex", "web", Set.of(Role.READ))), keys.lookup("globex-key"));
    assertTrue(keys.hasTenant("globex"));
  }

  @Test
  void an_unknown_empty_or_missing_key_names_nobody() {
    ApiKeys keys = keys("acme { api-keys = [ {key = \"acme-key-1\", principal = shop, roles = [orders]} ] }");
    assertEquals(Optional.empty(), keys.lookup("acme-key-2"));
    assertEquals(Optional.empty(), keys.lookup("ACME-KEY-1"));
    assertEquals(Optional.empty(), keys.lookup(""));
    assertEquals(Optional.empty(), keys.lookup(null));
  }

  @Test
  void the_shipped_configuration_has_the_development_key() {
    ApiKeys keys = ApiKeys.fromConfig(dev.o2c.infra.O2cConfig.load());
    assertEquals(Optional.of(new Caller("dev", "dev", Set.of(Role.ADMIN))), keys.lookup("o2c-dev-key"));
    assertEquals(Set.of(Role.READ), keys.lookup("o2c-dev-read-key").orElseThrow().roles());
    assertEquals(Set.of(Role.ORDERS), keys.lookup("o2c-dev-orders-key").orElseThrow().roles());
    assertEquals(Set.of(Role.FINANCE), keys.lookup("o2c-dev-finance-key").orElseThrow().roles());
  }

  @Test
  void a_short_key_stops_the_start() {
    var e = assertThrows(IllegalArgumentException.class, () -> keys("acme { api-keys = [ {key = \"short\", principal = p, roles = [read]} ] }"));
    assertTrue(e.getMessage().contains("acme"));
  }

  @Test
  void a_key_given_twice_stops_the_start() {
    assertThrows(
        IllegalArgumentException.class,
        () -> keys("a { api-keys = [ {key = \"same-key-x\", principal = p, roles = [read]} ] }\n b { api-keys = [ {key = \"same-key-x\", principal = q, roles = [read]} ] }"));
  }

  @Test
  void a_tenant_id_with_separators_or_capitals_stops_the_start() {
    assertThrows(IllegalArgumentException.class, () -> keys("\"Acme\" { api-keys = [] }"));
    assertThrows(IllegalArgumentException.class, () -> keys("\"ac|me\" { api-keys = [] }"));
  }

  @Test
  void a_key_has_its_own_rate_limit_or_the_default() {
    ApiKeys keys = keys("acme { api-keys = [ {key = \"acme-key-1\", principal = shop, roles = [orders], rate-limit { requests-per-second = 2.5, burst = 4 }},"
        + " {key = \"acme-key-2\", principal = erp, roles = [finance]} ] }");

    assertEquals(new RateLimit(2.5, 4), keys.find("acme-key-1").orElseThrow().limit());
    assertEquals(new RateLimit(500, 1000), keys.find("acme-key-2").orElseThrow().limit());
    assertEquals(new RateLimit(500, 1000), ApiKeys.fromConfig(dev.o2c.infra.O2cConfig.load(
        ConfigFactory.parseString("o2c.profile = production"))).find("o2c-dev-key").map(ApiKeys.Key::limit).orElse(new RateLimit(500, 1000)));
  }

  @Test
  void a_rate_limit_of_nothing_stops_the_start() {
    assertThrows(IllegalArgumentException.class, () -> keys(
        "acme { api-keys = [ {key = \"acme-key-1\", principal = shop, roles = [orders], rate-limit { requests-per-second = 0, burst = 4 }} ] }"));
  }

  @Test
  void a_bucket_gives_its_burst_at_once_then_tokens_at_the_rate() {
    long[] now = {0};
    var limiter = new RateLimiter(() -> now[0]);
    RateLimit roomy = new RateLimit(1000, 1000);
    var key = new ApiKeys.Key("d", new Caller("acme", "shop", Set.of(Role.ORDERS)), new RateLimit(2, 3), roomy);

    for (int i = 0; i < 3; i++) {
      assertEquals(0, limiter.admit(key).waitNanos(), "within the burst");
    }
    var refused = limiter.admit(key);
    assertEquals(500_000_000L, refused.waitNanos(), "the next token in half a second at 2 per second");
    assertFalse(refused.tenantLimit());
    now[0] += 499_000_000L;
    assertTrue(limiter.admit(key).waitNanos() > 0, "not yet");
    now[0] += 2_000_000L;
    assertEquals(0, limiter.admit(key).waitNanos(), "a token came back");
    now[0] += 60_000_000_000L;
    for (int i = 0; i < 3; i++) {
      assertEquals(0, limiter.admit(key).waitNanos(), "refilled to the burst, never above it");
    }
    assertTrue(limiter.admit(key).waitNanos() > 0);
    var other = new ApiKeys.Key("e", new Caller("acme", "erp", Set.of(Role.FINANCE)), new RateLimit(2, 3), roomy);
    assertEquals(0, limiter.admit(other).waitNanos(), "another key has its own bucket");
  }

  @Test
  void the_keys_of_a_tenant_share_its_bucket_and_a_refused_request_costs_its_key_nothing() {
    long[] now = {0};
    var limiter = new RateLimiter(() -> now[0]);
    RateLimit tenant = new RateLimit(1, 4);
    var a = new ApiKeys.Key("a", new Caller("acme", "a", Set.of(Role.READ)), new RateLimit(10, 3), tenant);
    var b = new ApiKeys.Key("b", new Caller("acme", "b", Set.of(Role.READ)), new RateLimit(10, 3), tenant);
    var elsewhere = new ApiKeys.Key("c", new Caller("globex", "c", Set.of(Role.READ)), new RateLimit(10, 3), tenant);

    assertTrue(limiter.admit(a).admitted());
    assertTrue(limiter.admit(a).admitted());
    assertTrue(limiter.admit(b).admitted());
    assertTrue(limiter.admit(b).admitted(), "the tenant's burst of 4 is spent by two keys together");
    var refused = limiter.admit(b);
    assertTrue(refused.tenantLimit(), "b has a token of its own left; the tenant has none");
    assertEquals(1_000_000_000L, refused.waitNanos());
    assertTrue(limiter.admit(elsewhere).admitted(), "another tenant has its own bucket");

    now[0] += 1_000_000_000L; // one tenant token back; b's own bucket was not charged for the refusal
    assertTrue(limiter.admit(b).admitted());
    assertTrue(limiter.admit(b).tenantLimit());
  }

  @Test
  void a_key_may_be_configured_by_its_sha256_alone() throws Exception {
    String digest = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
        .digest("a-long-random-secret-key".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    ApiKeys keys = keys("acme { api-keys = [ {key-sha256 = \"" + digest.toUpperCase() + "\", principal = shop, roles = [orders]} ] }");
    assertEquals(Optional.of(new Caller("acme", "shop", Set.of(Role.ORDERS))), keys.lookup("a-long-random-secret-key"));
    assertEquals(Optional.empty(), keys.lookup(digest), "the digest itself is not a key");

    assertThrows(IllegalArgumentException.class, () -> keys("acme { api-keys = [ {key-sha256 = \"abc\", principal = shop, roles = [read]} ] }"));
    assertThrows(IllegalArgumentException.class, () -> keys("acme { api-keys = [ {key = \"acme-key-1\", key-sha256 = \"" + digest
        + "\", principal = shop, roles = [read]} ] }"), "not both");
    assertThrows(IllegalArgumentException.class, () -> keys("acme { api-keys = [ {principal = shop, roles = [read]} ] }"), "not neither");
  }

  @Test
  void every_key_needs_known_roles() {
    var none = assertThrows(IllegalArgumentException.class, () -> keys("acme { api-keys = [ {key = \"acme-key-1\", principal = shop} ] }"));
    assertTrue(none.getMessage().contains("no roles"), none.getMessage());
    assertThrows(IllegalArgumentException.class, () -> keys("acme { api-keys = [ {key = \"acme-key-1\", principal = shop, roles = []} ] }"));
    var unknown = assertThrows(IllegalArgumentException.class,
        () -> keys("acme { api-keys = [ {key = \"acme-key-1\", principal = shop, roles = [superuser]} ] }"));
    assertTrue(unknown.getMessage().contains("superuser"), unknown.getMessage());
  }

  @Test
  void a_tenant_has_its_own_rate_limit_or_the_default() {
    ApiKeys keys = ApiKeys.fromConfig(ConfigFactory.parseString("o2c.http.rate-limit { requests-per-second = 500, burst = 1000 }\n"
        + "o2c.http.tenant-rate-limit { requests-per-second = 2000, burst = 4000 }\n"
        + "o2c.tenants { acme { rate-limit { requests-per-second = 7, burst = 9 }, api-keys = [ {key = \"acme-key-1\", principal = shop, "
        + "roles = [read]} ] }\n globex { api-keys = [ {key = \"globex-key\", principal = web, roles = [read]} ] } }"));
    assertEquals(new RateLimit(7, 9), keys.find("acme-key-1").orElseThrow().tenantLimit());
    assertEquals(new RateLimit(2000, 4000), keys.find("globex-key").orElseThrow().tenantLimit());
  }

  @Test
  void a_caller_acts_in_the_role_an_action_needs_and_admin_may_do_everything() {
    var channel = new Caller("acme", "shop", Set.of(Role.ORDERS));
    assertTrue(channel.may(Role.READ));
    assertTrue(channel.may(Role.ORDERS));
    assertFalse(channel.may(Role.FINANCE));
    assertFalse(channel.may(Role.ADMIN));
    assertThrows(IllegalStateException.class, () -> channel.actingAs(Role.FINANCE));
    assertEquals("shop (orders)", channel.actingAs(Role.ORDERS).by());
    assertEquals("shop", channel.by(), "not acting in a role yet");

    var reader = new Caller("acme", "r", Set.of(Role.READ));
    assertFalse(reader.may(Role.ORDERS));
    assertEquals("r (read)", reader.actingAs(Role.READ).by());

    var admin = new Caller("acme", "root", Set.of(Role.ADMIN));
    for (Role role : Role.values()) {
      assertTrue(admin.may(role));
    }
    assertEquals("root (admin)", admin.actingAs(Role.FINANCE).by(), "admin acting for finance is recorded as admin");
    var both = new Caller("acme", "ops", Set.of(Role.FINANCE, Role.ADMIN));
    assertEquals("ops (finance)", both.actingAs(Role.FINANCE).by(), "the role it has for the action, not the widest");
    assertEquals("finance, admin", both.roleLabels());
  }
}
