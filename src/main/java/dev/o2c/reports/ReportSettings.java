package dev.o2c.reports;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code o2c.reports}: the aging buckets (per tenant where {@code o2c.tenants.<tenant>.reports}
 * sets them), and how the report projection groups what queued.
 */
public record ReportSettings(List<Integer> agingBuckets, Map<String, List<Integer>> tenantBuckets, int groupSize, Duration groupWithin,
    int tagBuckets, String readJournal) {

  public static ReportSettings fromConfig(Config config) {
    Config c = config.getConfig("o2c.reports");
    List<Integer> defaults = edges(c.getIntList("aging-buckets"), "o2c.reports.aging-buckets");
    Map<String, List<Integer>> tenants = new HashMap<>();
    Config all = config.getConfig("o2c.tenants");
    for (String id : all.root().keySet()) {
      String path = id + ".reports.aging-buckets";
      if (all.hasPath(path)) {
        tenants.put(id, edges(all.getIntList(path), "o2c.tenants." + path));
      }
    }
    return new ReportSettings(defaults, Map.copyOf(tenants), c.getInt("group-size"), c.getDuration("group-within"),
        config.getInt("o2c.customers.tag-buckets"), c.getString("read-journal"));
  }

  /** The edges of the tenant's aging buckets. */
  public List<Integer> agingBuckets(String tenantId) {
    return tenantBuckets.getOrDefault(tenantId, agingBuckets);
  }

  /** Bucket edges are whole days, rising, at least one. */
  static List<Integer> edges(List<Integer> edges, String where) {
    if (edges.isEmpty()) {
      throw new IllegalArgumentException(where + " needs at least one edge (days past due), e.g. [30, 60, 90]");
    }
    int before = 0;
    for (int edge : edges) {
      if (edge <= before) {
        throw new IllegalArgumentException(where + " must be rising whole days above 0, e.g. [30, 60, 90]; got " + edges);
      }
      before = edge;
    }
    return List.copyOf(edges);
  }
}
