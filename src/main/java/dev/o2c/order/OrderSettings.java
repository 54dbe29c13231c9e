package dev.o2c.order;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigObject;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** Settings of orders ({@code o2c.orders}) and each tenant's automation rules. */
public record OrderSettings(
    int maxLines,
    int tagBuckets,
    int snapshotEvery,
    Duration customerAskTimeout,
    int batchMaxOrders,
    int batchParallelism,
    Map<String, AutomationRules> rulesByTenant) {

  public static OrderSettings fromConfig(Config config) {
    Config c = config.getConfig("o2c.orders");
    Map<String, AutomationRules> rules = new HashMap<>();
    ConfigObject tenants = config.getObject("o2c.tenants");
    for (String tenant : tenants.keySet()) {
      Config t = tenants.toConfig().getConfig(tenant);
      rules.put(tenant, t.hasPath("rules") ? AutomationRules.fromConfig(t.getConfigList("rules"), tenant) : AutomationRules.NONE);
    }
    int buckets = c.getInt("tag-buckets");
    if (buckets < 1) {
      throw new IllegalArgumentException("o2c.orders.tag-buckets must be at least 1");
    }
    return new OrderSettings(
        c.getInt("max-lines"),
        buckets,
        c.getInt("snapshot-every"),
        c.getDuration("customer-ask-timeout"),
        c.getInt("batch.max-orders"),
        c.getInt("batch.parallelism"),
        Map.copyOf(rules));
  }

  public AutomationRules rules(String tenantId) {
    return rulesByTenant.getOrDefault(tenantId, AutomationRules.NONE);
  }

  /** The tag of an order's events: "order-0" .. "order-(n-1)", fixed for the life of the data. */
  public String tag(String entityId) {
    return "order-" + Math.floorMod(entityId.hashCode(), tagBuckets);
  }
}
