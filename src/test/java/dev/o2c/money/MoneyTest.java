package dev.o2c.money;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class MoneyTest {

  private static Optional<String> problem(String amount, String currency, boolean zeroAllowed) {
    return Money.problem(new BigDecimal(amount), currency, zeroAllowed);
  }

  @ParameterizedTest
  @ValueSource(strings = {"EUR", "JPY", "KWD", "USD", "BHD"})
  void iso_codes_with_a_minor_unit_are_currencies(String code) {
    assertTrue(Money.isCurrency(code));
    assertEquals(code, Money.currency(code).orElseThrow().getCurrencyCode());
  }

  @ParameterizedTest
  @NullSource
  @ValueSource(strings = {"eur", "Eur", "EURO", "EU", "", " EUR", "XXX", "XAU", "QQQ"})
  void lower_case_wrong_length_unknown_and_fractionless_codes_are_not_currencies(String code) {
    assertFalse(Money.isCurrency(code));
    assertTrue(Money.currency(code).isEmpty());
  }

  @ParameterizedTest
  @CsvSource({"JPY, 0", "EUR, 2", "USD, 2", "KWD, 3", "BHD, 3"})
  void the_scale_is_the_currency_minor_unit(String code, int scale) {
    assertEquals(scale, Money.scale(code));
  }

  @Test
  void the_scale_of_an_unsupported_currency_is_an_error_naming_it() {
    var error = assertThrows(IllegalArgumentException.class, () -> Money.scale("XAU"));
    assertTrue(error.getMessage().contains("XAU"), error.getMessage());
  }

  @Test
  void a_missing_amount_is_required() {
    assertEquals(Optional.of("is required"), Money.problem(null, "EUR", true));
  }

  @Test
  void a_negative_amount_is_refused_even_where_zero_is_allowed() {
    assertEquals(Optional.of("must not be negative"), problem("-0.01", "EUR", true));
    assertEquals(Optional.of("must not be negative"), problem("-1", "JPY", false));
  }

  @Test
  void zero_is_refused_unless_allowed() {
    assertEquals(Optional.of("must be greater than zero"), problem("0", "EUR", false));
    assertEquals(Optional.of("must be greater than zero"), problem("0.00", "EUR", false));
    assertEquals(Optional.empty(), problem("0", "EUR", true));
    assertEquals(Optional.empty(), problem("0.000", "JPY", true));
  }

  @Test
  void a_fraction_of_a_yen_is_refused() {
    assertEquals(Optional.of("has more decimals than JPY allows (0)"), problem("1.5", "JPY", true));
  }

  @Test
  void a_third_decimal_is_refused_in_euros_but_accepted_in_dinars() {
    assertEquals(Optional.of("has more decimals than EUR allows (2)"), problem("1.234", "EUR", true));
    assertEquals(Optional.empty(), problem("1.234", "KWD", true));
    assertEquals(Optional.of("has more decimals than KWD allows (3)"), problem("1.2345", "KWD", true));
  }

  @ParameterizedTest
  @ValueSource(strings = {"1.50", "1.5", "1", "1.500000", "0.01", "1E+3", "999999999999.99"})
  void euro_amounts_with_at_most_two_significant_decimals_are_accepted(String amount) {
    assertEquals(Optional.empty(), problem(amount, "EUR", false));
  }

  @Test
  void trailing_zeros_do_not_count_as_decimals() {
    assertEquals(Optional.empty(), problem("12.000", "JPY", false));
  }

  @Test
  void amounts_at_or_above_the_maximum_are_refused() {
    var expected = Optional.of("must be less than 1000000000000");
    assertEquals(expected, Money.problem(Money.MAX_AMOUNT, "EUR", true));
    assertEquals(expected, problem("1000000000000.00", "EUR", true));
    assertEquals(expected, problem("1000000000000.01", "EUR", true));
    assertEquals(expected, problem("1E+20", "JPY", true));
    assertEquals(Optional.empty(), problem("999999999999", "JPY", true));
  }

  @Test
  void decimals_are_not_checked_against_an_unknown_currency() {
    assertEquals(Optional.empty(), problem("1.23456", "XAU", true));
    assertEquals(Optional.empty(), problem("1.23456", null, true));
  }

  @ParameterizedTest
  @CsvSource({
    "EUR, 12.5, 12.50",
    "EUR, 12, 12.00",
    "EUR, 12.500, 12.50",
    "EUR, 1E+3, 1000.00",
    "JPY, 1500, 1500",
    "JPY, 1500.00, 1500",
    "KWD, 1.2, 1.200",
    "KWD, 0, 0.000"
  })
  void normalize_sets_the_currency_scale_without_changing_the_value(String currency, String amount, String expected) {
    var input = new BigDecimal(amount);
    var normalized = Money.normalize(input, currency);
    assertEquals(Money.scale(currency), normalized.scale());
    assertEquals(0, normalized.compareTo(input));
    assertEquals(expected, normalized.toPlainString());
  }

  @Test
  void normalize_refuses_to_round_an_over_precise_amount() {
    assertThrows(ArithmeticException.class, () -> Money.normalize(new BigDecimal("1.5"), "JPY"));
  }

  @Test
  void zero_has_the_currency_scale() {
    assertEquals("0.00", Money.zero("EUR").toPlainString());
    assertEquals("0", Money.zero("JPY").toPlainString());
    assertEquals("0.000", Money.zero("KWD").toPlainString());
  }

  @ParameterizedTest
  @CsvSource({"12.50, 1", "12.00, 0", "12, 0", "0.005, 3", "1E+3, 0", "0, 0", "-1.25, 2", "1.10000, 1"})
  void decimals_counts_significant_decimals_only(String amount, int decimals) {
    assertEquals(decimals, Money.decimals(new BigDecimal(amount)));
  }
}
