package dev.o2c;

import com.typesafe.config.Config;
import dev.o2c.infra.O2cConfig;
import dev.o2c.infra.cassandra.CassandraSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks made before a node starts anything, each of which keeps a cluster to one journal and one
 * cluster (docs/operations.md, "Guards"): a node given seed nodes must share the cluster's
 * Cassandra (an embedded node would give it a journal of its own: two writers for one entity); a
 * production node without seed nodes forms a cluster of one only when told so (otherwise a
 * forgotten O2C_SEED_NODES makes a second cluster on the same keyspace); the schema is applied to
 * an external cluster with a replication factor of 1 only when told so. A refusal is an
 * {@link IllegalStateException} whose message says what to set; Main exits with code 1.
 */
final class StartGuards {

  private static final Pattern FACTOR = Pattern.compile("'([^']+)'\\s*:\\s*'?(\\d+)'?");

  private StartGuards() {}

  static void check(Config config, CassandraSettings cassandra) {
    List<String> refusals = refusals(config, cassandra, O2cConfig.profile(config));
    if (!refusals.isEmpty()) {
      throw new IllegalStateException(String.join(" ", refusals));
    }
  }

  /** What this configuration is refused for, in words that say what to set; empty when it may start. */
  static List<String> refusals(Config config, CassandraSettings cassandra, String profile) {
    List<String> out = new ArrayList<>();
    boolean seeds = !O2cConfig.seedNodes(config.getString("o2c.cluster.seed-nodes")).isEmpty();
    if (seeds && cassandra.embeddedNode()) {
      out.add("This node is given seed nodes (o2c.cluster.seed-nodes, env O2C_SEED_NODES) but no Cassandra contact points, so it "
          + "would start an embedded Cassandra node: a journal of its own beside the cluster's, two writers for one entity. Set "
          + "o2c.cassandra.contact-points (env O2C_CASSANDRA_CONTACT_POINTS) to the cluster's Cassandra.");
    }
    if (!seeds && O2cConfig.PRODUCTION.equals(profile) && !config.getBoolean("o2c.cluster.allow-single-node")) {
      out.add("A production node without seed nodes would form a cluster of its own (a second cluster on the same keyspace if "
          + "others run). Set o2c.cluster.seed-nodes (env O2C_SEED_NODES), or o2c.cluster.allow-single-node = on "
          + "(env O2C_ALLOW_SINGLE_NODE=on) for a deliberate single-node deployment.");
    }
    if (cassandra.shouldApplySchema() && !cassandra.embeddedNode() && replicationFactorOne(cassandra.replication())
        && !config.getBoolean("o2c.cassandra.allow-replication-factor-one")) {
      out.add("Applying the schema to an external Cassandra cluster with replication " + cassandra.replication() + ": a factor of 1 "
          + "keeps one copy of the journal, lost with one node. Set o2c.cassandra.replication (env O2C_CASSANDRA_REPLICATION), "
          + "e.g. {'class': 'NetworkTopologyStrategy', 'datacenter1': 3}, or o2c.cassandra.allow-replication-factor-one = on "
          + "(env O2C_CASSANDRA_ALLOW_RF1=on) for a test cluster.");
    }
    return out;
  }

  /** Whether a keyspace replication map keeps one copy somewhere ('replication_factor': 1, or a data centre's 1). */
  static boolean replicationFactorOne(String replication) {
    Matcher m = FACTOR.matcher(replication);
    while (m.find()) {
      if (!m.group(1).equals("class") && Integer.parseInt(m.group(2)) == 1) {
        return true;
      }
    }
    return false;
  }
}
