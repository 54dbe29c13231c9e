package dev.o2c.account;

import dev.o2c.infra.O2cConfig;
import dev.o2c.invoice.DunningLevel;
import dev.o2c.invoice.InvoicingSettings;
import dev.o2c.invoice.TaxRates;
import dev.o2c.order.AutomationRules;
import dev.o2c.order.HoldReason;
import dev.o2c.order.NewOrder;
import dev.o2c.order.OrderLine;
import dev.o2c.order.PlacementRequest;
import dev.o2c.order.RuleAlert;
import dev.o2c.payment.PaymentSettings;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * What the account tests share: the tenants' invoicing (tenant "acme" invoices on verification,
 * "shipco" on shipment; both tax STANDARD at 19 % and REDUCED at 7 %, lines without a code at 0 %,
 * and dun on days 1, 15 and 30, the last with credit hold), and orders as they reach the ledger.
 */
final class AccountFixtures {

  private AccountFixtures() {}

  static final TaxRates RATES =
      new TaxRates(BigDecimal.ZERO, Map.of("STANDARD", new BigDecimal("19"), "REDUCED", new BigDecimal("7")));

  static final List<InvoicingSettings.Step> DUNNING = List.of(
      new InvoicingSettings.Step(1, DunningLevel.REMINDER, false),
      new InvoicingSettings.Step(15, DunningLevel.SECOND_NOTICE, false),
      new InvoicingSettings.Step(30, DunningLevel.FINAL_NOTICE, true));

  static final InvoicingSettings.Tenant ON_VERIFIED =
      new InvoicingSettings.Tenant(InvoicingSettings.InvoiceOn.VERIFIED, "INV", RATES, DUNNING);

  static final InvoicingSettings.Tenant ON_SHIPPED =
      new InvoicingSettings.Tenant(InvoicingSettings.InvoiceOn.SHIPPED, "SHP", RATES, DUNNING);

  static final InvoicingSettings INVOICING = new InvoicingSettings(
      Map.of("acme", ON_VERIFIED, "shipco", ON_SHIPPED), ON_VERIFIED, 50, 100, 4, Duration.ofMinutes(1),
      LocalDate.parse("2026-11-01"));

  /** The shipped payment settings: no tolerance, unapplied cash and account credit pay new invoices. */
  static final PaymentSettings PAYMENTS = PaymentSettings.fromConfig(O2cConfig.load());

  /**
   * Settings of the account entity in tests: no timer of its own comes round during a test (the
   * tests send the placement check and see confirmations ride along with the next write).
   */
  static AccountSettings settings() {
    return new AccountSettings(100, Duration.ofHours(1), Duration.ofSeconds(5), Duration.ofSeconds(1), 200, 4, 64, Duration.ofHours(1));
  }

  static CustomerAccount.Dependencies dependencies(dev.o2c.infra.BusinessClock clock, LedgerEffects effects, AccountSettings settings) {
    return new CustomerAccount.Dependencies(clock, effects, settings, INVOICING, PAYMENTS);
  }

  // --- Orders ----------------------------------------------------------------------------------

  /** A line of {@code quantity} at {@code unitPrice} (its total exact), taxed by {@code taxCode} (null: 0 %). */
  static OrderLine line(int lineNumber, String sku, long quantity, String unitPrice, String taxCode) {
    BigDecimal price = new BigDecimal(unitPrice);
    return new OrderLine(lineNumber, sku, quantity, price, price.multiply(BigDecimal.valueOf(quantity)), taxCode);
  }

  static NewOrder order(String customerId, String currency, String externalReference, OrderLine... lines) {
    BigDecimal total = Arrays.stream(lines).map(OrderLine::lineTotal).reduce(BigDecimal.ZERO, BigDecimal::add);
    return new NewOrder(customerId, currency, List.of(lines), total, "web", externalReference);
  }

  static PlacementRequest request(String orderId, NewOrder order, AutomationRules.Outcome rules, Instant at) {
    return new PlacementRequest(orderId, order, rules, "key-" + orderId, order.fingerprint(), "shop", at);
  }

  /** An order of one line of {@code net} EUR with the tax code, no rule applying. */
  static PlacementRequest request(String orderId, String customerId, String net, String taxCode, Instant at) {
    return request(orderId, order(customerId, "EUR", "PO-" + orderId, line(1, "SKU-1", 1, net, taxCode)), AutomationRules.Outcome.NONE, at);
  }

  /** What a HOLD rule makes of an order. */
  static AutomationRules.Outcome heldByRule(String reason, String rule) {
    return new AutomationRules.Outcome(List.of(new HoldReason(reason, "Held by rule " + rule + ".", rule)), List.of(), null);
  }

  /** What an ALERT rule makes of an order. */
  static AutomationRules.Outcome alerted(String rule, String message) {
    return new AutomationRules.Outcome(List.of(), List.of(new RuleAlert(rule, message)), null);
  }

  static BigDecimal money(String amount) {
    return new BigDecimal(amount);
  }
}
