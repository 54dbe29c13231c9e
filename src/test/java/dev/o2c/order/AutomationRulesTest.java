package dev.o2c.order;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AutomationRulesTest {

  private static AutomationRules rules(String hocon) {
    return AutomationRules.fromConfig(ConfigFactory.parseString("rules = [" + hocon + "]").getConfigList("rules"), "acme");
  }

  private static String refused(String hocon) {
    return assertThrows(IllegalArgumentException.class, () -> rules(hocon)).getMessage();
  }

  private static void assertMentions(String message, String... parts) {
    for (var part : parts) {
      assertTrue(message.contains(part), () -> "'" + part + "' missing from: " + message);
    }
  }

  private static OrderLine line(int number, String sku, long quantity, String unitPrice) {
    var price = new BigDecimal(unitPrice);
    return new OrderLine(number, sku, quantity, price, price.multiply(BigDecimal.valueOf(quantity)));
  }

  private static NewOrder order(String customerId, String currency, String channel, OrderLine... lines) {
    var total = Arrays.stream(lines).map(OrderLine::lineTotal).reduce(BigDecimal.ZERO, BigDecimal::add);
    return new NewOrder(customerId, currency, List.of(lines), total, channel, null);
  }

  /** An EUR order of one line whose total is the given amount. */
  private static NewOrder totalling(String amount) {
    return order("C-1", "EUR", "web", line(1, "SKU-1", 1, amount));
  }

  private static boolean holds(String when, NewOrder order) {
    var outcome = rules("{ name = r, when { " + when + " }, action = HOLD, reason = R }").evaluate(order);
    return !outcome.holds().isEmpty();
  }

  // --- parsing ---

  @Test
  void a_hold_rule_is_read_with_its_conditions() {
    var rules = rules("""
        { name = "large-order", when { total-over = 10000, currency-in = [EUR, USD] }, action = HOLD, reason = LARGE_ORDER }
        """).rules();
    assertEquals(1, rules.size());
    var rule = rules.get(0);
    assertEquals("large-order", rule.name());
    assertEquals(AutomationRules.ActionType.HOLD, rule.action());
    assertEquals("LARGE_ORDER", rule.reason());
    assertEquals(0, new BigDecimal("10000").compareTo(rule.when().totalOver()));
    assertEquals(Set.of("EUR", "USD"), rule.when().currencyIn());
    assertNull(rule.when().totalAtLeast());
    assertNull(rule.when().lineCountOver());
    assertNull(rule.when().quantityOver());
    assertEquals(Set.of(), rule.when().skuIn());
    assertEquals(Set.of(), rule.when().channelIn());
    assertEquals(Set.of(), rule.when().customerIn());
    assertNull(rule.queue());
  }

  @Test
  void every_condition_is_read() {
    var when = rules("""
        { name = all, action = ALERT, when {
            total-over = "99.99", total-at-least = 50, line-count-over = 3, sku-in = [A, B],
            quantity-over = 10, channel-in = [web], customer-in = [C-1], currency-in = [JPY] } }
        """).rules().get(0).when();
    assertEquals("99.99", when.totalOver().toPlainString());
    assertEquals(0, new BigDecimal("50").compareTo(when.totalAtLeast()));
    assertEquals(3, when.lineCountOver());
    assertEquals(Set.of("A", "B"), when.skuIn());
    assertEquals(10L, when.quantityOver());
    assertEquals(Set.of("web"), when.channelIn());
    assertEquals(Set.of("C-1"), when.customerIn());
    assertEquals(Set.of("JPY"), when.currencyIn());
  }

  @Test
  void a_decimal_threshold_written_as_a_number_is_read_exactly() {
    var when = rules("{ name = r, when { total-over = 0.1 }, action = ALERT }").rules().get(0).when();
    assertEquals("0.1", when.totalOver().toPlainString());
  }

  @Test
  void an_alert_rule_keeps_its_message() {
    var rule = rules("{ name = gift, when { sku-in = [GIFT] }, action = ALERT, message = \"Check for fraud.\" }")
        .rules().get(0);
    assertEquals(AutomationRules.ActionType.ALERT, rule.action());
    assertEquals("Check for fraud.", rule.message());
  }

  @Test
  void an_alert_rule_without_a_message_gets_a_default_naming_the_rule() {
    var rule = rules("{ name = gift, action = ALERT }").rules().get(0);
    assertEquals("Rule gift matched.", rule.message());
  }

  @Test
  void a_route_rule_keeps_its_queue() {
    var rule = rules("{ name = b2b, when { channel-in = [b2b-portal] }, action = ROUTE, queue = \"b2b-review\" }")
        .rules().get(0);
    assertEquals(AutomationRules.ActionType.ROUTE, rule.action());
    assertEquals("b2b-review", rule.queue());
  }

  @Test
  void the_shipped_example_rules_are_valid() {
    var config = ConfigFactory.parseFile(new java.io.File("config/development.conf")).resolve();
    var rules = AutomationRules.fromConfig(config.getConfigList("o2c.tenants.dev.rules"), "dev").rules();
    assertEquals(List.of("large-order", "gift-cards", "b2b-review"), rules.stream().map(AutomationRules.Rule::name).toList());
  }

  @Test
  void no_rules_is_a_valid_configuration() {
    assertEquals(List.of(), rules("").rules());
  }

  // --- parsing: refused ---

  @Test
  void an_unknown_rule_key_is_refused_naming_rule_and_key() {
    var message = refused("""
        { name = ok, action = ALERT }
        { name = r, action = ALERT, severity = high }
        """);
    assertMentions(message, "o2c.tenants.acme.rules[1]", "'severity'");
  }

  @Test
  void an_unknown_condition_is_refused_naming_rule_and_condition() {
    var message = refused("{ name = r, when { total-above = 100 }, action = ALERT }");
    assertMentions(message, "o2c.tenants.acme.rules[0].when", "'total-above'");
  }

  @Test
  void an_action_other_than_hold_alert_or_route_is_refused() {
    var message = refused("{ name = r, action = BLOCK }");
    assertMentions(message, "o2c.tenants.acme.rules[0]", "action", "'BLOCK'");
  }

  @Test
  void a_missing_action_is_refused_naming_the_rule() {
    assertMentions(refused("{ name = r }"), "o2c.tenants.acme.rules[0]", "action");
  }

  @Test
  void a_missing_name_is_refused_naming_the_rule() {
    assertMentions(refused("{ name = ok, action = ALERT }, { action = ALERT }"), "o2c.tenants.acme.rules[1]", "name");
  }

  @Test
  void a_hold_rule_without_a_reason_is_refused() {
    assertMentions(refused("{ name = r, action = HOLD }"), "o2c.tenants.acme.rules[0]", "reason");
  }

  @Test
  void a_hold_rule_with_a_lower_case_reason_is_refused() {
    assertMentions(refused("{ name = r, action = HOLD, reason = large_order }"), "o2c.tenants.acme.rules[0]", "reason");
  }

  @Test
  void a_route_rule_without_a_queue_is_refused() {
    assertMentions(refused("{ name = r, action = ROUTE }"), "o2c.tenants.acme.rules[0]", "queue");
    assertMentions(refused("{ name = r, action = ROUTE, queue = \" \" }"), "o2c.tenants.acme.rules[0]", "queue");
  }

  @Test
  void a_rule_name_used_twice_is_refused() {
    var message = refused("""
        { name = same, action = ALERT }
        { name = other, action = ALERT }
        { name = same, action = ALERT }
        """);
    assertMentions(message, "o2c.tenants.acme.rules[2]", "name", "'same'");
  }

  @Test
  void a_non_numeric_total_over_is_refused() {
    var message = refused("{ name = r, when { total-over = \"ten thousand\" }, action = ALERT }");
    assertMentions(message, "o2c.tenants.acme.rules[0].when.total-over", "'ten thousand'");
  }

  @Test
  void a_non_numeric_line_count_is_refused_naming_the_rule() {
    var message = refused("{ name = r, when { line-count-over = many }, action = ALERT }");
    assertMentions(message, "o2c.tenants.acme.rules[0]", "line-count-over");
  }

  @Test
  void a_sku_list_that_is_not_a_list_is_refused_naming_the_rule() {
    var message = refused("{ name = r, when { sku-in = { a = 1 } }, action = ALERT }");
    assertMentions(message, "o2c.tenants.acme.rules[0]", "sku-in");
  }

  // --- evaluation: one condition at a time ---

  @Test
  void total_over_is_strict() {
    assertFalse(holds("total-over = 100", totalling("99.99")));
    assertFalse(holds("total-over = 100", totalling("100.00")));
    assertTrue(holds("total-over = 100", totalling("100.01")));
  }

  @Test
  void total_at_least_matches_the_threshold_itself() {
    assertFalse(holds("total-at-least = 100", totalling("99.99")));
    assertTrue(holds("total-at-least = 100", totalling("100.00")));
    assertTrue(holds("total-at-least = \"100.00\"", totalling("100")));
    assertTrue(holds("total-at-least = 100", totalling("100.01")));
  }

  @Test
  void line_count_over_is_strict() {
    var two = order("C-1", "EUR", null, line(1, "A", 1, "1"), line(2, "B", 1, "1"));
    var three = order("C-1", "EUR", null, line(1, "A", 1, "1"), line(2, "B", 1, "1"), line(3, "C", 1, "1"));
    assertFalse(holds("line-count-over = 2", two));
    assertTrue(holds("line-count-over = 2", three));
  }

  @Test
  void quantity_over_is_strict_and_any_line_counts() {
    assertFalse(holds("quantity-over = 10", order("C-1", "EUR", null, line(1, "A", 10, "1"), line(2, "B", 3, "1"))));
    assertTrue(holds("quantity-over = 10", order("C-1", "EUR", null, line(1, "A", 10, "1"), line(2, "B", 11, "1"))));
  }

  @Test
  void quantities_are_not_summed_across_lines() {
    assertFalse(holds("quantity-over = 10", order("C-1", "EUR", null, line(1, "A", 6, "1"), line(2, "A", 6, "1"))));
  }

  @Test
  void sku_in_matches_when_any_line_has_a_listed_sku() {
    assertTrue(holds("sku-in = [GIFT, VOUCHER]", order("C-1", "EUR", null, line(1, "A", 1, "1"), line(2, "VOUCHER", 1, "1"))));
    assertFalse(holds("sku-in = [GIFT, VOUCHER]", order("C-1", "EUR", null, line(1, "A", 1, "1"), line(2, "gift", 1, "1"))));
  }

  @Test
  void channel_in_matches_a_listed_channel_only() {
    assertTrue(holds("channel-in = [web, b2b]", order("C-1", "EUR", "b2b", line(1, "A", 1, "1"))));
    assertFalse(holds("channel-in = [web, b2b]", order("C-1", "EUR", "phone", line(1, "A", 1, "1"))));
  }

  @Test
  void channel_in_does_not_match_an_order_without_a_channel() {
    assertFalse(holds("channel-in = [web]", order("C-1", "EUR", null, line(1, "A", 1, "1"))));
  }

  @Test
  void customer_in_matches_listed_customers() {
    assertTrue(holds("customer-in = [C-1, C-2]", order("C-2", "EUR", null, line(1, "A", 1, "1"))));
    assertFalse(holds("customer-in = [C-1, C-2]", order("C-3", "EUR", null, line(1, "A", 1, "1"))));
  }

  @Test
  void currency_in_matches_listed_currencies() {
    assertTrue(holds("currency-in = [JPY]", order("C-1", "JPY", null, line(1, "A", 1, "100"))));
    assertFalse(holds("currency-in = [JPY]", order("C-1", "EUR", null, line(1, "A", 1, "100"))));
  }

  @Test
  void an_empty_list_condition_is_not_checked() {
    assertTrue(holds("sku-in = []", totalling("1")));
  }

  @Test
  void a_rule_with_an_empty_when_matches_every_order() {
    assertTrue(holds("", totalling("0")));
    var outcome = rules("{ name = always, action = ALERT }").evaluate(order("C-9", "JPY", null, line(1, "X", 1, "5")));
    assertEquals(List.of(new RuleAlert("always", "Rule always matched.")), outcome.alerts());
  }

  // --- evaluation: conditions and rules together ---

  @Test
  void every_condition_of_a_rule_must_hold() {
    var when = "total-over = 100, channel-in = [web]";
    assertTrue(holds(when, order("C-1", "EUR", "web", line(1, "A", 1, "150"))));
    assertFalse(holds(when, order("C-1", "EUR", "b2b", line(1, "A", 1, "150"))));
    assertFalse(holds(when, order("C-1", "EUR", "web", line(1, "A", 1, "50"))));
  }

  @Test
  void a_hold_records_its_reason_and_rule() {
    var outcome = rules("{ name = \"large-order\", when { total-over = 100 }, action = HOLD, reason = LARGE_ORDER }")
        .evaluate(totalling("150"));
    assertEquals(List.of(new HoldReason("LARGE_ORDER", "Held by rule large-order.", "large-order")), outcome.holds());
    assertEquals(List.of(), outcome.alerts());
    assertNull(outcome.reviewQueue());
  }

  @Test
  void all_matching_rules_apply_in_order_and_the_first_route_wins() {
    var rules = rules("""
        { name = big, when { total-over = 100 }, action = HOLD, reason = LARGE_ORDER }
        { name = gift, when { sku-in = [GIFT] }, action = ALERT, message = "Gift card." }
        { name = route-web, when { channel-in = [web] }, action = ROUTE, queue = web-review }
        { name = never, when { currency-in = [JPY] }, action = HOLD, reason = NEVER }
        { name = gift-hold, when { sku-in = [GIFT] }, action = HOLD, reason = GIFT_CARD }
        { name = route-any, action = ROUTE, queue = general }
        { name = any-alert, action = ALERT }
        """);
    var outcome = rules.evaluate(order("C-1", "EUR", "web", line(1, "GIFT", 2, "60")));
    assertEquals(
        List.of(
            new HoldReason("LARGE_ORDER", "Held by rule big.", "big"),
            new HoldReason("GIFT_CARD", "Held by rule gift-hold.", "gift-hold")),
        outcome.holds());
    assertEquals(List.of(new RuleAlert("gift", "Gift card."), new RuleAlert("any-alert", "Rule any-alert matched.")), outcome.alerts());
    assertEquals("web-review", outcome.reviewQueue());
  }

  @Test
  void a_later_route_applies_when_an_earlier_one_does_not_match() {
    var rules = rules("""
        { name = route-web, when { channel-in = [web] }, action = ROUTE, queue = web-review }
        { name = route-any, action = ROUTE, queue = general }
        """);
    assertEquals("general", rules.evaluate(order("C-1", "EUR", "phone", line(1, "A", 1, "1"))).reviewQueue());
  }

  @Test
  void an_order_no_rule_matches_has_an_empty_outcome() {
    var outcome = rules("{ name = big, when { total-over = 100 }, action = HOLD, reason = LARGE_ORDER }")
        .evaluate(totalling("5"));
    assertEquals(new AutomationRules.Outcome(List.of(), List.of(), null), outcome);
  }

  @Test
  void no_rules_give_no_outcome() {
    assertSame(AutomationRules.Outcome.NONE, AutomationRules.NONE.evaluate(totalling("1000000")));
    assertEquals(List.of(), AutomationRules.Outcome.NONE.holds());
    assertEquals(List.of(), AutomationRules.Outcome.NONE.alerts());
    assertNull(AutomationRules.Outcome.NONE.reviewQueue());
  }
}
