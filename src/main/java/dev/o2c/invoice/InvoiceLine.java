package dev.o2c.invoice;

import dev.o2c.infra.CborSerializable;
import java.math.BigDecimal;

/** A line of an invoice: the order line's net amount, its tax rate and tax (rounded per line), and the gross. */
public record InvoiceLine(
    int lineNumber, String sku, long quantity, BigDecimal unitPrice, BigDecimal net, String taxCode, BigDecimal taxPercent,
    BigDecimal tax, BigDecimal gross) implements CborSerializable {}
