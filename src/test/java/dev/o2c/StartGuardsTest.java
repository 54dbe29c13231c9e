package dev.o2c;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.o2c.infra.O2cConfig;
import dev.o2c.infra.cassandra.CassandraSettings;
import java.util.List;
import org.junit.jupiter.api.Test;

class StartGuardsTest {

  private static final String SEEDS = "o2c.cluster.seed-nodes = \"pekko://o2c@10.0.0.1:25520\"\n";
  private static final String EXTERNAL = "o2c.cassandra.contact-points = \"10.0.0.5:9042\"\n";
  private static final String RF3 = "o2c.cassandra.replication = \"{'class': 'NetworkTopologyStrategy', 'datacenter1': 3}\"\n";

  private static List<String> refusals(String settings, String profile) {
    Config config = ConfigFactory.parseString(settings).withFallback(O2cConfig.load(ConfigFactory.parseString("o2c.profile = development")));
    return StartGuards.refusals(config, CassandraSettings.fromConfig(config), profile);
  }

  @Test
  void a_node_with_seed_nodes_and_no_contact_points_is_refused_its_own_cassandra() {
    List<String> refused = refusals(SEEDS, O2cConfig.DEVELOPMENT);
    assertEquals(1, refused.size(), refused.toString());
    assertTrue(refused.get(0).contains("O2C_CASSANDRA_CONTACT_POINTS") && refused.get(0).contains("two writers"), refused.get(0));
    assertEquals(List.of(), refusals(SEEDS + EXTERNAL, O2cConfig.DEVELOPMENT), "seed nodes and the cluster's Cassandra");
  }

  @Test
  void a_production_node_without_seed_nodes_starts_only_when_told_it_is_alone() {
    List<String> refused = refusals(EXTERNAL, O2cConfig.PRODUCTION);
    assertEquals(1, refused.size(), refused.toString());
    assertTrue(refused.get(0).contains("O2C_SEED_NODES") && refused.get(0).contains("O2C_ALLOW_SINGLE_NODE"), refused.get(0));
    assertEquals(List.of(), refusals(EXTERNAL + "o2c.cluster.allow-single-node = on", O2cConfig.PRODUCTION));
    assertEquals(List.of(), refusals(EXTERNAL + SEEDS, O2cConfig.PRODUCTION));
    assertEquals(List.of(), refusals("", O2cConfig.DEVELOPMENT), "the development profile: ./run.sh on a laptop");
  }

  @Test
  void the_schema_goes_to_an_external_cluster_with_one_copy_only_when_allowed() {
    String apply = EXTERNAL + SEEDS + "o2c.cassandra.apply-schema = on\n";
    List<String> refused = refusals(apply, O2cConfig.PRODUCTION);
    assertEquals(1, refused.size(), refused.toString());
    assertTrue(refused.get(0).contains("O2C_CASSANDRA_REPLICATION") && refused.get(0).contains("O2C_CASSANDRA_ALLOW_RF1"), refused.get(0));
    assertEquals(List.of(), refusals(apply + RF3, O2cConfig.PRODUCTION));
    assertEquals(List.of(), refusals(apply + "o2c.cassandra.allow-replication-factor-one = on", O2cConfig.PRODUCTION));
    assertEquals(List.of(), refusals(EXTERNAL + SEEDS, O2cConfig.PRODUCTION), "no schema applied: nothing to refuse");
    assertEquals(List.of(), refusals("o2c.cassandra.apply-schema = on", O2cConfig.DEVELOPMENT), "the embedded node has one copy anyway");
  }

  @Test
  void replication_factor_one_is_found_in_either_strategy() {
    assertTrue(StartGuards.replicationFactorOne("{'class': 'SimpleStrategy', 'replication_factor': 1}"));
    assertTrue(StartGuards.replicationFactorOne("{'class': 'SimpleStrategy', 'replication_factor': '1'}"));
    assertTrue(StartGuards.replicationFactorOne("{'class': 'NetworkTopologyStrategy', 'dc1': 3, 'dc2': 1}"));
    assertFalse(StartGuards.replicationFactorOne("{'class': 'SimpleStrategy', 'replication_factor': 3}"));
    assertFalse(StartGuards.replicationFactorOne("{'class': 'NetworkTopologyStrategy', 'dc1': 3, 'dc2': 10}"));
  }
}
