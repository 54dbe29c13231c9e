package dev.o2c.order;

import dev.o2c.infra.CborSerializable;
import java.math.BigDecimal;

/** One line of an order: quantity times unit price, exact, at the currency's scale. */
public record OrderLine(int lineNumber, String sku, long quantity, BigDecimal unitPrice, BigDecimal lineTotal)
    implements CborSerializable {}
