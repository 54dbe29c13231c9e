package dev.o2c.money;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Currency;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The money rules of the domain: every amount has an ISO 4217 currency, and its scale is that
 * currency's minor unit (JPY 0, EUR 2, KWD 3). An amount with more decimals than its currency
 * allows is refused, never rounded; amounts are compared with {@code compareTo}, never
 * {@code equals}.
 */
public final class Money {

  private static final Pattern CODE = Pattern.compile("[A-Z]{3}");

  /** The largest amount the API accepts anywhere: far above any real order, far below overflow. */
  public static final BigDecimal MAX_AMOUNT = new BigDecimal("1000000000000");

  private Money() {}

  /** The currency for an ISO 4217 code that has a minor unit (not XAU, XXX and the like). */
  public static Optional<Currency> currency(String code) {
    if (code == null || !CODE.matcher(code).matches()) {
      return Optional.empty();
    }
    try {
      Currency currency = Currency.getInstance(code);
      return currency.getDefaultFractionDigits() < 0 ? Optional.empty() : Optional.of(currency);
    } catch (IllegalArgumentException unknown) {
      return Optional.empty();
    }
  }

  public static boolean isCurrency(String code) {
    return currency(code).isPresent();
  }

  /** The number of decimals of the currency's minor unit. */
  public static int scale(String currencyCode) {
    return currency(currencyCode)
        .orElseThrow(() -> new IllegalArgumentException("Not a supported currency: " + currencyCode))
        .getDefaultFractionDigits();
  }

  /**
   * What is wrong with an amount in a currency, or empty when it is acceptable: not negative
   * (and not zero unless allowed), no more decimals than the currency has, not absurdly large.
   */
  public static Optional<String> problem(BigDecimal amount, String currencyCode, boolean zeroAllowed) {
    if (amount == null) {
      return Optional.of("is required");
    }
    if (amount.signum() < 0) {
      return Optional.of("must not be negative");
    }
    if (amount.signum() == 0 && !zeroAllowed) {
      return Optional.of("must be greater than zero");
    }
    if (amount.compareTo(MAX_AMOUNT) >= 0) {
      return Optional.of("must be less than " + MAX_AMOUNT.toPlainString());
    }
    if (isCurrency(currencyCode)) {
      int scale = scale(currencyCode);
      if (decimals(amount) > scale) {
        return Optional.of(
            "has more decimals than " + currencyCode + " allows (" + scale + ")");
      }
    }
    return Optional.empty();
  }

  /** The amount at its currency's scale; it must already pass {@link #problem}. */
  public static BigDecimal normalize(BigDecimal amount, String currencyCode) {
    // UNNECESSARY: an amount that would need rounding was refused before it got here.
    return amount.setScale(scale(currencyCode), RoundingMode.UNNECESSARY);
  }

  public static BigDecimal zero(String currencyCode) {
    return BigDecimal.ZERO.setScale(scale(currencyCode), RoundingMode.UNNECESSARY);
  }

  /** The significant decimals of an amount: 12.50 has one, 12.00 none. */
  public static int decimals(BigDecimal amount) {
    return Math.max(0, amount.stripTrailingZeros().scale());
  }
}
