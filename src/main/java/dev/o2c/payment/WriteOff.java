package dev.o2c.payment;

import dev.o2c.infra.CborSerializable;
import java.math.BigDecimal;

/** A small balance written off with a payment (an adjustment, not cash), and the rule that did it. */
public record WriteOff(String invoiceId, String invoiceNumber, BigDecimal amount, Rule rule) implements CborSerializable {}
