package dev.o2c.invoice;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;

/**
 * A tenant's tax rates, in percent: one per tax code, and a default for lines without a code.
 *
 * <p>Tax is computed per line on the line's net total and rounded once, to the currency's minor
 * unit, half up (0.5 of a minor unit rounds away from zero: commercial rounding). The invoice's
 * tax is the sum of the rounded line taxes, so the invoice total is exactly the order total plus
 * that sum.
 */
public record TaxRates(BigDecimal defaultPercent, Map<String, BigDecimal> percentByCode) {

  /** The one rounding mode of tax amounts. */
  public static final RoundingMode ROUNDING = RoundingMode.HALF_UP;

  private static final BigDecimal HUNDRED = BigDecimal.valueOf(100);

  public TaxRates {
    percentByCode = Map.copyOf(percentByCode);
  }

  public boolean knows(String taxCode) {
    return percentByCode.containsKey(taxCode);
  }

  /** The rate of a tax code, or the default rate for a line without one. */
  public BigDecimal percentFor(String taxCode) {
    if (taxCode == null) {
      return defaultPercent;
    }
    BigDecimal percent = percentByCode.get(taxCode);
    if (percent == null) {
      throw new IllegalArgumentException("Unknown tax code " + taxCode);
    }
    return percent;
  }

  /** The tax on a net amount at a rate, rounded to {@code scale} decimals. */
  public static BigDecimal tax(BigDecimal net, BigDecimal percent, int scale) {
    return net.multiply(percent).divide(HUNDRED).setScale(scale, ROUNDING);
  }
}
