package dev.o2c.invoice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.o2c.order.OrderLine;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Tax per line and the invoice draft of an order: rounding half up once per line at the
 * currency's scale (JPY 0, EUR 2, KWD 3), default and unknown tax codes, totals and dates.
 */
class TaxAndDraftTest {

  private static final LocalDate ISSUED_ON = LocalDate.parse("2026-11-02");

  private static final TaxRates RATES = new TaxRates(new BigDecimal("10"), Map.of(
      "STANDARD", new BigDecimal("19"),
      "REDUCED", new BigDecimal("7"),
      "CITY", new BigDecimal("8.875"),
      "KW", new BigDecimal("5"),
      "ZERO", BigDecimal.ZERO));

  // --- TaxRates.tax -------------------------------------------------------------------------------

  @ParameterizedTest(name = "{0} {1} at {2}% = {3}")
  @CsvSource({
      // EUR: 0.035 is exactly half a cent and rounds up
      "EUR, 0.50, 7, 0.04",
      "EUR, 0.10, 7, 0.01",
      "EUR, 100.00, 19, 19.00",
      "EUR, 10.00, 8.875, 0.89",
      "EUR, 0.01, 19, 0.00",
      // JPY: no decimals; 0.5 yen rounds up to 1, 0.4 down to 0
      "JPY, 150, 10, 15",
      "JPY, 5, 10, 1",
      "JPY, 4, 10, 0",
      "JPY, 15, 10, 2",
      // KWD: three decimals; 0.05025 rounds down, 0.0505 is exactly half and rounds up
      "KWD, 1.005, 5, 0.050",
      "KWD, 1.010, 5, 0.051",
      "KWD, 0.001, 19, 0.000",
  })
  void tax_is_rounded_half_up_to_the_currencys_minor_unit(String currency, String net, String percent, String expected) {
    var scale = dev.o2c.money.Money.scale(currency);

    var tax = TaxRates.tax(new BigDecimal(net), new BigDecimal(percent), scale);

    assertEquals(expected, tax.toPlainString());
  }

  @Test
  void the_one_rounding_mode_is_half_up() {
    assertEquals(java.math.RoundingMode.HALF_UP, TaxRates.ROUNDING);
  }

  @Test
  void a_line_without_a_code_gets_the_default_rate_and_a_known_code_its_own() {
    assertEquals(0, new BigDecimal("10").compareTo(RATES.percentFor(null)));
    assertEquals(0, new BigDecimal("19").compareTo(RATES.percentFor("STANDARD")));
    assertEquals(0, new BigDecimal("8.875").compareTo(RATES.percentFor("CITY")));
    assertTrue(RATES.knows("REDUCED"));
    assertFalse(RATES.knows("LUXURY"));
  }

  @Test
  void an_unknown_tax_code_is_refused() {
    var e = assertThrows(IllegalArgumentException.class, () -> RATES.percentFor("LUXURY"));
    assertTrue(e.getMessage().contains("LUXURY"), e.getMessage());
  }

  @Test
  void the_rates_cannot_be_changed_through_the_map_they_were_made_from() {
    var codes = new java.util.HashMap<String, BigDecimal>();
    codes.put("STANDARD", new BigDecimal("19"));
    var rates = new TaxRates(BigDecimal.ZERO, codes);

    codes.put("STANDARD", new BigDecimal("25"));

    assertEquals(0, new BigDecimal("19").compareTo(rates.percentFor("STANDARD")));
  }

  // --- InvoiceDraft.of ---------------------------------------------------------------------------

  @Test
  void a_eur_draft_taxes_each_line_at_its_rate_and_rounds_each_line_once() {
    var lines = List.of(
        line(1, 1, "0.50", "REDUCED"),   // 0.035 -> 0.04
        line(2, 3, "0.50", "REDUCED"),   // 1.50 * 7% = 0.105 -> 0.11
        line(3, 2, "49.99", "STANDARD"), // 99.98 * 19% = 18.9962 -> 19.00
        line(4, 1, "10.00", null));      // default 10% -> 1.00

    var draft = InvoiceDraft.of("ord_1", "cust-1", "PO-7", "EUR", lines, RATES, ISSUED_ON, 30);

    assertEquals(4, draft.lines().size());
    assertLine(draft.lines().get(0), 1, "0.50", "7", "0.04", "0.54");
    assertLine(draft.lines().get(1), 2, "1.50", "7", "0.11", "1.61");
    assertLine(draft.lines().get(2), 3, "99.98", "19", "19.00", "118.98");
    assertLine(draft.lines().get(3), 4, "10.00", "10", "1.00", "11.00");
    assertEquals("111.98", draft.subtotal().toPlainString());
    assertEquals("20.15", draft.tax().toPlainString());
    assertEquals("132.13", draft.total().toPlainString());
  }

  @Test
  void per_line_rounding_differs_from_rounding_the_sum_and_the_draft_uses_per_line() {
    // Three lines of 0.50 at 7%: each 0.035 rounds to 0.04 (0.12); taxing 1.50 at once would give 0.11.
    var lines = List.of(line(1, 1, "0.50", "REDUCED"), line(2, 1, "0.50", "REDUCED"), line(3, 1, "0.50", "REDUCED"));

    var draft = InvoiceDraft.of("ord_1", "cust-1", null, "EUR", lines, RATES, ISSUED_ON, 14);

    assertEquals("0.12", draft.tax().toPlainString());
    assertEquals("1.62", draft.total().toPlainString());
  }

  @Test
  void a_jpy_draft_has_whole_yen_with_half_a_yen_rounded_up() {
    var lines = List.of(line(1, 1, "150", null), line(2, 1, "5", null), line(3, 2, "2", null));

    var draft = InvoiceDraft.of("ord_2", "cust-2", null, "JPY", lines, RATES, ISSUED_ON, 30);

    assertLine(draft.lines().get(0), 1, "150", "10", "15", "165");
    assertLine(draft.lines().get(1), 2, "5", "10", "1", "6");
    assertLine(draft.lines().get(2), 3, "4", "10", "0", "4");
    assertEquals("159", draft.subtotal().toPlainString());
    assertEquals("16", draft.tax().toPlainString());
    assertEquals("175", draft.total().toPlainString());
  }

  @Test
  void a_kwd_draft_has_three_decimals_in_every_amount() {
    var lines = List.of(line(1, 1, "1.005", "KW"), line(2, 2, "0.505", "KW"));

    var draft = InvoiceDraft.of("ord_3", "cust-3", null, "KWD", lines, RATES, ISSUED_ON, 30);

    assertLine(draft.lines().get(0), 1, "1.005", "5", "0.050", "1.055");
    assertLine(draft.lines().get(1), 2, "1.010", "5", "0.051", "1.061");
    assertEquals("2.015", draft.subtotal().toPlainString());
    assertEquals("0.101", draft.tax().toPlainString());
    assertEquals("2.116", draft.total().toPlainString());
  }

  @Test
  void a_draft_of_lines_at_a_zero_rate_has_zero_tax_at_the_currency_scale() {
    var draft = InvoiceDraft.of("ord_4", "cust-4", null, "EUR", List.of(line(1, 4, "2.50", "ZERO")), RATES, ISSUED_ON, 30);

    assertEquals("0.00", draft.tax().toPlainString());
    assertEquals("10.00", draft.total().toPlainString());
  }

  @Test
  void a_draft_with_a_line_of_an_unknown_tax_code_is_refused() {
    var lines = List.of(line(1, 1, "10.00", "STANDARD"), line(2, 1, "10.00", "LUXURY"));

    var e = assertThrows(IllegalArgumentException.class,
        () -> InvoiceDraft.of("ord_5", "cust-5", null, "EUR", lines, RATES, ISSUED_ON, 30));
    assertTrue(e.getMessage().contains("LUXURY"), e.getMessage());
  }

  @Test
  void the_subtotal_is_the_order_total_and_the_total_is_subtotal_plus_the_sum_of_line_taxes_exactly() {
    var lines = List.of(
        line(1, 7, "3.33", "CITY"), line(2, 11, "0.99", "STANDARD"), line(3, 1, "1234.56", "REDUCED"), line(4, 3, "0.07", null));
    var orderTotal = lines.stream().map(OrderLine::lineTotal).reduce(BigDecimal.ZERO, BigDecimal::add);

    var draft = InvoiceDraft.of("ord_6", "cust-6", null, "EUR", lines, RATES, ISSUED_ON, 30);

    var lineTaxes = draft.lines().stream().map(InvoiceLine::tax).reduce(BigDecimal.ZERO, BigDecimal::add);
    assertEquals(0, orderTotal.compareTo(draft.subtotal()));
    assertEquals(0, lineTaxes.compareTo(draft.tax()));
    assertEquals(0, draft.subtotal().add(lineTaxes).compareTo(draft.total()));
    for (var l : draft.lines()) {
      assertEquals(0, l.net().add(l.tax()).compareTo(l.gross()), "gross = net + tax on line " + l.lineNumber());
      assertEquals(2, l.tax().scale(), "tax scale on line " + l.lineNumber());
    }
  }

  @Test
  void the_draft_keeps_the_order_data_and_line_details() {
    var lines = List.of(line(1, 2, "12.50", "STANDARD"), line(2, 1, "3.00", null));

    var draft = InvoiceDraft.of("ord_7", "cust-7", "PO-99", "EUR", lines, RATES, ISSUED_ON, 30);

    assertEquals("ord_7", draft.orderId());
    assertEquals("cust-7", draft.customerId());
    assertEquals("PO-99", draft.externalReference());
    assertEquals("EUR", draft.currency());
    var first = draft.lines().get(0);
    assertEquals("SKU-1", first.sku());
    assertEquals(2, first.quantity());
    assertEquals("12.50", first.unitPrice().toPlainString());
    assertEquals("STANDARD", first.taxCode());
    assertEquals(null, draft.lines().get(1).taxCode());
  }

  @ParameterizedTest(name = "terms {0} days -> due {1}")
  @CsvSource({"0, 2026-11-02", "14, 2026-11-16", "30, 2026-12-02", "60, 2027-01-01"})
  void the_draft_is_issued_on_the_given_day_and_due_after_the_payment_terms(int terms, String dueOn) {
    var draft = InvoiceDraft.of("ord_8", "cust-8", null, "EUR", List.of(line(1, 1, "1.00", null)), RATES, ISSUED_ON, terms);

    assertEquals(ISSUED_ON, draft.issuedOn());
    assertEquals(LocalDate.parse(dueOn), draft.dueOn());
  }

  @Test
  void the_draft_lines_cannot_be_changed_afterwards() {
    var draft = InvoiceDraft.of("ord_9", "cust-9", null, "EUR", List.of(line(1, 1, "1.00", null)), RATES, ISSUED_ON, 30);

    assertThrows(UnsupportedOperationException.class, () -> draft.lines().add(draft.lines().get(0)));
  }

  private static OrderLine line(int number, long quantity, String unitPrice, String taxCode) {
    var price = new BigDecimal(unitPrice);
    return new OrderLine(number, "SKU-" + number, quantity, price, price.multiply(BigDecimal.valueOf(quantity)), taxCode);
  }

  private static void assertLine(InvoiceLine line, int number, String net, String percent, String tax, String gross) {
    assertEquals(number, line.lineNumber());
    assertEquals(net, line.net().toPlainString(), "net of line " + number);
    assertEquals(0, new BigDecimal(percent).compareTo(line.taxPercent()), "percent of line " + number);
    assertEquals(tax, line.tax().toPlainString(), "tax of line " + number);
    assertEquals(gross, line.gross().toPlainString(), "gross of line " + number);
  }
}
