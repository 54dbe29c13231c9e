package dev.o2c.order;

import dev.o2c.infra.CborSerializable;
import java.math.BigDecimal;

/**
 * One line of an order: quantity times unit price, exact, at the currency's scale; {@code taxCode}
 * names one of the tenant's tax rates (null: the default rate).
 */
public record OrderLine(int lineNumber, String sku, long quantity, BigDecimal unitPrice, BigDecimal lineTotal, String taxCode)
    implements CborSerializable {

  /** A line without a tax code. */
  public OrderLine(int lineNumber, String sku, long quantity, BigDecimal unitPrice, BigDecimal lineTotal) {
    this(lineNumber, sku, quantity, unitPrice, lineTotal, null);
  }
}
