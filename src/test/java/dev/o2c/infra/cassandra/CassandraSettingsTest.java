package dev.o2c.infra.cassandra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.o2c.infra.O2cConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

class CassandraSettingsTest {

  private static CassandraSettings settings(String overrides) {
    return CassandraSettings.fromConfig(O2cConfig.load(ConfigFactory.parseString(overrides)));
  }

  @Test
  void contact_points_are_host_port_pairs_with_9042_by_default() {
    assertEquals(List.of("10.0.0.5:9042", "db.internal:19042"), CassandraSettings.parseContactPoints(" 10.0.0.5 , db.internal:19042,"));
    assertEquals(List.of(), CassandraSettings.parseContactPoints(""));
  }

  @Test
  void a_malformed_contact_point_is_refused_naming_the_setting() {
    var e = assertThrows(IllegalArgumentException.class, () -> CassandraSettings.parseContactPoints("10.0.0.5:port"));
    assertTrue(e.getMessage().contains("O2C_CASSANDRA_CONTACT_POINTS"));
    assertThrows(IllegalArgumentException.class, () -> CassandraSettings.parseContactPoints("10.0.0.5:70000"));
  }

  @Test
  void no_contact_points_means_the_embedded_node_and_its_schema() {
    CassandraSettings s = settings("");
    assertTrue(s.embeddedNode());
    assertTrue(s.shouldApplySchema());
  }

  @Test
  void an_external_cluster_gets_the_schema_only_when_asked() {
    CassandraSettings external = settings("o2c.cassandra.contact-points = \"10.0.0.5:9042\"");
    assertFalse(external.embeddedNode());
    assertFalse(external.shouldApplySchema());
    assertTrue(external.withApplySchema(CassandraSettings.ApplySchema.ON).shouldApplySchema());
    assertTrue(settings("o2c.cassandra.contact-points = \"h\"\no2c.cassandra.apply-schema = on").shouldApplySchema());
    assertFalse(settings("o2c.cassandra.apply-schema = off").shouldApplySchema());
  }

  @Test
  void a_bad_keyspace_or_apply_mode_stops_the_start() {
    assertThrows(IllegalArgumentException.class, () -> settings("o2c.cassandra.keyspace = \"o2c; DROP\""));
    assertThrows(IllegalArgumentException.class, () -> settings("o2c.cassandra.apply-schema = sometimes"));
  }
}
