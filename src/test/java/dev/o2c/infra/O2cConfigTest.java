package dev.o2c.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

class O2cConfigTest {

  @Test
  void the_shipped_configuration_has_the_documented_defaults() {
    Config config = O2cConfig.load();
    assertEquals("127.0.0.1", config.getString("o2c.http.host"));
    assertEquals(8080, config.getInt("o2c.http.port"));
    assertEquals(1024 * 1024, config.getBytes("o2c.http.max-body-size"));
    assertEquals(8558, config.getInt("pekko.management.http.port"));
    assertEquals("cluster", config.getString("pekko.actor.provider"));
    assertEquals("keep-majority", config.getString("pekko.cluster.split-brain-resolver.active-strategy"));
    assertEquals("pekko.persistence.cassandra.journal", config.getString("pekko.persistence.journal.plugin"));
    assertEquals("o2c", config.getString("pekko.persistence.cassandra.journal.keyspace"));
    assertFalse(config.getBoolean("pekko.persistence.cassandra.journal.tables-autocreate"));
    assertEquals(9042, config.getInt("o2c.cassandra.embedded.cql-port"));
  }

  @Test
  void untagged_entities_journal_through_a_cassandra_plugin_instance_without_tag_writing() {
    Config config = O2cConfig.load();
    assertEquals(Journals.UNTAGGED, Journals.untagged(config));
    assertFalse(config.getBoolean("o2c.persistence.untagged.events-by-tag.enabled"));
    assertTrue(config.getBoolean("pekko.persistence.cassandra.events-by-tag.enabled"));
    // The same tables: the same keyspace as the tagged journal, whatever it is set to.
    assertEquals(config.getString("pekko.persistence.cassandra.journal.keyspace"),
        config.getString("o2c.persistence.untagged.journal.keyspace"));
    Config inMemory = ConfigFactory.parseString("pekko.persistence.journal.plugin = \"pekko.persistence.testkit.journal\"")
        .withFallback(config);
    assertEquals("", Journals.untagged(inMemory), "another journal: the configured one");
  }

  @Test
  void one_keyspace_setting_moves_journal_snapshots_and_offsets_together() {
    Config config = O2cConfig.load(ConfigFactory.parseString("o2c.cassandra.keyspace = tenant_test"));
    assertEquals("tenant_test", config.getString("pekko.persistence.cassandra.journal.keyspace"));
    assertEquals("tenant_test", config.getString("pekko.persistence.cassandra.snapshot.keyspace"));
    assertEquals("tenant_test", config.getString("pekko.projection.cassandra.offset-store.keyspace"));
  }

  @Test
  void the_actor_system_gets_contact_points_seeds_and_credentials() {
    Config loaded =
        O2cConfig.load(
            ConfigFactory.parseString(
                "o2c.cluster.seed-nodes = \"pekko://o2c@10.0.0.1:25520, pekko://o2c@10.0.0.2:25520\"\n"
                    + "o2c.cassandra.username = app\no2c.cassandra.password = secret"));
    Config system = O2cConfig.forActorSystem(loaded, List.of("10.0.0.5:9042", "10.0.0.6:9042"));
    assertEquals(List.of("10.0.0.5:9042", "10.0.0.6:9042"), system.getStringList("datastax-java-driver.basic.contact-points"));
    assertEquals(List.of("pekko://o2c@10.0.0.1:25520", "pekko://o2c@10.0.0.2:25520"), system.getStringList("pekko.cluster.seed-nodes"));
    assertEquals("PlainTextAuthProvider", system.getString("datastax-java-driver.advanced.auth-provider.class"));
    assertEquals("app", system.getString("datastax-java-driver.advanced.auth-provider.username"));
  }

  @Test
  void without_seeds_or_credentials_nothing_is_added() {
    Config system = O2cConfig.forActorSystem(O2cConfig.load(), List.of("127.0.0.1:9042"));
    assertEquals(List.of(), system.getStringList("pekko.cluster.seed-nodes"));
    assertFalse(system.hasPath("datastax-java-driver.advanced.auth-provider.username"));
  }

  @Test
  void a_seed_that_is_not_a_pekko_address_is_refused() {
    var e = assertThrows(IllegalArgumentException.class, () -> O2cConfig.seedNodes("10.0.0.1:25520"));
    assertEquals(true, e.getMessage().contains("O2C_SEED_NODES"));
  }

  @Test
  void the_development_tenant_exists_only_in_the_development_profile() throws Exception {
    assertTrue(O2cConfig.load().hasPath("o2c.tenants.dev.api-keys"), "./run.sh: development, with the dev tenant");
    Config production = O2cConfig.load(ConfigFactory.parseString("o2c.profile = production"));
    assertFalse(production.hasPath("o2c.tenants.dev"), "production: no dev tenant");
    assertEquals(8080, production.getInt("o2c.http.port"), "the rest of the shipped configuration");

    // The README's production recipe: a file of one's own that includes application.conf and defines its tenants.
    var file = java.nio.file.Files.createTempFile("prod", ".conf");
    java.nio.file.Files.writeString(file, "include classpath(\"application.conf\")\n"
        + "o2c.tenants = { acme { api-keys = [ { key = \"acme-production-key-1\", principal = \"shop\", roles = [orders] } ] } }\n");
    System.setProperty("config.file", file.toString());
    try {
      assertEquals(O2cConfig.PRODUCTION, O2cConfig.profile(ConfigFactory.empty()));
      Config recipe = O2cConfig.load();
      assertEquals(java.util.Set.of("acme"), recipe.getObject("o2c.tenants").keySet(), "only the file's tenants");
      Config explicit = O2cConfig.load(ConfigFactory.parseString("o2c.profile = development"));
      assertTrue(explicit.hasPath("o2c.tenants.dev"), "the development profile asked for explicitly");
      assertTrue(explicit.hasPath("o2c.tenants.acme"));
    } finally {
      System.clearProperty("config.file");
      java.nio.file.Files.delete(file);
      ConfigFactory.invalidateCaches();
    }
  }

  @Test
  void a_profile_other_than_development_or_production_is_refused() {
    var refused = assertThrows(IllegalArgumentException.class,
        () -> O2cConfig.load(ConfigFactory.parseString("o2c.profile = staging")));
    assertTrue(refused.getMessage().contains("O2C_PROFILE"));
  }
}
