package dev.o2c.invoice;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.o2c.infra.FieldError;
import dev.o2c.infra.ValidationException;
import dev.o2c.invoice.CreditNoteRequests.Create;
import dev.o2c.invoice.CreditNoteRequests.LineCredit;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The amount a credit note request stands for: an amount given (normalized, validated for the
 * currency) or invoice lines (gross per unit times the units, tax rounded as on the invoice), and
 * the field errors of a bad request.
 */
class CreditNoteRequestsTest {

  /** EUR: 3 x 10.00 at 19% (gross 35.70), 10 x 0.50 at 7% (gross 5.35), 1 x 2.00 without tax. */
  private static final InvoiceView EUR_INVOICE = invoice("EUR",
      new InvoiceLine(1, "SKU-A", 3, new BigDecimal("10.00"), new BigDecimal("30.00"), "STANDARD", new BigDecimal("19"),
          new BigDecimal("5.70"), new BigDecimal("35.70")),
      new InvoiceLine(2, "SKU-B", 10, new BigDecimal("0.50"), new BigDecimal("5.00"), "REDUCED", new BigDecimal("7"),
          new BigDecimal("0.35"), new BigDecimal("5.35")),
      new InvoiceLine(3, "SKU-C", 1, new BigDecimal("2.00"), new BigDecimal("2.00"), null, BigDecimal.ZERO,
          new BigDecimal("0.00"), new BigDecimal("2.00")));

  /** JPY: 3 x 150 at 10% (gross 495), 4 x 5 at 10% (gross 22). */
  private static final InvoiceView JPY_INVOICE = invoice("JPY",
      new InvoiceLine(1, "SKU-A", 3, new BigDecimal("150"), new BigDecimal("450"), null, new BigDecimal("10"),
          new BigDecimal("45"), new BigDecimal("495")),
      new InvoiceLine(2, "SKU-B", 4, new BigDecimal("5"), new BigDecimal("20"), null, new BigDecimal("10"),
          new BigDecimal("2"), new BigDecimal("22")));

  /** KWD: 2 x 1.005 at 5% (gross 2.111). */
  private static final InvoiceView KWD_INVOICE = invoice("KWD",
      new InvoiceLine(1, "SKU-A", 2, new BigDecimal("1.005"), new BigDecimal("2.010"), null, new BigDecimal("5"),
          new BigDecimal("0.101"), new BigDecimal("2.111")));

  // --- By amount ------------------------------------------------------------------------------

  @Test
  void an_amount_is_taken_as_given_at_the_currency_scale() {
    assertEquals("12.50", CreditNoteRequests.amount(byAmount("12.5"), EUR_INVOICE).toPlainString());
    assertEquals("12.50", CreditNoteRequests.amount(byAmount("12.500"), EUR_INVOICE).toPlainString());
    assertEquals("100", CreditNoteRequests.amount(byAmount("100"), JPY_INVOICE).toPlainString());
    assertEquals("1.500", CreditNoteRequests.amount(byAmount("1.5"), KWD_INVOICE).toPlainString());
  }

  @Test
  void an_amount_above_the_invoice_total_is_accepted_here_because_the_ledger_decides_the_excess() {
    assertEquals("500.00", CreditNoteRequests.amount(byAmount("500"), EUR_INVOICE).toPlainString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "0.00", "-1.00", "-0.01"})
  void a_zero_or_negative_amount_is_refused(String amount) {
    assertFields(() -> CreditNoteRequests.amount(byAmount(amount), EUR_INVOICE), "amount");
  }

  @Test
  void an_amount_with_more_decimals_than_the_currency_is_refused_not_rounded() {
    var eur = assertFields(() -> CreditNoteRequests.amount(byAmount("1.005"), EUR_INVOICE), "amount");
    assertFields(() -> CreditNoteRequests.amount(byAmount("1.5"), JPY_INVOICE), "amount");
    assertFields(() -> CreditNoteRequests.amount(byAmount("0.0005"), KWD_INVOICE), "amount");
    assertTrue(eur.get(0).message().contains("EUR"), eur.get(0).message());
  }

  // --- By lines -------------------------------------------------------------------------------

  @Test
  void a_whole_line_is_credited_at_its_gross_when_the_quantity_is_absent() {
    var amount = CreditNoteRequests.amount(byLines(new LineCredit(1, null)), EUR_INVOICE);

    assertEquals("35.70", amount.toPlainString());
  }

  @Test
  void some_units_of_a_line_are_credited_at_net_plus_tax_rounded_half_up_like_the_invoice() {
    // 1 x 0.50 at 7% = 0.035 -> 0.04: 0.54; 3 x 0.50 = 1.50, tax 0.105 -> 0.11: 1.61
    assertEquals("0.54", CreditNoteRequests.amount(byLines(new LineCredit(2, 1L)), EUR_INVOICE).toPlainString());
    assertEquals("1.61", CreditNoteRequests.amount(byLines(new LineCredit(2, 3L)), EUR_INVOICE).toPlainString());
    // 2 x 10.00 at 19% = 20.00 + 3.80
    assertEquals("23.80", CreditNoteRequests.amount(byLines(new LineCredit(1, 2L)), EUR_INVOICE).toPlainString());
  }

  @Test
  void crediting_every_unit_of_a_line_gives_exactly_the_line_gross() {
    assertEquals(0, new BigDecimal("5.35").compareTo(CreditNoteRequests.amount(byLines(new LineCredit(2, 10L)), EUR_INVOICE)));
  }

  @Test
  void several_lines_add_up() {
    var amount = CreditNoteRequests.amount(
        byLines(new LineCredit(1, null), new LineCredit(2, 1L), new LineCredit(3, null)), EUR_INVOICE);

    assertEquals("38.24", amount.toPlainString());
  }

  @Test
  void crediting_all_lines_in_full_gives_the_invoice_total() {
    var amount = CreditNoteRequests.amount(
        byLines(new LineCredit(3, null), new LineCredit(1, null), new LineCredit(2, null)), EUR_INVOICE);

    assertEquals(0, EUR_INVOICE.total().compareTo(amount));
  }

  @Test
  void line_credits_in_yen_are_whole_yen_with_half_a_yen_rounded_up() {
    assertEquals("165", CreditNoteRequests.amount(byLines(new LineCredit(1, 1L)), JPY_INVOICE).toPlainString());
    // 1 x 5 at 10% = 0.5 -> 1
    assertEquals("6", CreditNoteRequests.amount(byLines(new LineCredit(2, 1L)), JPY_INVOICE).toPlainString());
    // 3 x 5 = 15, tax 1.5 -> 2
    assertEquals("17", CreditNoteRequests.amount(byLines(new LineCredit(2, 3L)), JPY_INVOICE).toPlainString());
  }

  @Test
  void line_credits_in_dinar_have_three_decimals() {
    // 1.005 at 5% = 0.05025 -> 0.050
    assertEquals("1.055", CreditNoteRequests.amount(byLines(new LineCredit(1, 1L)), KWD_INVOICE).toPlainString());
    assertEquals("2.111", CreditNoteRequests.amount(byLines(new LineCredit(1, null)), KWD_INVOICE).toPlainString());
  }

  @Test
  void an_unknown_line_number_is_refused_at_its_index() {
    assertFields(() -> CreditNoteRequests.amount(byLines(new LineCredit(1, 1L), new LineCredit(9, 1L)), EUR_INVOICE),
        "lines[1].lineNumber");
  }

  @Test
  void a_missing_line_number_or_a_null_entry_is_refused_at_its_index() {
    assertFields(() -> CreditNoteRequests.amount(byLines(new LineCredit(null, 1L)), EUR_INVOICE), "lines[0].lineNumber");
    var withNull = new ArrayList<LineCredit>();
    withNull.add(new LineCredit(1, 1L));
    withNull.add(null);
    assertFields(() -> CreditNoteRequests.amount(new Create(null, withNull, "damaged"), EUR_INVOICE), "lines[1].lineNumber");
  }

  @Test
  void a_line_named_twice_is_refused_at_the_second_mention() {
    var errors = assertFields(
        () -> CreditNoteRequests.amount(byLines(new LineCredit(2, 1L), new LineCredit(1, 1L), new LineCredit(2, 2L)), EUR_INVOICE),
        "lines[2].lineNumber");
    assertTrue(errors.get(0).message().contains("twice"), errors.get(0).message());
  }

  @ParameterizedTest
  @ValueSource(longs = {0, -1, 11, 1000})
  void a_quantity_of_zero_or_more_than_the_line_has_is_refused(long quantity) {
    var errors = assertFields(
        () -> CreditNoteRequests.amount(byLines(new LineCredit(1, 1L), new LineCredit(2, quantity)), EUR_INVOICE),
        "lines[1].quantity");
    assertTrue(errors.get(0).message().contains("10"), errors.get(0).message());
  }

  @Test
  void every_bad_line_is_reported_at_once_with_a_missing_reason() {
    assertFields(
        () -> CreditNoteRequests.amount(new Create(null, List.of(new LineCredit(1, 0L), new LineCredit(7, null)), null), EUR_INVOICE),
        "reason", "lines[0].quantity", "lines[1].lineNumber");
  }

  @Test
  void an_empty_list_of_lines_is_refused() {
    assertFields(() -> CreditNoteRequests.amount(new Create(null, List.of(), "damaged"), EUR_INVOICE), "lines");
  }

  // --- Shape of the request -------------------------------------------------------------------

  @Test
  void both_amount_and_lines_are_refused() {
    assertFields(
        () -> CreditNoteRequests.amount(new Create(new BigDecimal("5.00"), List.of(new LineCredit(1, 1L)), "damaged"), EUR_INVOICE),
        "amount");
  }

  @Test
  void neither_amount_nor_lines_is_refused() {
    assertFields(() -> CreditNoteRequests.amount(new Create(null, null, "damaged"), EUR_INVOICE), "amount");
  }

  @Test
  void a_reason_is_required() {
    assertFields(() -> CreditNoteRequests.amount(new Create(new BigDecimal("5.00"), null, null), EUR_INVOICE), "reason");
    assertFields(() -> CreditNoteRequests.amount(new Create(new BigDecimal("5.00"), null, "  "), EUR_INVOICE), "reason");
    assertFields(() -> CreditNoteRequests.amount(new Create(new BigDecimal("5.00"), null, "x".repeat(501)), EUR_INVOICE), "reason");
    assertFields(() -> CreditNoteRequests.amount(new Create(new BigDecimal("5.00"), null, "bad\nline"), EUR_INVOICE), "reason");
  }

  @Test
  void a_reason_of_500_characters_is_accepted() {
    assertEquals("5.00",
        CreditNoteRequests.amount(new Create(new BigDecimal("5"), null, "x".repeat(500)), EUR_INVOICE).toPlainString());
  }

  @Test
  void a_missing_reason_and_a_bad_amount_are_reported_together() {
    assertFields(() -> CreditNoteRequests.amount(new Create(new BigDecimal("-3"), null, null), EUR_INVOICE), "reason", "amount");
  }

  private static Create byAmount(String amount) {
    return new Create(new BigDecimal(amount), null, "goodwill");
  }

  private static Create byLines(LineCredit... lines) {
    return new Create(null, Arrays.asList(lines), "damaged");
  }

  /** The request is refused with errors on exactly these fields (in any order); returns the errors. */
  private static List<FieldError> assertFields(org.junit.jupiter.api.function.Executable call, String... fields) {
    var e = assertThrows(ValidationException.class, call);
    var actual = e.errors().stream().map(FieldError::field).sorted().collect(Collectors.toList());
    var expected = Arrays.stream(fields).sorted().collect(Collectors.toList());
    assertEquals(expected, actual, () -> "field errors " + e.errors());
    return e.errors();
  }

  private static InvoiceView invoice(String currency, InvoiceLine... lines) {
    var list = List.of(lines);
    var subtotal = list.stream().map(InvoiceLine::net).reduce(BigDecimal.ZERO, BigDecimal::add);
    var tax = list.stream().map(InvoiceLine::tax).reduce(BigDecimal.ZERO, BigDecimal::add);
    var total = subtotal.add(tax);
    var zero = dev.o2c.money.Money.zero(currency);
    return new InvoiceView("inv_1", "INV-2026-000001", "ord_1", "cust-1", null, currency, list, subtotal, tax, total, zero, zero,
        zero, total, LocalDate.parse("2026-11-02"), LocalDate.parse("2026-12-02"), InvoiceStatus.ISSUED, DunningLevel.NONE,
        List.of(), Instant.parse("2026-11-02T09:00:00Z"));
  }
}
