package dev.o2c.invoice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import dev.o2c.infra.O2cConfig;
import dev.o2c.invoice.InvoicingSettings.InvoiceOn;
import dev.o2c.invoice.InvoicingSettings.Step;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Invoicing settings read from configuration: defaults, tenant overrides, refused values, dunning steps. */
class InvoicingSettingsTest {

  private static final List<Step> DEFAULT_DUNNING = List.of(
      new Step(1, DunningLevel.REMINDER, false),
      new Step(15, DunningLevel.SECOND_NOTICE, false),
      new Step(30, DunningLevel.FINAL_NOTICE, true));

  private static InvoicingSettings load(String overrides) {
    return InvoicingSettings.fromConfig(O2cConfig.load(ConfigFactory.parseString(overrides)));
  }

  /** A tenant "acme" with the given invoicing block. */
  private static InvoicingSettings acme(String invoicing) {
    return load("o2c.tenants.acme { display-name = Acme, invoicing { " + invoicing + " } }");
  }

  private static String refusal(String invoicing) {
    return assertThrows(IllegalArgumentException.class, () -> acme(invoicing)).getMessage();
  }

  @Test
  void the_shipped_defaults_invoice_on_verification_with_prefix_inv_no_tax_and_three_dunning_steps() {
    var settings = load("");

    var defaults = settings.defaults();
    assertEquals(InvoiceOn.VERIFIED, defaults.invoiceOn());
    assertEquals("INV", defaults.numberPrefix());
    assertEquals(0, BigDecimal.ZERO.compareTo(defaults.tax().defaultPercent()));
    assertTrue(defaults.tax().percentByCode().isEmpty());
    assertEquals(DEFAULT_DUNNING, defaults.dunning());
    assertEquals(50, settings.numberBlockSize());
    assertEquals(100, settings.snapshotEvery());
    assertEquals(4, settings.tagBuckets());
    assertEquals(Duration.ofSeconds(10), settings.dunningInterval());
    assertEquals(LocalDate.parse("2026-11-01"), settings.dunningEpoch());
  }

  @Test
  void a_tenant_without_invoicing_config_and_an_unknown_tenant_get_the_defaults() {
    var settings = load("o2c.tenants.plain { display-name = Plain }");

    assertSame(settings.defaults(), settings.tenant("plain"));
    assertSame(settings.defaults(), settings.tenant("nobody"));
  }

  @Test
  void the_dev_tenant_has_its_standard_and_reduced_rates_over_the_defaults() {
    var dev = load("").tenant("dev");

    assertEquals(0, new BigDecimal("19").compareTo(dev.tax().percentFor("STANDARD")));
    assertEquals(0, new BigDecimal("7").compareTo(dev.tax().percentFor("REDUCED")));
    assertEquals(0, BigDecimal.ZERO.compareTo(dev.tax().percentFor(null)));
    assertEquals("INV", dev.numberPrefix());
    assertEquals(InvoiceOn.VERIFIED, dev.invoiceOn());
    assertEquals(DEFAULT_DUNNING, dev.dunning());
  }

  @Test
  void a_tenant_override_changes_only_what_it_names() {
    var settings = acme("""
        invoice-on = shipped
        number-prefix = ACME26
        tax { default-rate = 8.875, rates { STANDARD = 20, REDUCED = "5.5" } }
        """);

    var acme = settings.tenant("acme");
    assertEquals(InvoiceOn.SHIPPED, acme.invoiceOn());
    assertEquals("ACME26", acme.numberPrefix());
    assertEquals(0, new BigDecimal("8.875").compareTo(acme.tax().percentFor(null)));
    assertEquals(0, new BigDecimal("20").compareTo(acme.tax().percentFor("STANDARD")));
    assertEquals(0, new BigDecimal("5.5").compareTo(acme.tax().percentFor("REDUCED")));
    assertEquals(DEFAULT_DUNNING, acme.dunning(), "dunning not overridden");
    // The defaults and other tenants are untouched.
    assertEquals(InvoiceOn.VERIFIED, settings.defaults().invoiceOn());
    assertEquals("INV", settings.tenant("dev").numberPrefix());
  }

  @Test
  void a_tenant_may_replace_the_dunning_steps() {
    var acme = acme("""
        dunning = [
          { days-overdue = 7, level = REMINDER, credit-hold = true }
          { days-overdue = 21, level = FINAL_NOTICE }
        ]
        """).tenant("acme");

    assertEquals(List.of(new Step(7, DunningLevel.REMINDER, true), new Step(21, DunningLevel.FINAL_NOTICE, false)), acme.dunning());
  }

  @Test
  void invoice_on_is_read_case_insensitively() {
    assertEquals(InvoiceOn.SHIPPED, acme("invoice-on = SHIPPED").tenant("acme").invoiceOn());
    assertEquals(InvoiceOn.VERIFIED, acme("invoice-on = Verified").tenant("acme").invoiceOn());
  }

  @ParameterizedTest
  @ValueSource(strings = {"delivered", "paid", "never"})
  void invoice_on_other_than_verified_or_shipped_is_refused_naming_the_setting(String value) {
    var message = refusal("invoice-on = " + value);

    assertTrue(message.contains("o2c.tenants.acme.invoicing.invoice-on"), message);
    assertTrue(message.contains(value), message);
  }

  @ParameterizedTest
  @ValueSource(strings = {"inv", "1INV", "INV-", "ABCDEFGHIJK", "\"\"", "IN V"})
  void a_number_prefix_that_is_not_1_to_10_capitals_or_digits_starting_with_a_capital_is_refused(String prefix) {
    var message = refusal("number-prefix = \"" + prefix.replace("\"", "") + "\"");

    assertTrue(message.contains("o2c.tenants.acme.invoicing.number-prefix"), message);
  }

  @ParameterizedTest
  @ValueSource(strings = {"A", "INV", "ABCDEFGHIJ", "X9"})
  void a_number_prefix_of_1_to_10_capitals_or_digits_starting_with_a_capital_is_accepted(String prefix) {
    assertEquals(prefix, acme("number-prefix = " + prefix).tenant("acme").numberPrefix());
  }

  @ParameterizedTest
  @ValueSource(strings = {"-1", "-0.001", "100.001", "101", "250"})
  void a_tax_rate_below_0_or_above_100_is_refused(String rate) {
    var message = refusal("tax { rates { STANDARD = \"" + rate + "\" } }");

    assertTrue(message.contains("o2c.tenants.acme.invoicing.tax.rates.STANDARD"), message);
    assertTrue(message.contains("0 to 100"), message);
  }

  @Test
  void a_default_rate_out_of_range_is_refused_naming_the_default_rate() {
    var message = refusal("tax { default-rate = 120 }");

    assertTrue(message.contains("o2c.tenants.acme.invoicing.tax.default-rate"), message);
  }

  @ParameterizedTest
  @ValueSource(strings = {"abc", "19%", "nineteen", "1,5"})
  void a_non_numeric_tax_rate_is_refused(String rate) {
    var message = refusal("tax { rates { STANDARD = \"" + rate + "\" } }");

    assertTrue(message.contains("o2c.tenants.acme.invoicing.tax.rates.STANDARD"), message);
    assertTrue(message.contains(rate), message);
  }

  @Test
  void rates_of_exactly_0_and_100_are_accepted() {
    var tax = acme("tax { default-rate = 0, rates { FREE = 0, ALL = 100 } }").tenant("acme").tax();

    assertEquals(0, BigDecimal.ZERO.compareTo(tax.percentFor("FREE")));
    assertEquals(0, new BigDecimal("100").compareTo(tax.percentFor("ALL")));
  }

  @Test
  void dunning_steps_that_do_not_come_later_are_refused() {
    var message = refusal("""
        dunning = [ { days-overdue = 10, level = REMINDER }, { days-overdue = 10, level = SECOND_NOTICE } ]
        """);

    assertTrue(message.contains("o2c.tenants.acme.invoicing.dunning"), message);
  }

  @Test
  void dunning_steps_out_of_day_order_are_refused() {
    refusal("dunning = [ { days-overdue = 20, level = REMINDER }, { days-overdue = 5, level = SECOND_NOTICE } ]");
  }

  @Test
  void dunning_steps_that_do_not_go_to_a_higher_level_are_refused() {
    refusal("dunning = [ { days-overdue = 5, level = SECOND_NOTICE }, { days-overdue = 20, level = REMINDER } ]");
    refusal("dunning = [ { days-overdue = 5, level = REMINDER }, { days-overdue = 20, level = REMINDER } ]");
  }

  @Test
  void a_dunning_step_at_level_none_is_refused() {
    var message = refusal("dunning = [ { days-overdue = 5, level = NONE } ]");

    assertTrue(message.contains("o2c.tenants.acme.invoicing.dunning"), message);
  }

  @Test
  void a_dunning_step_on_the_due_date_or_before_is_refused() {
    refusal("dunning = [ { days-overdue = 0, level = REMINDER } ]");
    refusal("dunning = [ { days-overdue = -3, level = REMINDER } ]");
  }

  @Test
  void an_unknown_dunning_level_is_refused() {
    var message = refusal("dunning = [ { days-overdue = 5, level = LAWYER } ]");

    assertTrue(message.contains("REMINDER, SECOND_NOTICE or FINAL_NOTICE"), message);
  }

  @Test
  void the_defaults_are_checked_too() {
    var e = assertThrows(IllegalArgumentException.class, () -> load("o2c.invoicing.defaults.number-prefix = bad"));

    assertTrue(e.getMessage().contains("o2c.invoicing.defaults.number-prefix"), e.getMessage());
  }

  @Test
  void the_next_step_is_the_first_step_above_the_current_level() {
    var defaults = load("").defaults();

    assertEquals(new Step(1, DunningLevel.REMINDER, false), defaults.nextStep(DunningLevel.NONE));
    assertEquals(new Step(15, DunningLevel.SECOND_NOTICE, false), defaults.nextStep(DunningLevel.REMINDER));
    assertEquals(new Step(30, DunningLevel.FINAL_NOTICE, true), defaults.nextStep(DunningLevel.SECOND_NOTICE));
    assertNull(defaults.nextStep(DunningLevel.FINAL_NOTICE));
  }

  @Test
  void the_next_step_skips_levels_a_tenant_does_not_use_and_none_without_steps() {
    var sparse = acme("dunning = [ { days-overdue = 3, level = REMINDER }, { days-overdue = 40, level = FINAL_NOTICE } ]")
        .tenant("acme");
    var none = acme("dunning = []").tenant("acme");

    assertEquals(DunningLevel.FINAL_NOTICE, sparse.nextStep(DunningLevel.REMINDER).level());
    assertEquals(DunningLevel.FINAL_NOTICE, sparse.nextStep(DunningLevel.SECOND_NOTICE).level());
    assertNull(none.nextStep(DunningLevel.NONE));
  }
}
