package dev.o2c.invoice;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigObject;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Invoicing settings: each tenant's trigger, tax rates and dunning levels
 * ({@code o2c.tenants.<tenant>.invoicing}, over the defaults in {@code o2c.invoicing.defaults}),
 * and the cluster-wide numbering and dunning-run settings.
 */
public record InvoicingSettings(
    Map<String, Tenant> tenants, Tenant defaults, int numberBlockSize, int snapshotEvery, int tagBuckets,
    Duration dunningInterval, LocalDate dunningEpoch) {

  /** When an order gets its invoice. */
  public enum InvoiceOn {
    VERIFIED,
    SHIPPED
  }

  /** One dunning step: after {@code daysOverdue} days past the due date; {@code creditHold} puts the customer on hold. */
  public record Step(int daysOverdue, DunningLevel level, boolean creditHold) {}

  /** A tenant's invoicing: trigger, number prefix, tax and dunning. */
  public record Tenant(InvoiceOn invoiceOn, String numberPrefix, TaxRates tax, List<Step> dunning) {

    /** The step after {@code current}, or null when there is none. */
    public Step nextStep(DunningLevel current) {
      for (Step step : dunning) {
        if (step.level().ordinal() > current.ordinal()) {
          return step;
        }
      }
      return null;
    }
  }

  private static final Pattern PREFIX = Pattern.compile("[A-Z][A-Z0-9]{0,9}");

  public static InvoicingSettings fromConfig(Config config) {
    Config c = config.getConfig("o2c.invoicing");
    Config defaultsConfig = c.getConfig("defaults");
    Tenant defaults = tenant(defaultsConfig, "o2c.invoicing.defaults");
    Map<String, Tenant> tenants = new HashMap<>();
    ConfigObject all = config.getObject("o2c.tenants");
    for (String id : all.keySet()) {
      Config t = all.toConfig().getConfig(id);
      tenants.put(id, t.hasPath("invoicing")
          ? tenant(t.getConfig("invoicing").withFallback(defaultsConfig), "o2c.tenants." + id + ".invoicing")
          : defaults);
    }
    return new InvoicingSettings(
        Map.copyOf(tenants), defaults, c.getInt("number-block-size"), c.getInt("snapshot-every"), c.getInt("tag-buckets"),
        c.getDuration("dunning.interval"), LocalDate.parse(c.getString("dunning.epoch")));
  }

  public Tenant tenant(String tenantId) {
    return tenants.getOrDefault(tenantId, defaults);
  }

  private static Tenant tenant(Config c, String where) {
    InvoiceOn on;
    try {
      on = InvoiceOn.valueOf(c.getString("invoice-on").toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ".invoice-on must be verified or shipped, not '" + c.getString("invoice-on") + "'");
    }
    String prefix = c.getString("number-prefix");
    if (!PREFIX.matcher(prefix).matches()) {
      throw new IllegalArgumentException(where + ".number-prefix must be 1-10 capitals or digits, starting with a capital");
    }
    Map<String, BigDecimal> rates = new LinkedHashMap<>();
    Config ratesConfig = c.getConfig("tax.rates");
    for (String code : ratesConfig.root().keySet()) {
      rates.put(code, percent(ratesConfig.getString(code), where + ".tax.rates." + code));
    }
    TaxRates tax = new TaxRates(percent(c.getString("tax.default-rate"), where + ".tax.default-rate"), rates);
    List<Step> steps = new ArrayList<>();
    for (Config step : c.getConfigList("dunning")) {
      DunningLevel level;
      try {
        level = DunningLevel.valueOf(step.getString("level"));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(where + ".dunning: level must be REMINDER, SECOND_NOTICE or FINAL_NOTICE");
      }
      steps.add(new Step(step.getInt("days-overdue"), level, step.hasPath("credit-hold") && step.getBoolean("credit-hold")));
    }
    for (int i = 0; i < steps.size(); i++) {
      Step step = steps.get(i);
      if (step.level() == DunningLevel.NONE || step.daysOverdue() < 1
          || (i > 0 && (step.daysOverdue() <= steps.get(i - 1).daysOverdue() || step.level().ordinal() <= steps.get(i - 1).level().ordinal()))) {
        throw new IllegalArgumentException(where + ".dunning must go up: each step later (at least 1 day overdue) and at a higher level");
      }
    }
    return new Tenant(on, prefix, tax, List.copyOf(steps));
  }

  private static BigDecimal percent(String text, String where) {
    try {
      BigDecimal percent = new BigDecimal(text);
      if (percent.signum() < 0 || percent.compareTo(BigDecimal.valueOf(100)) > 0) {
        throw new IllegalArgumentException(where + " must be a percentage from 0 to 100, not " + text);
      }
      return percent;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(where + " must be a percentage such as 19 or 8.875, not '" + text + "'");
    }
  }
}
