package dev.o2c.money;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class MoneyProperties {

  /** An amount in a currency. */
  record Priced(String currency, BigDecimal amount) {}

  private static final BigDecimal LARGEST_UNSCALED = new BigDecimal("999999999999");

  private static Arbitrary<String> currencies() {
    return Arbitraries.of("EUR", "JPY", "KWD", "USD", "BHD");
  }

  /**
   * Non-negative amounts below the maximum with at most the currency's decimals; sometimes written
   * with trailing zeros beyond the scale (12.500 in EUR), which is still a valid amount.
   */
  @Provide
  Arbitrary<Priced> validAmounts() {
    return currencies().flatMap(currency -> {
      int scale = Money.scale(currency);
      var units = Arbitraries.bigIntegers().between(BigDecimal.ZERO.toBigInteger(), LARGEST_UNSCALED.toBigInteger());
      var decimals = Arbitraries.integers().between(0, scale);
      var fractions = Arbitraries.longs().between(0, 999);
      var trailingZeros = Arbitraries.integers().between(0, 3);
      return Combinators.combine(units, decimals, fractions, trailingZeros).as((u, d, f, z) -> {
        long fraction = f % (long) Math.pow(10, d);
        var amount = new BigDecimal(u).add(BigDecimal.valueOf(fraction, d));
        return new Priced(currency, amount.setScale(amount.scale() + z));
      });
    }).edgeCases(edges -> edges.add(new Priced("JPY", BigDecimal.ZERO)));
  }

  /** Amounts with at least one significant decimal more than the currency has. */
  @Provide
  Arbitrary<Priced> overPreciseAmounts() {
    return currencies().flatMap(currency -> {
      int scale = Money.scale(currency);
      var units = Arbitraries.longs().between(0, 999_999_999_998L);
      var extra = Arbitraries.integers().between(1, 4);
      var lastDigit = Arbitraries.integers().between(1, 9);
      var middle = Arbitraries.longs().between(0, 9_999);
      return Combinators.combine(units, extra, lastDigit, middle).as((u, e, last, m) -> {
        int decimals = scale + e;
        // a fraction below 1 whose last digit is not zero: exactly `decimals` significant decimals
        long digits = m % (long) Math.pow(10, decimals - 1);
        var fraction = BigDecimal.valueOf(digits * 10 + last, decimals);
        return new Priced(currency, BigDecimal.valueOf(u).add(fraction));
      });
    });
  }

  @Property
  void an_amount_within_the_currency_scale_has_no_problem(@ForAll("validAmounts") Priced priced) {
    assertEquals(Optional.empty(), Money.problem(priced.amount(), priced.currency(), true));
  }

  @Property
  void normalize_keeps_the_value_and_sets_the_currency_scale(@ForAll("validAmounts") Priced priced) {
    var normalized = Money.normalize(priced.amount(), priced.currency());
    assertEquals(0, normalized.compareTo(priced.amount()), () -> priced + " became " + normalized);
    assertEquals(Money.scale(priced.currency()), normalized.scale());
  }

  @Property
  void normalize_is_idempotent(@ForAll("validAmounts") Priced priced) {
    var once = Money.normalize(priced.amount(), priced.currency());
    var twice = Money.normalize(once, priced.currency());
    assertEquals(once.toPlainString(), twice.toPlainString());
  }

  @Property
  void an_amount_with_more_decimals_than_the_currency_always_has_a_problem(@ForAll("overPreciseAmounts") Priced priced) {
    var problem = Money.problem(priced.amount(), priced.currency(), true);
    assertTrue(problem.isPresent(), () -> priced + " was accepted");
    assertEquals(
        "has more decimals than " + priced.currency() + " allows (" + Money.scale(priced.currency()) + ")",
        problem.get());
  }

  @Property
  void decimals_do_not_depend_on_trailing_zeros(@ForAll("validAmounts") Priced priced) {
    var padded = priced.amount().setScale(priced.amount().scale() + 2);
    assertEquals(Money.decimals(priced.amount()), Money.decimals(padded));
  }
}
