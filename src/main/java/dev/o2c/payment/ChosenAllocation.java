package dev.o2c.payment;

import dev.o2c.infra.CborSerializable;
import java.math.BigDecimal;

/** An invoice and an amount someone chose for a payment's unapplied money. */
public record ChosenAllocation(String invoiceId, BigDecimal amount) implements CborSerializable {}
