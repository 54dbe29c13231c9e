package dev.o2c.payment;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigObject;
import dev.o2c.money.Money;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Payment settings: each tenant's short-payment tolerance and whether unapplied cash pays later
 * invoices ({@code o2c.tenants.<tenant>.payments}, over {@code o2c.payments.defaults}); the
 * batch limits; and how payment entities are tagged, snapshotted and wait for accounts.
 */
public record PaymentSettings(
    Map<String, Tenant> tenants, Tenant defaults, int batchMaxPayments, int batchParallelism, int tagBuckets, int snapshotEvery,
    Duration accountAskTimeout) {

  /**
   * A tenant's matching: tolerance per currency (absolute, in the currency; null: none) and
   * percent of the invoice total (null: no percent limit); auto-apply of unapplied cash.
   */
  public record Tenant(Map<String, BigDecimal> absoluteTolerance, BigDecimal percentTolerance, boolean autoApply) {

    /** The tolerance for payments in a currency. */
    public Matching.Tolerance tolerance(String currency) {
      return new Matching.Tolerance(absoluteTolerance.get(currency), percentTolerance);
    }
  }

  public static PaymentSettings fromConfig(Config config) {
    Config c = config.getConfig("o2c.payments");
    Config defaultsConfig = c.getConfig("defaults");
    Tenant defaults = tenant(defaultsConfig, "o2c.payments.defaults");
    Map<String, Tenant> tenants = new HashMap<>();
    ConfigObject all = config.getObject("o2c.tenants");
    for (String id : all.keySet()) {
      Config t = all.toConfig().getConfig(id);
      tenants.put(id, t.hasPath("payments")
          ? tenant(t.getConfig("payments").withFallback(defaultsConfig), "o2c.tenants." + id + ".payments")
          : defaults);
    }
    return new PaymentSettings(Map.copyOf(tenants), defaults, c.getInt("batch.max-payments"), c.getInt("batch.parallelism"),
        c.getInt("tag-buckets"), c.getInt("snapshot-every"), c.getDuration("account-ask-timeout"));
  }

  /** The tag of a payment entity's events. */
  public String tag(String entityId) {
    return "payment-" + Math.floorMod(entityId.hashCode(), tagBuckets);
  }

  public Tenant tenant(String tenantId) {
    return tenants.getOrDefault(tenantId, defaults);
  }

  private static Tenant tenant(Config c, String where) {
    Map<String, BigDecimal> absolute = new HashMap<>();
    Config tolerance = c.getConfig("tolerance");
    if (tolerance.hasPath("absolute")) {
      Config amounts = tolerance.getConfig("absolute");
      for (String currency : amounts.root().keySet()) {
        BigDecimal amount = new BigDecimal(amounts.getString(currency));
        if (!Money.isCurrency(currency) || Money.problem(amount, currency, true).isPresent()) {
          throw new IllegalArgumentException(where + ".tolerance.absolute." + currency + " must be an amount in an ISO 4217 currency");
        }
        absolute.put(currency, amount);
      }
    }
    BigDecimal percent = null;
    if (tolerance.hasPath("percent")) {
      percent = new BigDecimal(tolerance.getString("percent"));
      if (percent.signum() < 0 || percent.compareTo(BigDecimal.valueOf(100)) > 0) {
        throw new IllegalArgumentException(where + ".tolerance.percent must be from 0 to 100");
      }
    }
    return new Tenant(Map.copyOf(absolute), percent, c.getBoolean("auto-apply"));
  }
}
