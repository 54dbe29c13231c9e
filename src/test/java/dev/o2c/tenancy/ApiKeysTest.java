package dev.o2c.tenancy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ApiKeysTest {

  private static ApiKeys keys(String tenants) {
    return ApiKeys.fromConfig(ConfigFactory.parseString("o2c.tenants { " + tenants + " }"));
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
}
