package dev.o2c.order;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A tenant's order automation rules (o2c.tenants.&lt;tenant&gt;.rules, docs/automation-rules.md).
 *
 * <p>Every rule whose conditions all hold applies its action: HOLD adds a hold reason, ALERT raises
 * an alert, ROUTE labels the order with a review queue (the first matching ROUTE rule wins). Rules
 * are read once at start-up; a rule with an unknown condition or action stops the start, so that
 * a typo never silently disables a rule.
 */
public final class AutomationRules {

  /** What a rule does when it matches. */
  public enum ActionType {
    HOLD,
    ALERT,
    ROUTE
  }

  /**
   * The conditions of a rule; a null (or empty) condition is not checked. Totals and quantities
   * are compared strictly ("over"); totals in the order's own currency (combine with
   * {@code currencyIn} when a tenant sells in several).
   */
  public record Conditions(
      BigDecimal totalOver,
      BigDecimal totalAtLeast,
      Integer lineCountOver,
      Set<String> skuIn,
      Long quantityOver,
      Set<String> channelIn,
      Set<String> customerIn,
      Set<String> currencyIn) {

    boolean matches(NewOrder order) {
      if (totalOver != null && order.total().compareTo(totalOver) <= 0) {
        return false;
      }
      if (totalAtLeast != null && order.total().compareTo(totalAtLeast) < 0) {
        return false;
      }
      if (lineCountOver != null && order.lines().size() <= lineCountOver) {
        return false;
      }
      if (!skuIn.isEmpty() && order.lines().stream().noneMatch(l -> skuIn.contains(l.sku()))) {
        return false;
      }
      if (quantityOver != null && order.lines().stream().noneMatch(l -> l.quantity() > quantityOver)) {
        return false;
      }
      if (!channelIn.isEmpty() && (order.channel() == null || !channelIn.contains(order.channel()))) {
        return false;
      }
      if (!customerIn.isEmpty() && !customerIn.contains(order.customerId())) {
        return false;
      }
      return currencyIn.isEmpty() || currencyIn.contains(order.currency());
    }
  }

  /** One rule: a name (recorded with what it caused), conditions and an action. */
  public record Rule(String name, Conditions when, ActionType action, String reason, String message, String queue) {}

  /** What the rules made of one order. */
  public record Outcome(List<HoldReason> holds, List<RuleAlert> alerts, String reviewQueue) {
    public static final Outcome NONE = new Outcome(List.of(), List.of(), null);
  }

  private static final Pattern REASON = Pattern.compile("[A-Z][A-Z0-9_]{0,63}");
  private static final Set<String> CONDITIONS =
      Set.of("total-over", "total-at-least", "line-count-over", "sku-in", "quantity-over", "channel-in", "customer-in", "currency-in");
  private static final Set<String> RULE_KEYS = Set.of("name", "when", "action", "reason", "message", "queue");

  public static final AutomationRules NONE = new AutomationRules(List.of());

  private final List<Rule> rules;

  public AutomationRules(List<Rule> rules) {
    this.rules = List.copyOf(rules);
  }

  public List<Rule> rules() {
    return rules;
  }

  /** Applies every rule to the order. */
  public Outcome evaluate(NewOrder order) {
    if (rules.isEmpty()) {
      return Outcome.NONE;
    }
    List<HoldReason> holds = new ArrayList<>();
    List<RuleAlert> alerts = new ArrayList<>();
    String queue = null;
    for (Rule rule : rules) {
      if (!rule.when().matches(order)) {
        continue;
      }
      switch (rule.action()) {
        case HOLD -> holds.add(new HoldReason(rule.reason(), "Held by rule " + rule.name() + ".", rule.name()));
        case ALERT -> alerts.add(new RuleAlert(rule.name(), rule.message()));
        case ROUTE -> queue = queue == null ? rule.queue() : queue;
      }
    }
    return new Outcome(holds, alerts, queue);
  }

  /** Reads a list of rules (the value of o2c.tenants.&lt;tenant&gt;.rules); errors name the rule and key. */
  public static AutomationRules fromConfig(List<? extends Config> list, String tenantId) {
    List<Rule> rules = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < list.size(); i++) {
      Config c = list.get(i);
      String where = "o2c.tenants." + tenantId + ".rules[" + i + "]";
      try {
        for (String key : c.root().keySet()) {
          if (!RULE_KEYS.contains(key)) {
            throw new IllegalArgumentException(where + " has an unknown key '" + key + "'; known: " + new java.util.TreeSet<>(RULE_KEYS));
          }
        }
        String name = c.getString("name");
        if (!names.add(name)) {
          throw new IllegalArgumentException(where + ": the rule name '" + name + "' is used twice");
        }
        Conditions when = conditions(c.hasPath("when") ? c.getConfig("when") : com.typesafe.config.ConfigFactory.empty(), where);
        ActionType action;
        try {
          action = ActionType.valueOf(c.getString("action").toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(where + ": action must be HOLD, ALERT or ROUTE, not '" + c.getString("action") + "'");
        }
        String reason = optional(c, "reason");
        String message = optional(c, "message");
        String queue = optional(c, "queue");
        switch (action) {
          case HOLD -> {
            if (reason == null || !REASON.matcher(reason).matches()) {
              throw new IllegalArgumentException(where + ": a HOLD rule needs a reason code in capitals, e.g. reason = LARGE_ORDER");
            }
          }
          case ALERT -> message = message == null ? "Rule " + name + " matched." : message;
          case ROUTE -> {
            if (queue == null || queue.isBlank()) {
              throw new IllegalArgumentException(where + ": a ROUTE rule needs a queue, e.g. queue = \"manual-review\"");
            }
          }
        }
        rules.add(new Rule(name, when, action, reason, message, queue));
      } catch (ConfigException e) {
        throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
      }
    }
    return new AutomationRules(rules);
  }

  private static Conditions conditions(Config when, String where) {
    for (String key : when.root().keySet()) {
      if (!CONDITIONS.contains(key)) {
        throw new IllegalArgumentException(where + ".when has an unknown condition '" + key + "'; known: " + new java.util.TreeSet<>(CONDITIONS));
      }
    }
    return new Conditions(
        decimal(when, "total-over", where),
        decimal(when, "total-at-least", where),
        when.hasPath("line-count-over") ? when.getInt("line-count-over") : null,
        strings(when, "sku-in"),
        when.hasPath("quantity-over") ? when.getLong("quantity-over") : null,
        strings(when, "channel-in"),
        strings(when, "customer-in"),
        strings(when, "currency-in"));
  }

  private static BigDecimal decimal(Config c, String key, String where) {
    if (!c.hasPath(key)) {
      return null;
    }
    try {
      return new BigDecimal(c.getString(key));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(where + ".when." + key + " must be a number, not '" + c.getString(key) + "'");
    }
  }

  private static Set<String> strings(Config c, String key) {
    return c.hasPath(key) ? Set.copyOf(new LinkedHashSet<>(c.getStringList(key))) : Set.of();
  }

  private static String optional(Config c, String key) {
    return c.hasPath(key) ? c.getString(key) : null;
  }
}
